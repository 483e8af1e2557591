// The Topology page's layout, pure (no DOM), so node --test checks it
// (tests/browser/topo.test.mjs). Deterministic and flat: each network is
// a vertical bar in its own column (the project's first, then shared,
// then external), labelled at its top; each device (instance, a port of
// no instance, router) is a row, a box at the left joined by one
// horizontal line to the bars it has a port on, with a dot and the
// address at each bar it joins; floating IPs are tags left of the device
// they map to (by association or by a port forward). 20 instances on 5
// networks are 20 rows by 5 columns, 1194 px wide: a 1280 px window.
import { netLabel, portIps, tenantPort } from './netmodel.mjs';

export const G = {
	PAD: 10,
	FIP_W: 150,		// the floating IP tags' column
	DEV_W: 220,
	GAP: 24,		// between the tags and the boxes
	NET_W: 150,		// a network's column
	HEAD: 64,		// the networks' labels
	ROW: 56,		// a row's least height
	TAG_H: 20,
	BOX_H: 40,
};
const DEV_X = G.PAD + G.FIP_W + G.GAP;
const NET_X = DEV_X + G.DEV_W + 30;

// text cut to n characters, with an ellipsis when cut.
export function cut(text, n) {
	const s = String(text);
	return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function cidrLine(n) {
	const c = n.subnetList.map((s) => s.cidr);
	if (c.length === 0)
		return n['router:external'] ? 'external' : 'no subnet';
	return c[0] + (c.length > 1 ? ` +${c.length - 1}` : '') +
	    (n['router:external'] ? ' · external' : '');
}

// The devices in row order, each { kind, id, name, sub, links:
// [{ net, ip }], ports: Set of port ids }.
function devices(m, admin) {
	const out = [];
	const linksOf = (ports) => ports.filter((p) => m.netById.has(
	    p.network_id)).map((p) => ({ net: p.network_id,
	    ip: portIps(p).join(', ') }));
	for (const s of m.servers) {
		const ports = m.ports.filter((p) => p.device_id === s.id);
		const host = s['OS-EXT-SRV-ATTR:host'];
		out.push({ kind: 'instance', id: s.id, name: s.name,
		    sub: admin && host ? `${s.status} · ${host}` : s.status,
		    links: linksOf(ports), ports: new Set(ports.map((p) => p.id)) });
	}
	for (const p of m.ports) {
		if (!tenantPort(p) || m.serverById.has(p.device_id))
			continue;
		out.push({ kind: 'port', id: p.id,
		    name: p.name || `port ${p.id.slice(0, 8)}`,
		    sub: `port · ${p.status}`, links: linksOf([p]),
		    ports: new Set([p.id]) });
	}
	for (const r of m.routers) {
		const links = r.interfaces.filter((i) => m.netById.has(
		    i.port.network_id)).map((i) => ({ net: i.port.network_id,
		    ip: i.ip }));
		const gw = r.external_gateway_info;
		if (gw && m.netById.has(gw.network_id))
			links.push({ net: gw.network_id, ip: (gw.external_fixed_ips ||
			    []).map((x) => x.ip_address).join(', ') });
		out.push({ kind: 'router', id: r.id, name: r.name || r.id,
		    sub: 'router', links, ports: new Set() });
	}
	return out;
}

// The tags of floating IPs by the device they map to (a key of
// devices' ids), and those mapped to nothing under ''.
function fipTags(m, devs) {
	const owner = new Map();
	for (const d of devs)
		for (const p of d.ports)
			owner.set(p, d.id);
	const tags = new Map();
	const add = (dev, tag) => tags.set(dev, [...tags.get(dev) || [], tag]);
	for (const f of m.fips) {
		const addr = f.floating_ip_address;
		const pfs = f.port_forwardings || [];
		if (f.port_id)
			add(owner.get(f.port_id) || '', { id: f.id, addr, label: addr,
			    title: `floating IP ${addr} → ${f.fixed_ip_address || ''}` });
		for (const pf of pfs)
			add(owner.get(pf.internal_port_id) || '', { id: f.id, addr,
			    label: cut(`${addr}:${pf.external_port}/${pf.protocol}`, 22),
			    title: `floating IP ${addr} ${pf.protocol} ` +
			    `${pf.external_port} → ${pf.internal_ip_address}:` +
			    `${pf.internal_port}` });
		if (!f.port_id && pfs.length === 0)
			add('', { id: f.id, addr, label: addr,
			    title: `floating IP ${addr}, not mapped` });
	}
	return tags;
}

// The drawing of model m: { width, height, nets, devices, links, dots,
// fips }, every shape with its coordinates and its text.
export function layout(m, admin) {
	const nets = m.nets.map((n, i) => ({ id: n.id, name: cut(netLabel(n),
	    20), sub: cidrLine(n), external: !!n['router:external'],
	    x: NET_X + i * G.NET_W + G.NET_W / 2,
	    title: `network ${netLabel(n)} ${n.subnetList.map((s) =>
	    s.cidr).join(' ')}`.trim() }));
	const netX = new Map(nets.map((n) => [n.id, n.x]));
	const devs = devices(m, admin);
	const tags = fipTags(m, devs);
	const rows = [...devs, ...(tags.has('') ? [{ kind: 'none', id: '',
	    links: [] }] : [])];
	let y = G.HEAD + G.PAD;
	const out = { nets, devices: [], links: [], dots: [], fips: [] };
	for (const d of rows) {
		const t = tags.get(d.id) || [];
		const h = Math.max(G.ROW, t.length * (G.TAG_H + 4) + 12);
		const cy = y + h / 2;
		if (d.kind !== 'none')
			out.devices.push({ kind: d.kind, id: d.id, name: cut(d.name, 30),
			    full: d.name, sub: cut(d.sub, 32), x: DEV_X,
			    y: cy - G.BOX_H / 2, w: G.DEV_W, h: G.BOX_H });
		const xs = d.links.map((l) => netX.get(l.net));
		if (xs.length > 0)
			out.links.push({ id: d.id, x1: DEV_X + G.DEV_W,
			    x2: Math.max(...xs), y: cy });
		for (const l of d.links)
			out.dots.push({ id: d.id, net: l.net, x: netX.get(l.net), y: cy,
			    ip: l.ip });
		t.forEach((tag, i) => out.fips.push({ ...tag, to: d.id,
		    x: G.PAD, y: cy - t.length * (G.TAG_H + 4) / 2 + i *
		    (G.TAG_H + 4) + 2, w: G.FIP_W, h: G.TAG_H,
		    joined: d.kind !== 'none', cy }));
		y += h;
	}
	out.height = Math.max(y, G.HEAD + G.ROW) + G.PAD;
	out.width = NET_X + Math.max(nets.length, 1) * G.NET_W + G.PAD;
	for (const n of nets) {
		n.y1 = G.HEAD;
		n.y2 = out.height - G.PAD;
	}
	return out;
}
