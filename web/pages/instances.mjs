// The instances list: one GET /servers/detail per tick. After the first,
// ?changes-since=<newest "updated" seen> returns only what changed,
// deleted servers included (status DELETED), so a refresh costs one call
// however many servers are building. Every 30th tick lists them all again
// (a change that moved no "updated" stamp, such as a port's address).
import { api, currentSession } from '../lib/api.mjs';
import { startPolling } from '../lib/poll.mjs';
import { html, useCallback, useEffect, useMemo, useRef, useState } from
    '../lib/ui.mjs';
import { LaunchPanel } from './launch.mjs';
import { RowActions } from './actions.mjs';

const BUSY_MS = 1000;		// while anything is in transition
const IDLE_MS = 5000;
const FULL_EVERY = 30;
const STEADY = new Set(['ACTIVE', 'SHUTOFF', 'ERROR', 'DELETED', 'PAUSED',
    'SUSPENDED', 'SHELVED_OFFLOADED']);

function transitional(s) {
	return !STEADY.has(s.status) || !!s['OS-EXT-STS:task_state'];
}

// Applies one answer to the map of servers by id. Returns a new map, or
// the old one when the answer changes nothing: changes-since is inclusive
// and "updated" counts whole seconds, so an idle tick brings back the
// servers of the newest second every time, and must not render them again.
export function mergeServers(old, list, full) {
	const next = full ? new Map() : new Map(old);
	let changed = false;
	for (const s of list) {
		const was = old.get(s.id);
		if (s.status === 'DELETED') {
			changed ||= !!was;
			next.delete(s.id);
		} else if (was && JSON.stringify(was) === JSON.stringify(s)) {
			next.set(s.id, was);
		} else {
			changed = true;
			next.set(s.id, s);
		}
	}
	return changed || next.size !== old.size ? next : old;
}

function newest(list, since) {
	for (const s of list)
		if (s.updated && (!since || s.updated > since))
			since = s.updated;
	return since;
}

// Names by id from a list call; an empty map when the service refuses.
async function names(type, path, key) {
	try {
		const doc = await api(type, 'GET', path);
		return new Map(doc[key].map((x) => [x.id, x.name]));
	} catch {
		return new Map();
	}
}

function Addresses({ addresses }) {
	const nets = Object.entries(addresses || {});
	if (nets.length === 0)
		return html`<span class="none">none</span>`;
	return html`<ul class="addresses">${nets.map(([net, ips]) => html`
		<li key=${net}><span class="net">${net}</span>${' '}
		${ips.map((ip) => ip.addr).join(', ')}</li>`)}</ul>`;
}

function Status({ server }) {
	const task = server['OS-EXT-STS:task_state'];
	return html`<span class=${'status status-' +
	    server.status.toLowerCase()}>${server.status}</span>
	${task && html` <span class="task">(${task})</span>`}
	${server.fault && server.fault.message && html`
		<p class="fault">${server.fault.message}</p>`}
	${server.fault && server.fault.details && html`
		<p class="fault-details">${server.fault.details}</p>`}`;
}

// The node a server runs on, for an admin (the API gives it to admins
// only): none before the scheduler placed it.
function Node({ server }) {
	const host = server['OS-EXT-SRV-ATTR:host'];
	return host ? html`<td class="node">${host}</td>` :
	    html`<td class="node"><span class="none">none</span></td>`;
}

// One row; flavor and image are their names (or ids), image null for a
// server booted from a volume; admin adds the node.
function Row({ server: s, flavor, image, admin, onChanged }) {
	return html`
	<tr data-id=${s.id}>
		<td class="name">${s.name}</td>
		<td><${Status} server=${s}/></td>
		<td><${Addresses} addresses=${s.addresses}/></td>
		<td>${flavor}</td>
		<td>${image !== null ? image :
		    html`<span class="none">none (volume)</span>`}</td>
		${admin && html`<${Node} server=${s}/>`}
		<td><${RowActions} server=${s} onChanged=${onChanged}/></td>
	</tr>`;
}

export function InstancesPage() {
	const [servers, setServers] = useState(new Map());
	const [loaded, setLoaded] = useState(false);
	const [error, setError] = useState(null);
	const [flavors, setFlavors] = useState(new Map());
	const [images, setImages] = useState(new Map());
	const [launching, setLaunching] = useState(false);
	const poller = useRef(null);
	const state = useRef(null);	// the poll's map, for launched rows
	// id -> { server, flavor, image, vnode }: a row's element is the same
	// object while those are, and Preact skips it; a tick that changes
	// one server renders one row, not all of them.
	const rowCache = useRef(new Map());
	const admin = (currentSession().roles || []).includes('admin');

	useEffect(() => {
		names('compute', '/flavors', 'flavors').then(setFlavors);
		names('image', '/v2/images', 'images').then(setImages);
		let since = null, ticks = 0;
		state.current = new Map();
		const stop = startPolling(async () => {
			let current = state.current;
			// The first list, then every FULL_EVERY-th tick after it.
			const full = since === null || ++ticks % FULL_EVERY === 0;
			const q = full ? '' : '?changes-since=' +
			    encodeURIComponent(since);
			try {
				const doc = await api('compute', 'GET',
				    '/servers/detail' + q);
				current = mergeServers(current, doc.servers, full);
				since = newest(doc.servers, since);
				state.current = current;
				setServers(current);
				setLoaded(true);
				setError(null);
			} catch (err) {
				if (err.status === 401)
					return IDLE_MS;	// the session ended
				setError(err.message);
			}
			return [...current.values()].some(transitional) ? BUSY_MS :
			    IDLE_MS;
		});
		poller.current = stop;
		return stop;
	}, []);

	// A launch's answer is a row at once, BUILD until the next poll (now)
	// brings the server itself (and, for a count, its siblings: the
	// answer is the last one made, NAME-COUNT).
	function launched(server, name, count) {
		if (server && server.id && !state.current.has(server.id)) {
			state.current = new Map(state.current).set(server.id, {
			    id: server.id, name: count > 1 ? `${name}-${count}` : name,
			    status: 'BUILD', addresses: {} });
			setServers(state.current);
			setLoaded(true);
		}
		poller.current.now();
	}
	const changed = useCallback(() => poller.current.now(), []);

	const rows = useMemo(() => [...servers.values()].sort((a, b) =>
	    a.name.localeCompare(b.name) || a.id.localeCompare(b.id)),
	    [servers]);
	const cache = new Map();
	const trs = rows.map((s) => {
		const flavor = flavors.get(s.flavor && s.flavor.id) ||
		    (s.flavor && s.flavor.id) || '';
		const image = s.image ? images.get(s.image.id) || s.image.id :
		    null;
		let c = rowCache.current.get(s.id);
		if (!c || c.server !== s || c.flavor !== flavor ||
		    c.image !== image)
			c = { server: s, flavor, image, vnode: html`<${Row}
			    key=${s.id} server=${s} flavor=${flavor}
			    image=${image} admin=${admin} onChanged=${changed}/>` };
		cache.set(s.id, c);
		return c.vnode;
	});
	rowCache.current = cache;
	return html`
<section aria-labelledby="instances-title">
	<h1 id="instances-title">Instances</h1>
	${launching ? html`<${LaunchPanel} onLaunched=${launched}
	    onClose=${() => setLaunching(false)}/>` : html`
	<p><button type="button" onClick=${() => setLaunching(true)}>
	Launch instance</button></p>`}
	${error && html`<p class="error" role="alert">${error}</p>`}
	${!loaded && !error && html`<p class="loading">Loading…</p>`}
	${loaded && rows.length === 0 && html`
		<p class="empty">This project has no instances.</p>`}
	${rows.length > 0 && html`
	<table class="instances">
	<thead><tr><th scope="col">Name</th><th scope="col">Status</th>
	<th scope="col">Addresses</th><th scope="col">Flavor</th>
	<th scope="col">Image</th>${admin && html`<th scope="col">Node</th>`}
	<th scope="col">Actions</th></tr></thead>
	<tbody>${trs}</tbody>
	</table>`}
</section>`;
}
