// The networking pages' pure part, with no DOM and no session, so node
// --test can check it (tests/browser/topo.test.mjs): the lists of one
// refresh (networks, subnets, ports, routers, floating IPs, servers)
// joined into what the Networks and Topology pages show, and the labels
// they share.

// The lists one refresh reads, by key: [API, path, the answer's key].
export const LISTS = {
	networks: ['network', '/v2.0/networks', 'networks'],
	subnets: ['network', '/v2.0/subnets', 'subnets'],
	ports: ['network', '/v2.0/ports', 'ports'],
	routers: ['network', '/v2.0/routers', 'routers'],
	floatingips: ['network', '/v2.0/floatingips', 'floatingips'],
	servers: ['compute', '/servers/detail', 'servers'],
};

const byName = (a, b) => (a.name || '').localeCompare(b.name || '') ||
    a.id.localeCompare(b.id);

// Whether o belongs to project pid (an admin's lists hold every
// project's; the pages show the token's project, as a member sees it).
function owned(o, pid) {
	return !pid || o.project_id === pid || o.tenant_id === pid;
}

// A port a tenant attached (not a router's, DHCP's or floating IP's own).
export function tenantPort(p) {
	return !(p.device_owner || '').startsWith('network:');
}

export function poolText(s) {
	return (s.allocation_pools || []).map((p) => p.start === p.end ?
	    p.start : `${p.start}–${p.end}`).join(', ');
}

export function portIps(p) {
	return (p.fixed_ips || []).map((f) => f.ip_address);
}

// The joined view of one refresh's lists (each an array; servers may be
// [] when the compute API refused). pid: the token's project id.
export function buildModel(lists, pid) {
	const nets = lists.networks.filter((n) => owned(n, pid) || n.shared ||
	    n['router:external']);
	const netIds = new Set(nets.map((n) => n.id));
	const subnets = lists.subnets.filter((s) => netIds.has(s.network_id));
	const subnetById = new Map(subnets.map((s) => [s.id, s]));
	const ports = lists.ports.filter((p) => owned(p, pid));
	const portById = new Map(ports.map((p) => [p.id, p]));
	const servers = [...lists.servers].sort(byName);
	const serverById = new Map(servers.map((s) => [s.id, s]));
	const routers = lists.routers.filter((r) => owned(r, pid)).sort(byName);
	const fips = lists.floatingips.filter((f) => owned(f, pid))
	    .sort((a, b) => ipKey(a.floating_ip_address) -
	    ipKey(b.floating_ip_address));
	const order = (n) => n['router:external'] ? 2 : owned(n, pid) ? 0 : 1;
	nets.sort((a, b) => order(a) - order(b) || byName(a, b));
	for (const n of nets)
		n.subnetList = subnets.filter((s) => s.network_id === n.id)
		    .sort((a, b) => ipKey(a.cidr) - ipKey(b.cidr));
	for (const r of routers)
		r.interfaces = ports.filter((p) => p.device_id === r.id &&
		    p.device_owner === 'network:router_interface')
		    .flatMap((p) => (p.fixed_ips || []).map((f) => ({
		    port: p, subnet: subnetById.get(f.subnet_id) ||
		    { id: f.subnet_id, name: '', cidr: '' },
		    ip: f.ip_address })));
	return { nets, netById: new Map(nets.map((n) => [n.id, n])),
	    subnets, subnetById, ports, portById, servers, serverById,
	    routers, fips };
}

// An IPv4 address's (or CIDR's) number, for sorting; 0 if not one.
function ipKey(a) {
	const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)/.exec(a || '');
	return m ? ((+m[1] * 256 + +m[2]) * 256 + +m[3]) * 256 + +m[4] : 0;
}

export function netLabel(n) {
	return n ? n.name || n.id : '';
}

export function subnetLabel(s) {
	return s.name ? `${s.name} (${s.cidr})` : s.cidr;
}

// What a port is, for a person: its server's name, else its own name,
// else its id's start; with its addresses.
export function portLabel(p, m) {
	const srv = m.serverById.get(p.device_id);
	const who = srv ? srv.name : p.name || `port ${p.id.slice(0, 8)}`;
	const ips = portIps(p);
	return ips.length ? `${who} · ${ips.join(', ')}` : who;
}

// What a floating IP leads to: its port, and its forwards' ports.
export function fipTarget(f, m) {
	if (!f.port_id)
		return null;
	const p = m.portById.get(f.port_id);
	return p ? portLabel(p, m) : f.fixed_ip_address || f.port_id;
}

export function forwardLabel(pf) {
	return `${pf.protocol} ${pf.external_port} → ` +
	    `${pf.internal_ip_address}:${pf.internal_port}`;
}

// The external networks a router's gateway or a floating IP may use,
// `public` first.
export function externalNets(m) {
	return m.nets.filter((n) => n['router:external']).sort((a, b) =>
	    (b.name === 'public') - (a.name === 'public') || byName(a, b));
}

// Tenant ports that have an address (for port forwards and direct
// association), sorted by what they are.
export function addressedPorts(m) {
	return m.ports.filter((p) => tenantPort(p) && portIps(p).length)
	    .map((p) => ({ p, label: portLabel(p, m) }))
	    .sort((a, b) => a.label.localeCompare(b.label));
}
