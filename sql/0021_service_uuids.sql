-- 0021_service_uuids.sql: what os-services and os-hypervisors show from
-- microversion 2.53 and 2.11. A node's compute_nodes row is both Nova's
-- compute node and its nova-compute service record, so it carries the
-- two uuids Nova keeps on its two records (the hypervisor's and the
-- service's), made once per row and never changed. forced_down: an admin
-- said the service is down (its state shows "down" and the scheduler
-- skips the node, whatever the heartbeats say). agents.node_deleted: an
-- admin deleted the node's service; its agent's heartbeats no longer
-- bring the node back until the agent restarts (as nova-compute
-- recreates its service record when it starts).
ALTER TABLE compute_nodes
	ADD COLUMN IF NOT EXISTS uuid uuid NOT NULL DEFAULT gen_random_uuid()
		UNIQUE,
	ADD COLUMN IF NOT EXISTS service_uuid uuid NOT NULL
		DEFAULT gen_random_uuid() UNIQUE,
	ADD COLUMN forced_down boolean NOT NULL DEFAULT false;
ALTER TABLE agents
	ADD COLUMN node_deleted boolean NOT NULL DEFAULT false;
