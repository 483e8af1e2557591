-- 0018_domain_roles.sql: domain-specific roles, as Keystone's: a role
-- with a domain_id belongs to that domain (names are unique per domain,
-- and among the global roles), may be granted only on that domain and
-- its projects, and is never in a token itself: only the global roles it
-- implies are. The user_*_roles views (0017) keep global roles only.

ALTER TABLE roles DROP CONSTRAINT roles_name_key,
	ADD COLUMN domain_id text REFERENCES domains (id) ON DELETE CASCADE;
CREATE UNIQUE INDEX roles_domain_name ON roles (coalesce(domain_id, ''), name);

CREATE OR REPLACE VIEW user_project_roles (user_id, project_id, role_id) AS
	SELECT DISTINCT a.user_id, a.project_id, c.implied_id FROM (
		SELECT user_id, project_id, role_id FROM role_assignments
		UNION SELECT m.user_id, g.project_id, g.role_id
		FROM group_project_roles g JOIN group_members m USING (group_id)
	) a JOIN role_closure c ON c.role_id = a.role_id
	JOIN roles r ON r.id = c.implied_id WHERE r.domain_id IS NULL;
CREATE OR REPLACE VIEW user_domain_roles (user_id, domain_id, role_id) AS
	SELECT DISTINCT a.user_id, a.domain_id, c.implied_id FROM (
		SELECT user_id, domain_id, role_id FROM domain_role_assignments
		UNION SELECT m.user_id, g.domain_id, g.role_id
		FROM group_domain_roles g JOIN group_members m USING (group_id)
	) a JOIN role_closure c ON c.role_id = a.role_id
	JOIN roles r ON r.id = c.implied_id WHERE r.domain_id IS NULL;
CREATE OR REPLACE VIEW user_system_roles (user_id, role_id) AS
	SELECT DISTINCT a.user_id, c.implied_id FROM (
		SELECT user_id, role_id FROM system_role_assignments
		UNION SELECT m.user_id, g.role_id
		FROM group_system_roles g JOIN group_members m USING (group_id)
	) a JOIN role_closure c ON c.role_id = a.role_id
	JOIN roles r ON r.id = c.implied_id WHERE r.domain_id IS NULL;
