-- 0009_node_thin_disks.sql: what the thin disks (qcow2 overlays) on a
-- node really use, as its compute agent reports it with each heartbeat:
-- how many there are, the sum of their virtual sizes (their qcow2
-- headers) and the bytes the file system has allocated to them. The
-- hypervisors API shows them beside the claims (gureum:capacity).
ALTER TABLE compute_nodes
	ADD COLUMN thin_disks integer NOT NULL DEFAULT 0,
	ADD COLUMN thin_virtual_bytes bigint NOT NULL DEFAULT 0,
	ADD COLUMN thin_real_bytes bigint NOT NULL DEFAULT 0;
