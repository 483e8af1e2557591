-- 0012_instance_access.sql: what a server's owner sets on it beside its
-- name, as Nova keeps it: the addresses it is reached at (accessIPv4,
-- accessIPv6), set on create or by PUT /servers/{id}, its description,
-- and OS-DCF:diskConfig (AUTO or MANUAL, kept as given).
ALTER TABLE instances
	ADD COLUMN access_ip_v4 inet CHECK (family(access_ip_v4) = 4),
	ADD COLUMN access_ip_v6 inet CHECK (family(access_ip_v6) = 6),
	ADD COLUMN description text,
	ADD COLUMN disk_config text NOT NULL DEFAULT 'MANUAL'
	    CHECK (disk_config IN ('AUTO', 'MANUAL'));
