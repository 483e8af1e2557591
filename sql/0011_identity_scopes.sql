-- 0011_identity_scopes.sql: tokens scoped to a domain or to the whole
-- system as well as to a project (or to nothing: unscoped), the role
-- assignments those scopes need, and what a token made from another one
-- (the token method) keeps of it: its methods and its audit chain.

-- A user's roles on a domain (only 'default' exists) and on the system.
CREATE TABLE domain_role_assignments (
	domain_id	text NOT NULL,
	user_id		text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	role_id		text NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
	PRIMARY KEY (domain_id, user_id, role_id)
);

CREATE TABLE system_role_assignments (
	user_id		text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	role_id		text NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
	PRIMARY KEY (user_id, role_id)
);

-- methods: the token's methods in Keystone's order, comma-separated
-- ("password", "token,password"); parent_audit_id: the audit id of the
-- first token of a rescoping chain (Keystone's second audit id).
ALTER TABLE tokens
	ADD COLUMN domain_id text,
	ADD COLUMN system boolean NOT NULL DEFAULT false,
	ADD COLUMN methods text NOT NULL DEFAULT 'password',
	ADD COLUMN parent_audit_id text,
	ADD CONSTRAINT tokens_one_scope CHECK
	    (num_nonnulls(project_id, domain_id) + system::int <= 1);

CREATE TRIGGER domain_role_assignments_changed AFTER INSERT OR UPDATE OR
	DELETE ON domain_role_assignments
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
CREATE TRIGGER system_role_assignments_changed AFTER INSERT OR UPDATE OR
	DELETE ON system_role_assignments
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
