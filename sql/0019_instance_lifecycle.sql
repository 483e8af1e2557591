-- 0019_instance_lifecycle.sql: a server's lock, as Nova keeps it: locked
-- servers refuse their owner's actions and delete (admins may still act),
-- and locked_by says who locked it ('owner', the server's project, or
-- 'admin', anyone else), which decides who may unlock it. Shown from
-- microversion 2.9 only; kept from 2.1. soft_deleted_at: when a delete
-- made the server SOFT_DELETED (reclaim_instance_interval > 0); the
-- reclaim deletes it that many seconds later unless restored.
ALTER TABLE instances
	ADD COLUMN locked boolean NOT NULL DEFAULT false,
	ADD COLUMN locked_by text CHECK (locked_by IN ('owner', 'admin')),
	ADD COLUMN soft_deleted_at timestamptz;
