-- 0010_compute_services.sql: a node's compute service as os-services
-- shows and sets it: why an admin disabled it (the scheduler skips a
-- disabled node; `enabled` is in 0001). Nova keeps the reason on its
-- service record; the node is ours.
ALTER TABLE compute_nodes
	ADD COLUMN disabled_reason text
		CHECK (disabled_reason IS NULL OR length(disabled_reason)
		    BETWEEN 1 AND 255);
