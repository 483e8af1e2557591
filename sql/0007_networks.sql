-- 0007_networks.sql: the Network v2.0 API's model (networks, subnets,
-- ports and their addresses, security groups, routers, floating IPs, port
-- forwards) and what the network agents need to turn it into bridges,
-- VXLAN devices, dnsmasq and nftables on each node.
--
-- Every address and every VNI is handed out in the transaction that
-- inserts the row needing it (controller/ipam.c), so a refusal leaves
-- nothing half-made and two clients never get one address. Every change
-- to a table a node's document is made of bumps net_state.generation in
-- the same transaction, so an agent that fetched generation G knows it
-- has seen every change committed before G (controller/net_state.c).

CREATE EXTENSION IF NOT EXISTS btree_gist;	-- uuid = in the EXCLUDE below

-- Network agents answer the controller on a URL of their own.
ALTER TABLE agents ADD COLUMN agent_url text;

CREATE TABLE networks (
	id			uuid PRIMARY KEY,
	name			text NOT NULL DEFAULT '',
	description		text NOT NULL DEFAULT '',
	project_id		text NOT NULL,
	admin_state_up		boolean NOT NULL DEFAULT true,
	shared			boolean NOT NULL DEFAULT false,
	external		boolean NOT NULL DEFAULT false,	-- router:external
	-- provider:network_type: 'vxlan' (a tenant overlay, one VNI) or
	-- 'flat' (a node bridge named by physical_network, e.g. the lab's
	-- public network on br-ex).
	network_type		text NOT NULL DEFAULT 'vxlan'
	    CHECK (network_type IN ('vxlan', 'flat')),
	physical_network	text,
	segmentation_id		integer,			-- the VNI
	mtu			integer NOT NULL,
	is_default		boolean NOT NULL DEFAULT false,	-- auto-allocation
	revision_number		integer NOT NULL DEFAULT 1,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	CHECK ((network_type = 'vxlan') = (segmentation_id IS NOT NULL)),
	CHECK ((network_type = 'flat') = (physical_network IS NOT NULL)),
	CHECK (segmentation_id IS NULL OR
	    segmentation_id BETWEEN 1 AND 16777215),
	CHECK (mtu BETWEEN 68 AND 9000)
);
CREATE UNIQUE INDEX networks_vni ON networks (segmentation_id)
	WHERE segmentation_id IS NOT NULL;
CREATE UNIQUE INDEX networks_physnet ON networks (physical_network)
	WHERE physical_network IS NOT NULL;
CREATE INDEX networks_project ON networks (project_id);

CREATE TABLE subnets (
	id			uuid PRIMARY KEY,
	network_id		uuid NOT NULL REFERENCES networks(id)
	    ON DELETE CASCADE,
	name			text NOT NULL DEFAULT '',
	description		text NOT NULL DEFAULT '',
	project_id		text NOT NULL,
	ip_version		integer NOT NULL DEFAULT 4 CHECK (ip_version = 4),
	cidr			cidr NOT NULL CHECK (family(cidr) = 4),
	gateway_ip		inet,
	enable_dhcp		boolean NOT NULL DEFAULT true,
	-- ["8.8.8.8", ...] and [{"destination": CIDR, "nexthop": IP}, ...]
	dns_nameservers		jsonb NOT NULL DEFAULT '[]',
	host_routes		jsonb NOT NULL DEFAULT '[]',
	-- [{"start": IP, "end": IP}, ...], each inside cidr, disjoint, and
	-- not containing gateway_ip (checked by the API, in order).
	allocation_pools	jsonb NOT NULL DEFAULT '[]',
	revision_number		integer NOT NULL DEFAULT 1,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	-- Neutron: "Requested subnet ... overlaps with another subnet" (400,
	-- mapped from 23P01 by the API).
	CONSTRAINT subnets_no_overlap EXCLUDE USING gist
	    (network_id WITH =, cidr inet_ops WITH &&)
);
CREATE INDEX subnets_network ON subnets (network_id);

CREATE TABLE ports (
	id			uuid PRIMARY KEY,
	network_id		uuid NOT NULL REFERENCES networks(id)
	    ON DELETE CASCADE,
	name			text NOT NULL DEFAULT '',
	description		text NOT NULL DEFAULT '',
	project_id		text NOT NULL,
	mac_address		macaddr NOT NULL,
	admin_state_up		boolean NOT NULL DEFAULT true,
	-- The instance, router or node using the port ('' when free), and
	-- what it is: 'compute:nova', 'network:router_interface',
	-- 'network:router_gateway', 'network:floatingip', 'network:dhcp'
	-- (one per network per node that hosts its ports: device_id
	-- 'dhcp-<host>').
	device_id		text NOT NULL DEFAULT '',
	device_owner		text NOT NULL DEFAULT '',
	binding_host		text,				-- binding:host_id
	binding_profile		jsonb NOT NULL DEFAULT '{}',
	binding_vnic_type	text NOT NULL DEFAULT 'normal',
	port_security_enabled	boolean NOT NULL DEFAULT true,
	-- What the node's network agent observed (ACTIVE only when every
	-- hop is in place), the first missing hop in words, and the whole
	-- check as the agent last reported it (the diagnostics view).
	status			text NOT NULL DEFAULT 'DOWN'
	    CHECK (status IN ('ACTIVE', 'DOWN', 'BUILD', 'ERROR')),
	status_reason		text,
	diagnostics		jsonb,
	observed_at		timestamptz,
	revision_number		integer NOT NULL DEFAULT 1,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	-- Neutron: MacAddressInUse (409).
	UNIQUE (network_id, mac_address)
);
CREATE INDEX ports_network ON ports (network_id);
CREATE INDEX ports_device ON ports (device_id) WHERE device_id <> '';
CREATE INDEX ports_host ON ports (binding_host)
	WHERE binding_host IS NOT NULL;
CREATE INDEX ports_project ON ports (project_id);

-- A port's fixed IPs. The primary key is the IPAM's guarantee: an address
-- is held by one port at most (IpAddressInUse, 409).
CREATE TABLE ip_allocations (
	subnet_id	uuid NOT NULL REFERENCES subnets(id) ON DELETE CASCADE,
	ip		inet NOT NULL,
	port_id		uuid NOT NULL REFERENCES ports(id) ON DELETE CASCADE,
	network_id	uuid NOT NULL REFERENCES networks(id) ON DELETE CASCADE,
	created_at	timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (subnet_id, ip)
);
CREATE INDEX ip_allocations_port ON ip_allocations (port_id);

CREATE TABLE security_groups (
	id		uuid PRIMARY KEY,
	name		text NOT NULL DEFAULT '',
	description	text NOT NULL DEFAULT '',
	project_id	text NOT NULL,
	is_default	boolean NOT NULL DEFAULT false,
	stateful	boolean NOT NULL DEFAULT true,
	revision_number	integer NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);
-- Every project has one 'default' group, made on first use (an upsert on
-- this index).
CREATE UNIQUE INDEX security_groups_default ON security_groups (project_id)
	WHERE is_default;
CREATE INDEX security_groups_project ON security_groups (project_id);

CREATE TABLE security_group_rules (
	id			uuid PRIMARY KEY,
	security_group_id	uuid NOT NULL REFERENCES security_groups(id)
	    ON DELETE CASCADE,
	project_id		text NOT NULL,
	description		text NOT NULL DEFAULT '',
	direction		text NOT NULL
	    CHECK (direction IN ('ingress', 'egress')),
	ethertype		text NOT NULL DEFAULT 'IPv4'
	    CHECK (ethertype IN ('IPv4', 'IPv6')),
	protocol		text,		-- 'tcp', 'udp', 'icmp', a number; NULL = any
	port_range_min		integer,	-- ICMP: type
	port_range_max		integer,	-- ICMP: code
	remote_ip_prefix	cidr,
	remote_group_id		uuid REFERENCES security_groups(id)
	    ON DELETE CASCADE,
	revision_number		integer NOT NULL DEFAULT 1,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	CHECK (remote_ip_prefix IS NULL OR remote_group_id IS NULL)
);
CREATE INDEX security_group_rules_group
	ON security_group_rules (security_group_id);

-- A group used by a port cannot be deleted (SecurityGroupInUse, 409).
CREATE TABLE port_security_groups (
	port_id			uuid NOT NULL REFERENCES ports(id)
	    ON DELETE CASCADE,
	security_group_id	uuid NOT NULL REFERENCES security_groups(id),
	PRIMARY KEY (port_id, security_group_id)
);
CREATE INDEX port_security_groups_group
	ON port_security_groups (security_group_id);

-- A router's interfaces are its ports (device_id = the router,
-- device_owner network:router_interface), its gateway one more on the
-- external network (network:router_gateway). It runs in a namespace on
-- one node, `host`, chosen when it first needs one.
CREATE TABLE routers (
	id		uuid PRIMARY KEY,
	name		text NOT NULL DEFAULT '',
	description	text NOT NULL DEFAULT '',
	project_id	text NOT NULL,
	admin_state_up	boolean NOT NULL DEFAULT true,
	status		text NOT NULL DEFAULT 'ACTIVE',
	gw_network_id	uuid REFERENCES networks(id),
	gw_port_id	uuid REFERENCES ports(id),
	enable_snat	boolean NOT NULL DEFAULT true,
	host		text,
	revision_number	integer NOT NULL DEFAULT 1,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX routers_project ON routers (project_id);

-- The address is held by a port on the external network
-- (network:floatingip), so IPAM knows it is taken.
CREATE TABLE floatingips (
	id			uuid PRIMARY KEY,
	project_id		text NOT NULL,
	description		text NOT NULL DEFAULT '',
	floating_network_id	uuid NOT NULL REFERENCES networks(id),
	floating_port_id	uuid NOT NULL REFERENCES ports(id),
	floating_ip_address	inet NOT NULL,
	-- The association: a fixed IP of a port, through a router that
	-- joins the port's subnet to the external network.
	port_id			uuid REFERENCES ports(id) ON DELETE SET NULL,
	fixed_ip_address	inet,
	router_id		uuid REFERENCES routers(id),
	status			text NOT NULL DEFAULT 'DOWN',
	revision_number		integer NOT NULL DEFAULT 1,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	-- FloatingIPPortAlreadyAssociated (409).
	UNIQUE (port_id, fixed_ip_address)
);
CREATE INDEX floatingips_project ON floatingips (project_id);

CREATE TABLE port_forwardings (
	id			uuid PRIMARY KEY,
	floatingip_id		uuid NOT NULL REFERENCES floatingips(id)
	    ON DELETE CASCADE,
	internal_port_id	uuid NOT NULL REFERENCES ports(id)
	    ON DELETE CASCADE,
	internal_ip_address	inet NOT NULL,
	protocol		text NOT NULL CHECK (protocol IN ('tcp', 'udp')),
	internal_port		integer NOT NULL
	    CHECK (internal_port BETWEEN 1 AND 65535),
	external_port		integer NOT NULL
	    CHECK (external_port BETWEEN 1 AND 65535),
	description		text NOT NULL DEFAULT '',
	revision_number		integer NOT NULL DEFAULT 1,
	created_at		timestamptz NOT NULL DEFAULT now(),
	updated_at		timestamptz NOT NULL DEFAULT now(),
	-- Neutron answers a duplicate with 400, not 409 (the API maps it).
	CONSTRAINT port_forwardings_external
	    UNIQUE (floatingip_id, protocol, external_port),
	CONSTRAINT port_forwardings_internal
	    UNIQUE (internal_port_id, internal_ip_address, internal_port,
	    protocol)
);

-- Network quotas live in the quotas table beside the compute ones, under
-- Neutron's resource names: network, subnet, port, router, floatingip,
-- security_group, security_group_rule.

-- The generation of everything the nodes' documents are made of. Bumped
-- once per statement that changes one of those tables, in its
-- transaction; pg_notify('gureum_net') tells listening controllers after
-- the commit.
CREATE TABLE net_state (
	one		boolean PRIMARY KEY DEFAULT true CHECK (one),
	generation	bigint NOT NULL DEFAULT 1
);
INSERT INTO net_state DEFAULT VALUES;

CREATE FUNCTION net_state_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	UPDATE net_state SET generation = generation + 1;
	PERFORM pg_notify('gureum_net', TG_TABLE_NAME);
	RETURN NULL;
END;
$$;

CREATE TRIGGER networks_net_state AFTER INSERT OR UPDATE OR DELETE
	ON networks FOR EACH STATEMENT EXECUTE FUNCTION net_state_bump();
CREATE TRIGGER subnets_net_state AFTER INSERT OR UPDATE OR DELETE
	ON subnets FOR EACH STATEMENT EXECUTE FUNCTION net_state_bump();
-- A port's observed status is written by its agent's reports: those
-- columns alone do not change any node's document.
CREATE TRIGGER ports_net_state AFTER INSERT OR DELETE
	ON ports FOR EACH STATEMENT EXECUTE FUNCTION net_state_bump();
CREATE TRIGGER ports_net_state_update AFTER UPDATE OF network_id,
	mac_address, admin_state_up, device_id, device_owner, binding_host,
	port_security_enabled ON ports
	FOR EACH STATEMENT EXECUTE FUNCTION net_state_bump();
CREATE TRIGGER ip_allocations_net_state AFTER INSERT OR UPDATE OR DELETE
	ON ip_allocations FOR EACH STATEMENT EXECUTE FUNCTION net_state_bump();
CREATE TRIGGER security_group_rules_net_state AFTER INSERT OR UPDATE OR
	DELETE ON security_group_rules
	FOR EACH STATEMENT EXECUTE FUNCTION net_state_bump();
CREATE TRIGGER port_security_groups_net_state AFTER INSERT OR UPDATE OR
	DELETE ON port_security_groups
	FOR EACH STATEMENT EXECUTE FUNCTION net_state_bump();
CREATE TRIGGER routers_net_state AFTER INSERT OR UPDATE OR DELETE
	ON routers FOR EACH STATEMENT EXECUTE FUNCTION net_state_bump();
CREATE TRIGGER floatingips_net_state AFTER INSERT OR UPDATE OR DELETE
	ON floatingips FOR EACH STATEMENT EXECUTE FUNCTION net_state_bump();
CREATE TRIGGER port_forwardings_net_state AFTER INSERT OR UPDATE OR DELETE
	ON port_forwardings FOR EACH STATEMENT EXECUTE FUNCTION net_state_bump();
-- A node's underlay address (its network agent's host_ip) is a VXLAN
-- peer. Row triggers: every heartbeat upserts the row, and only a new row
-- or a changed address matters.
CREATE TRIGGER agents_net_state_insert AFTER INSERT OR DELETE ON agents
	FOR EACH ROW EXECUTE FUNCTION net_state_bump();
CREATE TRIGGER agents_net_state_update AFTER UPDATE ON agents
	FOR EACH ROW WHEN (OLD.host_ip IS DISTINCT FROM NEW.host_ip OR
	    OLD.agent_url IS DISTINCT FROM NEW.agent_url)
	EXECUTE FUNCTION net_state_bump();
