-- 0020_compute_formats.sql: microversion 2.15's soft policies for server
-- groups: the scheduler prefers hosts that satisfy them and never refuses
-- one because of them (sched.c).
ALTER TABLE server_groups DROP CONSTRAINT server_groups_policy_check;
ALTER TABLE server_groups ADD CONSTRAINT server_groups_policy_check
	CHECK (policy IN ('affinity', 'anti-affinity', 'soft-affinity',
	    'soft-anti-affinity'));
