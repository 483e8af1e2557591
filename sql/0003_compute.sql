-- 0003_compute.sql: flavors, keypairs, instances, and the claims the
-- scheduler makes on nodes.

CREATE TABLE flavors (
	id		text PRIMARY KEY,
	name		text NOT NULL UNIQUE,
	vcpus		integer NOT NULL CHECK (vcpus > 0),
	ram		integer NOT NULL CHECK (ram > 0),	-- MiB
	disk		integer NOT NULL CHECK (disk >= 0),	-- GiB
	swap		integer NOT NULL DEFAULT 0,
	ephemeral	integer NOT NULL DEFAULT 0,
	rxtx_factor	double precision NOT NULL DEFAULT 1.0,
	is_public	boolean NOT NULL DEFAULT true,
	description	text,
	extra_specs	jsonb NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE flavor_access (
	flavor_id	text NOT NULL REFERENCES flavors(id) ON DELETE CASCADE,
	project_id	text NOT NULL,
	PRIMARY KEY (flavor_id, project_id)
);

CREATE TABLE keypairs (
	user_id		text NOT NULL,
	name		text NOT NULL,
	type		text NOT NULL DEFAULT 'ssh',
	public_key	text NOT NULL,
	fingerprint	text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, name)
);

-- Per-project limits (os-quota-sets); a missing row means the defaults.
CREATE TABLE quotas (
	project_id	text NOT NULL,
	resource	text NOT NULL,
	hard_limit	integer NOT NULL,
	PRIMARY KEY (project_id, resource)
);

-- Allocation ratios and reservations per node, as its agent reports them.
ALTER TABLE compute_nodes
	ADD COLUMN cpu_allocation_ratio double precision NOT NULL DEFAULT 4.0,
	ADD COLUMN ram_allocation_ratio double precision NOT NULL DEFAULT 1.0,
	ADD COLUMN disk_allocation_ratio double precision NOT NULL DEFAULT 1.0,
	ADD COLUMN thin_disk_allocation_ratio double precision NOT NULL DEFAULT 2.0,
	ADD COLUMN reserved_vcpus integer NOT NULL DEFAULT 0,
	ADD COLUMN agent_url text;

CREATE TABLE instances (
	id			text PRIMARY KEY,	-- a UUID
	name			text NOT NULL,
	project_id		text NOT NULL,
	user_id			text NOT NULL,
	image_id		text,
	flavor_id		text NOT NULL,
	flavor			jsonb NOT NULL,		-- a copy at boot time
	host			text,			-- NULL until scheduled
	vm_state		text NOT NULL DEFAULT 'building',
	task_state		text DEFAULT 'scheduling',
	power_state		integer NOT NULL DEFAULT 0,
	fault			jsonb,
	key_name		text,
	user_data		text,
	metadata		jsonb NOT NULL DEFAULT '{}',
	availability_zone	text,
	config_drive		boolean NOT NULL DEFAULT true,
	request_id		text,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	launched_at		timestamptz,
	terminated_at		timestamptz,
	deleted			boolean NOT NULL DEFAULT false
);
CREATE INDEX instances_project ON instances (project_id) WHERE NOT deleted;
CREATE INDEX instances_host ON instances (host) WHERE NOT deleted;

-- What an instance holds on its node. The scheduler's claim: inserted in
-- the same transaction that picks the node, under the node's row lock.
CREATE TABLE allocations (
	instance_id	text PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
	host		text NOT NULL,
	vcpus		integer NOT NULL,
	memory_mb	integer NOT NULL,
	disk_gb		integer NOT NULL,
	thin		boolean NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX allocations_host ON allocations (host);

-- Each API action on an instance (os-instance-actions).
CREATE TABLE instance_actions (
	id		bigserial PRIMARY KEY,
	instance_id	text NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
	action		text NOT NULL,
	request_id	text NOT NULL,
	user_id		text NOT NULL,
	project_id	text NOT NULL,
	message		text,
	start_time	timestamptz NOT NULL DEFAULT now(),
	finish_time	timestamptz
);
