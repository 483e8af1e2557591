-- 0001_identity.sql: identity (projects, users, roles, assignments, tokens)
-- and the node agents that register with the controller.
-- Ids are 32 hex digits, as Keystone's are.

CREATE TABLE projects (
	id		text PRIMARY KEY,
	name		text NOT NULL,
	domain_id	text NOT NULL DEFAULT 'default',
	description	text NOT NULL DEFAULT '',
	enabled		boolean NOT NULL DEFAULT true,
	tags		jsonb NOT NULL DEFAULT '[]',
	extra		jsonb NOT NULL DEFAULT '{}',
	created_at	timestamptz NOT NULL DEFAULT now(),
	UNIQUE (domain_id, name)
);

CREATE TABLE users (
	id			text PRIMARY KEY,
	name			text NOT NULL,
	domain_id		text NOT NULL DEFAULT 'default',
	password_hash		text,
	default_project_id	text REFERENCES projects(id) ON DELETE SET NULL,
	enabled			boolean NOT NULL DEFAULT true,
	extra			jsonb NOT NULL DEFAULT '{}',
	created_at		timestamptz NOT NULL DEFAULT now(),
	UNIQUE (domain_id, name)
);

CREATE TABLE roles (
	id	text PRIMARY KEY,
	name	text NOT NULL UNIQUE
);

CREATE TABLE role_assignments (
	project_id	text NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
	user_id		text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	role_id		text NOT NULL REFERENCES roles(id) ON DELETE CASCADE,
	PRIMARY KEY (project_id, user_id, role_id)
);

-- A token is a 256-bit random value; only its SHA-256 is stored.
CREATE TABLE tokens (
	hash		text PRIMARY KEY,
	user_id		text NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	project_id	text REFERENCES projects(id) ON DELETE CASCADE,
	issued_at	timestamptz NOT NULL DEFAULT now(),
	expires_at	timestamptz NOT NULL,
	revoked		boolean NOT NULL DEFAULT false
);
CREATE INDEX tokens_expires_at ON tokens (expires_at);

-- One row per agent process kind per node ('compute', 'network').
CREATE TABLE agents (
	host		text NOT NULL,
	kind		text NOT NULL CHECK (kind IN ('compute', 'network')),
	host_ip		text NOT NULL,
	version		text NOT NULL DEFAULT '',
	started_at	timestamptz NOT NULL DEFAULT now(),
	last_seen	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (host, kind)
);

-- What a compute agent reports about its node: the hypervisors API.
CREATE TABLE compute_nodes (
	id			serial PRIMARY KEY,
	host			text NOT NULL UNIQUE,
	host_ip			text NOT NULL,
	hypervisor_type		text NOT NULL DEFAULT 'QEMU',
	hypervisor_version	bigint NOT NULL DEFAULT 0,
	virt_type		text NOT NULL DEFAULT 'qemu',
	pcpus			integer NOT NULL DEFAULT 0,
	memory_mb		bigint NOT NULL DEFAULT 0,
	disk_gb			bigint NOT NULL DEFAULT 0,
	disk_used_gb		bigint NOT NULL DEFAULT 0,
	reserved_host_memory_mb bigint NOT NULL DEFAULT 512,
	cpu_info		jsonb NOT NULL DEFAULT '{}',
	enabled			boolean NOT NULL DEFAULT true,
	booted_at		timestamptz,
	updated_at		timestamptz NOT NULL DEFAULT now()
);
