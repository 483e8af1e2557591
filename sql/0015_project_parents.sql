-- 0015_project_parents.sql: the project hierarchy, as Keystone's: a
-- project's parent is another project of its domain, or (NULL here) the
-- domain itself. Deleting a project with children is refused by the API;
-- the cascade is for a domain's delete, which takes all its projects.
ALTER TABLE projects ADD COLUMN parent_id text REFERENCES projects (id)
	ON DELETE CASCADE;
CREATE INDEX projects_parent_id ON projects (parent_id);
