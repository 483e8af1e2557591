-- 0014_identity_domains.sql: domains as objects of their own, as
-- Keystone's: projects and users belong to one that exists; deleting a
-- (disabled) domain deletes its projects and users, and with them their
-- role assignments and tokens. The domain 'default' is the one that
-- existed before.

CREATE TABLE domains (
	id		text PRIMARY KEY,
	name		text NOT NULL UNIQUE,
	description	text NOT NULL DEFAULT '',
	enabled		boolean NOT NULL DEFAULT true,
	tags		jsonb NOT NULL DEFAULT '[]',
	extra		jsonb NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT now()
);

INSERT INTO domains (id, name, description)
	VALUES ('default', 'Default', 'The default domain');

ALTER TABLE projects ADD FOREIGN KEY (domain_id) REFERENCES domains (id)
	ON DELETE CASCADE;
ALTER TABLE users ADD FOREIGN KEY (domain_id) REFERENCES domains (id)
	ON DELETE CASCADE;
DELETE FROM domain_role_assignments
	WHERE domain_id NOT IN (SELECT id FROM domains);
ALTER TABLE domain_role_assignments ADD FOREIGN KEY (domain_id)
	REFERENCES domains (id) ON DELETE CASCADE;
ALTER TABLE tokens ADD FOREIGN KEY (domain_id) REFERENCES domains (id)
	ON DELETE CASCADE;

-- A disabled domain's users and projects get no tokens, and the tokens
-- they hold stop working: cached validations must go.
CREATE TRIGGER domains_changed AFTER UPDATE OR DELETE ON domains
	FOR EACH STATEMENT EXECUTE FUNCTION gureum_auth_changed();
