-- 0017_implied_roles.sql: implied roles, as Keystone's: a role assigned
-- implies others (member implies reader...), transitively; cycles end
-- where they close. role_closure is every role with each it implies,
-- itself included; a user's effective roles (the user_*_roles views of
-- 0016) now include what their roles imply, so tokens carry them.

CREATE TABLE implied_roles (
	prior_role_id	text NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	implied_role_id	text NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
	PRIMARY KEY (prior_role_id, implied_role_id)
);

CREATE VIEW role_closure (role_id, implied_id) AS
	WITH RECURSIVE c (role_id, implied_id) AS (
		SELECT id, id FROM roles
		UNION SELECT c.role_id, i.implied_role_id
		FROM c JOIN implied_roles i ON i.prior_role_id = c.implied_id)
	SELECT role_id, implied_id FROM c;

CREATE OR REPLACE VIEW user_project_roles (user_id, project_id, role_id) AS
	SELECT DISTINCT a.user_id, a.project_id, c.implied_id FROM (
		SELECT user_id, project_id, role_id FROM role_assignments
		UNION SELECT m.user_id, g.project_id, g.role_id
		FROM group_project_roles g JOIN group_members m USING (group_id)
	) a JOIN role_closure c ON c.role_id = a.role_id;
CREATE OR REPLACE VIEW user_domain_roles (user_id, domain_id, role_id) AS
	SELECT DISTINCT a.user_id, a.domain_id, c.implied_id FROM (
		SELECT user_id, domain_id, role_id FROM domain_role_assignments
		UNION SELECT m.user_id, g.domain_id, g.role_id
		FROM group_domain_roles g JOIN group_members m USING (group_id)
	) a JOIN role_closure c ON c.role_id = a.role_id;
CREATE OR REPLACE VIEW user_system_roles (user_id, role_id) AS
	SELECT DISTINCT a.user_id, c.implied_id FROM (
		SELECT user_id, role_id FROM system_role_assignments
		UNION SELECT m.user_id, g.role_id
		FROM group_system_roles g JOIN group_members m USING (group_id)
	) a JOIN role_closure c ON c.role_id = a.role_id;

CREATE TRIGGER implied_roles_changed AFTER INSERT OR UPDATE OR DELETE
	ON implied_roles FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
