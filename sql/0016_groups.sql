-- 0016_groups.sql: groups of users, as Keystone's: a group belongs to a
-- domain, holds users of any domain, and holds roles on projects, domains
-- and the system that count for each of its members. The user_*_roles
-- views are a user's effective roles, their own and their groups'; token
-- validation and scoping read them.

CREATE TABLE groups (
	id		text PRIMARY KEY,
	name		text NOT NULL,
	domain_id	text NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
	description	text NOT NULL DEFAULT '',
	extra		jsonb NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (domain_id, name)
);

CREATE TABLE group_members (
	group_id	text NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
	user_id		text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members (user_id);

CREATE TABLE group_project_roles (
	project_id	text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
	group_id	text NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
	role_id		text NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	PRIMARY KEY (project_id, group_id, role_id)
);

CREATE TABLE group_domain_roles (
	domain_id	text NOT NULL REFERENCES domains (id) ON DELETE CASCADE,
	group_id	text NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
	role_id		text NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	PRIMARY KEY (domain_id, group_id, role_id)
);

CREATE TABLE group_system_roles (
	group_id	text NOT NULL REFERENCES groups (id) ON DELETE CASCADE,
	role_id		text NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	PRIMARY KEY (group_id, role_id)
);

CREATE VIEW user_project_roles (user_id, project_id, role_id) AS
	SELECT user_id, project_id, role_id FROM role_assignments
	UNION SELECT m.user_id, g.project_id, g.role_id
	FROM group_project_roles g JOIN group_members m USING (group_id);
CREATE VIEW user_domain_roles (user_id, domain_id, role_id) AS
	SELECT user_id, domain_id, role_id FROM domain_role_assignments
	UNION SELECT m.user_id, g.domain_id, g.role_id
	FROM group_domain_roles g JOIN group_members m USING (group_id);
CREATE VIEW user_system_roles (user_id, role_id) AS
	SELECT user_id, role_id FROM system_role_assignments
	UNION SELECT m.user_id, g.role_id
	FROM group_system_roles g JOIN group_members m USING (group_id);

-- Membership and group grants change what tokens carry.
CREATE TRIGGER groups_changed AFTER UPDATE OR DELETE ON groups
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
CREATE TRIGGER group_members_changed AFTER INSERT OR UPDATE OR DELETE
	ON group_members FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
CREATE TRIGGER group_project_roles_changed AFTER INSERT OR UPDATE OR DELETE
	ON group_project_roles
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
CREATE TRIGGER group_domain_roles_changed AFTER INSERT OR UPDATE OR DELETE
	ON group_domain_roles
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
CREATE TRIGGER group_system_roles_changed AFTER INSERT OR UPDATE OR DELETE
	ON group_system_roles
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
