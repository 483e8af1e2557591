// The networking pages' pure helpers (web/lib/netmodel.mjs and
// web/lib/topo.mjs), checked by node without a browser: the join of the
// lists, and a topology of 20 instances on 5 networks laid out without
// overlaps, the same each time. Run by tests/integration/19_web_network.sh.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildModel, externalNets, forwardLabel, poolText } from
    '../../web/lib/netmodel.mjs';
import { cut, layout } from '../../web/lib/topo.mjs';

const P = 'proj';
const id = (k, i) => `${k}-${String(i).padStart(4, '0')}`;

// 5 networks (the last external), 20 servers each on one or two of the
// first four, a router on all four and public, a floating IP per server.
function lists() {
	const networks = [0, 1, 2, 3].map((i) => ({ id: id('net', i),
	    name: `net${i}`, project_id: P, status: 'ACTIVE' }));
	networks.push({ id: 'pub', name: 'public', project_id: 'admin',
	    'router:external': true, status: 'ACTIVE' });
	networks.push({ id: 'other', name: 'theirs', project_id: 'x' });
	const subnets = [0, 1, 2, 3].map((i) => ({ id: id('sub', i),
	    network_id: id('net', i), cidr: `10.${i}.0.0/24`,
	    allocation_pools: [{ start: `10.${i}.0.2`, end: `10.${i}.0.254` }] }));
	const servers = [], ports = [], floatingips = [];
	for (let i = 0; i < 20; i++) {
		servers.push({ id: id('srv', i), name: `vm${i}`, status: 'ACTIVE',
		    'OS-EXT-SRV-ATTR:host': `node${i % 3}` });
		const on = i % 5 === 0 ? [i % 4, (i + 1) % 4] : [i % 4];
		for (const n of on)
			ports.push({ id: id(`p${n}`, i), project_id: P,
			    device_id: id('srv', i), device_owner: 'compute:nova',
			    network_id: id('net', n), fixed_ips: [{ subnet_id: id('sub',
			    n), ip_address: `10.${n}.0.${i + 10}` }] });
		floatingips.push({ id: id('fip', i), project_id: P,
		    floating_ip_address: `172.24.4.${200 - i}`,
		    port_id: id(`p${on[0]}`, i), port_forwardings: [] });
	}
	for (let n = 0; n < 4; n++)
		ports.push({ id: id('rif', n), project_id: P, device_id: 'r1',
		    device_owner: 'network:router_interface',
		    network_id: id('net', n), fixed_ips: [{ subnet_id: id('sub', n),
		    ip_address: `10.${n}.0.1` }] });
	const routers = [{ id: 'r1', name: 'r1', project_id: P,
	    external_gateway_info: { network_id: 'pub',
	    external_fixed_ips: [{ ip_address: '172.24.4.100' }] } }];
	return { networks, subnets, ports, routers, floatingips, servers };
}

const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w &&
    a.y < b.y + b.h && b.y < a.y + a.h;

test('the model keeps the project\'s and external networks, in order', () => {
	const m = buildModel(lists(), P);
	assert.deepEqual(m.nets.map((n) => n.name),
	    ['net0', 'net1', 'net2', 'net3', 'public']);
	assert.deepEqual(externalNets(m).map((n) => n.name), ['public']);
	assert.equal(poolText(m.nets[0].subnetList[0]), '10.0.0.2–10.0.0.254');
	assert.deepEqual(m.routers[0].interfaces.map((i) => i.ip),
	    ['10.0.0.1', '10.1.0.1', '10.2.0.1', '10.3.0.1']);
	assert.equal(m.fips[0].floating_ip_address, '172.24.4.181');
	assert.equal(forwardLabel({ protocol: 'tcp', external_port: 2222,
	    internal_ip_address: '10.0.0.5', internal_port: 22 }),
	    'tcp 2222 → 10.0.0.5:22');
});

test('20 instances on 5 networks: no box overlaps, every port joined',
    () => {
	const m = buildModel(lists(), P);
	const l = layout(m, true);
	assert.equal(l.devices.length, 21);	// 20 servers, the router
	const boxes = [...l.devices, ...l.fips];
	for (let i = 0; i < boxes.length; i++)
		for (let j = i + 1; j < boxes.length; j++)
			assert.ok(!overlap(boxes[i], boxes[j]),
			    `${boxes[i].id} and ${boxes[j].id} overlap`);
	// Network columns apart, right of every box.
	const right = Math.max(...boxes.map((b) => b.x + b.w));
	for (let i = 0; i < l.nets.length; i++) {
		assert.ok(l.nets[i].x > right);
		if (i > 0)
			assert.ok(l.nets[i].x - l.nets[i - 1].x >= 150);
	}
	// One join per port, at its network's bar and its device's row.
	const joins = l.dots.filter((d) => d.id.startsWith('srv'));
	assert.equal(joins.length, m.ports.filter((p) =>
	    p.device_owner === 'compute:nova').length);
	const vm5 = l.devices.find((d) => d.id === id('srv', 5));
	assert.equal(vm5.sub, 'ACTIVE · node2');
	assert.deepEqual(l.dots.filter((d) => d.id === vm5.id).map((d) =>
	    d.net), [id('net', 1), id('net', 2)]);
	// The router joins its four networks and public.
	assert.equal(l.dots.filter((d) => d.id === 'r1').length, 5);
	// Each floating IP's tag is at its server's row.
	for (const f of l.fips) {
		const d = l.devices.find((x) => x.id === f.to);
		assert.ok(Math.abs(f.y + f.h / 2 - (d.y + d.h / 2)) < 1);
	}
	assert.ok(l.height < 20 * 60 + 200 && l.width <= 1200,
	    `${l.width} x ${l.height} stays readable`);
	assert.deepEqual(layout(buildModel(lists(), P), true), l,
	    'the same lists give the same drawing');
	assert.equal(layout(m, false).devices[0].sub, 'ACTIVE');
});

test('long labels are cut with an ellipsis', () => {
	assert.equal(cut('abcdef', 4), 'abc…');
	assert.equal(cut('abc', 4), 'abc');
});
