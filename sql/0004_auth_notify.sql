-- 0004_auth_notify.sql: daemons cache validated tokens for speed; any
-- change that can make a cached answer wrong (a token revoked or expired
-- by hand, a user or project disabled or deleted, a role granted or
-- revoked) notifies channel gureum_auth, and every listening daemon
-- drops its cache.

CREATE FUNCTION gureum_auth_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('gureum_auth', TG_TABLE_NAME);
	RETURN NULL;
END;
$$;

CREATE TRIGGER tokens_changed AFTER UPDATE OR DELETE ON tokens
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
CREATE TRIGGER users_changed AFTER UPDATE OR DELETE ON users
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
CREATE TRIGGER projects_changed AFTER UPDATE OR DELETE ON projects
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
CREATE TRIGGER role_assignments_changed AFTER INSERT OR UPDATE OR DELETE
	ON role_assignments
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
CREATE TRIGGER roles_changed AFTER UPDATE OR DELETE ON roles
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
