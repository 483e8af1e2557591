-- 0008_instance_nics.sql: an instance's vNICs, in the order its create
-- asked for them: [{"port_id": UUID, "created": bool}]. A port the create
-- made goes with the server; one it was given is unbound and left to its
-- project (as Nova does).
ALTER TABLE instances ADD COLUMN nics jsonb NOT NULL DEFAULT '[]';
