-- 0006_node_claims.sql: what is claimed on each node, kept on its
-- compute_nodes row by a trigger on allocations (in the transaction that
-- claims or releases), and the RAM left to claim, indexed in the weighers'
-- orders. The scheduler then reads the few best nodes through an index
-- instead of summing every claim in the cloud for every node at every
-- decision. The claim itself still sums the chosen node's allocations
-- under the node's row lock (sched.c), so these columns only rank and
-- pre-filter candidates.
--
-- A claim is only ever made on a node that has a row (the claim locks it
-- first) and nodes are never deleted, so every allocation's host has one.

ALTER TABLE compute_nodes
	ADD COLUMN claimed_vcpus bigint NOT NULL DEFAULT 0,
	ADD COLUMN claimed_memory_mb bigint NOT NULL DEFAULT 0,
	ADD COLUMN claimed_thick_gb bigint NOT NULL DEFAULT 0,
	ADD COLUMN claimed_thin_gb bigint NOT NULL DEFAULT 0,	-- virtual size
	-- The spread/pack weigher's measure, computed as sched.c does.
	ADD COLUMN ram_free_mb double precision GENERATED ALWAYS AS
	    ((memory_mb - reserved_host_memory_mb) * ram_allocation_ratio -
	    claimed_memory_mb) STORED;

UPDATE compute_nodes n SET claimed_vcpus = a.vcpus,
	claimed_memory_mb = a.memory_mb, claimed_thick_gb = a.thick,
	claimed_thin_gb = a.thin
	FROM (SELECT host, sum(vcpus) AS vcpus, sum(memory_mb) AS memory_mb,
	    coalesce(sum(disk_gb) FILTER (WHERE NOT thin), 0) AS thick,
	    coalesce(sum(disk_gb) FILTER (WHERE thin), 0) AS thin
	    FROM allocations GROUP BY host) a
	WHERE a.host = n.host;

-- Spread takes the most free RAM first, pack the least; ties by name.
CREATE INDEX compute_nodes_spread ON compute_nodes (ram_free_mb DESC, host);
CREATE INDEX compute_nodes_pack ON compute_nodes (ram_free_mb, host);

-- An update counts as a release of the old row and a claim of the new.
CREATE FUNCTION node_claims_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		UPDATE compute_nodes SET
		    claimed_vcpus = claimed_vcpus - OLD.vcpus,
		    claimed_memory_mb = claimed_memory_mb - OLD.memory_mb,
		    claimed_thick_gb = claimed_thick_gb -
			CASE WHEN OLD.thin THEN 0 ELSE OLD.disk_gb END,
		    claimed_thin_gb = claimed_thin_gb -
			CASE WHEN OLD.thin THEN OLD.disk_gb ELSE 0 END
		    WHERE host = OLD.host;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		UPDATE compute_nodes SET
		    claimed_vcpus = claimed_vcpus + NEW.vcpus,
		    claimed_memory_mb = claimed_memory_mb + NEW.memory_mb,
		    claimed_thick_gb = claimed_thick_gb +
			CASE WHEN NEW.thin THEN 0 ELSE NEW.disk_gb END,
		    claimed_thin_gb = claimed_thin_gb +
			CASE WHEN NEW.thin THEN NEW.disk_gb ELSE 0 END
		    WHERE host = NEW.host;
	END IF;
	RETURN NULL;
END;
$$;

CREATE FUNCTION node_claims_clear() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE compute_nodes SET claimed_vcpus = 0, claimed_memory_mb = 0,
	    claimed_thick_gb = 0, claimed_thin_gb = 0;
	RETURN NULL;
END;
$$;

CREATE TRIGGER allocations_claims AFTER INSERT OR UPDATE OR DELETE
	ON allocations FOR EACH ROW EXECUTE FUNCTION node_claims_track();
CREATE TRIGGER allocations_claims_truncate AFTER TRUNCATE ON allocations
	FOR EACH STATEMENT EXECUTE FUNCTION node_claims_clear();
