// The Networks page: the project's networks (and the shared and external
// ones, marked) with their subnets, its routers and its floating IPs with
// their port forwards; forms that make each, and row actions that change
// or delete them (deletions confirmed in the row). One refresh is six list
// calls (lib/netdata.mjs), every REFRESH_MS and at once after an action;
// every fault is shown as its sentence at the form or row that acted.
import { api, currentSession } from '../lib/api.mjs';
import { useNetworking } from '../lib/netdata.mjs';
import { addressedPorts, externalNets, fipTarget, forwardLabel, netLabel,
    poolText, portIps, subnetLabel } from '../lib/netmodel.mjs';
import { html, useState } from '../lib/ui.mjs';

const REFRESH_MS = 30000;

// One form's or row's calls: busy while fn runs, its fault's sentence
// kept in error; refresh() after it either way (a refusal may come after
// a change, as a network whose subnet was refused and that could not be
// deleted). Returns whether fn succeeded.
function useAction(refresh) {
	const [busy, setBusy] = useState(false);
	const [error, setError] = useState(null);
	async function run(fn) {
		setBusy(true);
		setError(null);
		try {
			await fn();
			return true;
		} catch (err) {
			setError(err.message);
			return false;
		} finally {
			setBusy(false);
			refresh();
		}
	}
	return { busy, error, setError, run };
}

const Fault = ({ error }) => error &&
    html`<p class="error" role="alert">${error}</p>`;

// A button that asks "Delete X?" in place before it acts.
function ConfirmButton({ verb, what, busy, onYes }) {
	const [asking, setAsking] = useState(false);
	if (!asking)
		return html`<button type="button" class="plain" disabled=${busy}
		    aria-label=${`${verb} ${what}`}
		    onClick=${() => setAsking(true)}>${verb}</button>`;
	const v = verb.toLowerCase();
	return html`
<span class="confirm" role="group" aria-label=${`Confirm ${v} ${what}`}>
	${verb} ${what}?${' '}
	<button type="button" class="danger" disabled=${busy}
	    aria-label=${`Yes, ${v} ${what}`}
	    onClick=${async () => {
		await onYes();
		setAsking(false);
	    }}
	    >Yes, ${v}</button>
	<button type="button" class="plain"
	    onClick=${() => setAsking(false)}>Cancel</button>
</span>`;
}

// ---- networks ----

// POST /networks, then POST /subnets; a refused subnet deletes the
// network again, so a refusal leaves nothing (or says what is left).
async function createNetwork(f) {
	const name = f.get('name').trim();
	const cidr = f.get('cidr').trim();
	const gw = f.get('gateway').trim();
	const net = (await api('network', 'POST', '/v2.0/networks',
	    { network: { name, admin_state_up: true } })).network;
	const subnet = { name: `${name}-subnet`, network_id: net.id, cidr,
	    ip_version: 4, enable_dhcp: f.get('dhcp') === 'on' };
	if (gw)
		subnet.gateway_ip = gw;
	try {
		await api('network', 'POST', '/v2.0/subnets', { subnet });
	} catch (err) {
		let left = `The network ${name} was not kept.`;
		try {
			await api('network', 'DELETE', `/v2.0/networks/${net.id}`);
		} catch (derr) {
			left = `The network ${name} (${net.id}) was made without ` +
			    `a subnet and could not be deleted: ${derr.message}`;
		}
		throw new Error(`The subnet was refused: ${err.message} ${left}`);
	}
}

function NetworkForm({ refresh }) {
	const act = useAction(refresh);
	async function submit(e) {
		e.preventDefault();
		const form = e.currentTarget;
		const f = new FormData(form);
		if (!f.get('name').trim())
			return act.setError('Give the network a name.');
		if (!f.get('cidr').trim())
			return act.setError('Give the subnet a CIDR, such as ' +
			    '10.0.0.0/24.');
		if (await act.run(() => createNetwork(f)))
			form.reset();
		return undefined;
	}
	return html`
<form class="netform" onSubmit=${submit} aria-labelledby="netform-title"
    novalidate>
	<h3 id="netform-title">Create a network and its subnet</h3>
	<label for="net-name">Name</label>
	<input id="net-name" name="name" required spellcheck="false"
	    autocomplete="off"/>
	<label for="net-cidr">Subnet CIDR</label>
	<input id="net-cidr" name="cidr" required spellcheck="false"
	    autocomplete="off" placeholder="10.0.0.0/24"/>
	<label for="net-gw">Gateway (optional; the first address if empty)</label>
	<input id="net-gw" name="gateway" spellcheck="false" autocomplete="off"/>
	<label class="check"><input type="checkbox" name="dhcp"
	    defaultChecked=${true}/>
	DHCP</label>
	<${Fault} error=${act.error}/>
	<div class="buttons"><button type="submit" disabled=${act.busy}>
	${act.busy ? 'Creating…' : 'Create network'}</button></div>
</form>`;
}

function Subnets({ net }) {
	if (net.subnetList.length === 0)
		return html`<span class="none">${net['router:external'] &&
		    !net.shared ? 'not shown to projects' : 'none'}</span>`;
	return html`<ul class="subnets">${net.subnetList.map((s) => html`
	<li key=${s.id}><span class="cidr">${s.cidr}</span>${' '}
	<span class="muted">${s.name ? s.name + ' · ' : ''}gateway ${
	    s.gateway_ip || 'none'} · pool ${poolText(s) || 'none'}${
	    s.enable_dhcp ? ' · DHCP' : ''}</span></li>`)}</ul>`;
}

function NetworkRow({ net, mine, refresh }) {
	const act = useAction(refresh);
	const name = netLabel(net);
	return html`
<tr data-id=${net.id}>
	<td class="name">${name}${net['router:external'] &&
	    html` <span class="tag">external</span>`}${net.shared &&
	    html` <span class="tag">shared</span>`}</td>
	<td>${net.status}</td>
	<td><${Subnets} net=${net}/></td>
	<td>${mine && html`<${ConfirmButton} verb="Delete"
	    what=${`network ${name}`} busy=${act.busy}
	    onYes=${() => act.run(() => api('network', 'DELETE',
	    `/v2.0/networks/${net.id}`))}/>`}
	<${Fault} error=${act.error}/></td>
</tr>`;
}

function NetworksSection({ m, pid, refresh }) {
	return html`
<section aria-labelledby="networks-title">
	<h2 id="networks-title">Networks</h2>
	${m.nets.length === 0 ? html`<p class="empty">No network.</p>` : html`
	<table class="net">
	<thead><tr><th scope="col">Name</th><th scope="col">Status</th>
	<th scope="col">Subnets</th><th scope="col">Actions</th></tr></thead>
	<tbody>${m.nets.map((n) => html`<${NetworkRow} key=${n.id} net=${n}
	    mine=${n.project_id === pid} refresh=${refresh}/>`)}</tbody>
	</table>`}
	<${NetworkForm} refresh=${refresh}/>
</section>`;
}

// ---- routers ----

// The external networks, `public` first (and so chosen); none: a last
// choice of no network.
function ExternalSelect({ id, m, none }) {
	const ext = externalNets(m);
	return html`
<select id=${id} name="external">
	${ext.map((n) => html`<option key=${n.id} value=${n.id}>${
	    netLabel(n)}</option>`)}
	${none && html`<option value="">none (no gateway)</option>`}
</select>`;
}

function RouterForm({ m, refresh }) {
	const act = useAction(refresh);
	async function submit(e) {
		e.preventDefault();
		const form = e.currentTarget;
		const f = new FormData(form);
		const router = { name: f.get('name').trim(), admin_state_up: true };
		if (!router.name)
			return act.setError('Give the router a name.');
		if (f.get('external'))
			router.external_gateway_info =
			    { network_id: f.get('external') };
		if (await act.run(() => api('network', 'POST', '/v2.0/routers',
		    { router })))
			form.reset();
		return undefined;
	}
	return html`
<form class="netform" onSubmit=${submit} aria-labelledby="rform-title"
    novalidate>
	<h3 id="rform-title">Create a router</h3>
	<label for="router-name">Name</label>
	<input id="router-name" name="name" required spellcheck="false"
	    autocomplete="off"/>
	<label for="router-ext">External network</label>
	<${ExternalSelect} id="router-ext" m=${m} none=${true}/>
	<${Fault} error=${act.error}/>
	<div class="buttons"><button type="submit" disabled=${act.busy}>
	Create router</button></div>
</form>`;
}

function Gateway({ r, m }) {
	const gw = r.external_gateway_info;
	if (!gw || !gw.network_id)
		return html`<span class="none">none</span>`;
	const ips = (gw.external_fixed_ips || []).map((x) => x.ip_address);
	return html`${netLabel(m.netById.get(gw.network_id)) || gw.network_id}${
	    ips.length > 0 && html` <span class="ip">${ips.join(', ')}</span>`}`;
}

function RouterRow({ r, m, refresh }) {
	const act = useAction(refresh);
	const name = r.name || r.id;
	const attached = new Set(r.interfaces.map((i) => i.subnet.id));
	const free = m.subnets.filter((s) => !attached.has(s.id) &&
	    !(m.netById.get(s.network_id) || {})['router:external']);
	const iface = (verb, subnet) => act.run(() => api('network', 'PUT',
	    `/v2.0/routers/${r.id}/${verb}_router_interface`,
	    { subnet_id: subnet }));
	function add(e) {
		e.preventDefault();
		const s = new FormData(e.currentTarget).get('subnet');
		if (!s)
			return act.setError('Choose a subnet.');
		return iface('add', s);
	}
	return html`
<tr data-id=${r.id}>
	<td class="name">${name}</td>
	<td><${Gateway} r=${r} m=${m}/></td>
	<td><ul class="subnets">${r.interfaces.map((i) => html`
		<li key=${i.port.id + i.subnet.id}>${subnetLabel(i.subnet)}${' '}
		<span class="ip">${i.ip}</span>${' '}
		<${ConfirmButton} verb="Remove" busy=${act.busy}
		    what=${`interface ${subnetLabel(i.subnet)} from ${name}`}
		    onYes=${() => iface('remove', i.subnet.id)}/></li>`)}
	</ul>
	${free.length > 0 && html`
	<form class="inline" onSubmit=${add}>
		<label for=${'rif-' + r.id}>Add interface</label>
		<select id=${'rif-' + r.id} name="subnet">${free.map((s) => html`
		<option key=${s.id} value=${s.id}>${netLabel(m.netById.get(
		    s.network_id))}: ${subnetLabel(s)}</option>`)}</select>
		<button type="submit" class="plain" disabled=${act.busy}
		    aria-label=${`Add interface to ${name}`}>Add</button>
	</form>`}</td>
	<td><${ConfirmButton} verb="Delete" what=${`router ${name}`}
	    busy=${act.busy} onYes=${() => act.run(() => api('network',
	    'DELETE', `/v2.0/routers/${r.id}`))}/>
	<${Fault} error=${act.error}/></td>
</tr>`;
}

function RoutersSection({ m, refresh }) {
	return html`
<section aria-labelledby="routers-title">
	<h2 id="routers-title">Routers</h2>
	${m.routers.length === 0 ? html`<p class="empty">No router.</p>` : html`
	<table class="net">
	<thead><tr><th scope="col">Name</th><th scope="col">External gateway</th>
	<th scope="col">Interfaces</th><th scope="col">Actions</th></tr></thead>
	<tbody>${m.routers.map((r) => html`<${RouterRow} key=${r.id} r=${r}
	    m=${m} refresh=${refresh}/>`)}</tbody>
	</table>`}
	<${RouterForm} m=${m} refresh=${refresh}/>
</section>`;
}

// ---- floating IPs ----

// As `server add floating ip` does: the server's ports by device_id,
// tried in turn while the answer is a 404 (no router path from that
// port's subnet).
async function associateServer(fip, serverId) {
	const ports = (await api('network', 'GET', '/v2.0/ports?device_id=' +
	    encodeURIComponent(serverId))).ports || [];
	if (ports.length === 0)
		throw new Error('This instance has no port to map the address to.');
	let last = null;
	for (const p of ports) {
		try {
			return await api('network', 'PUT', `/v2.0/floatingips/${fip}`,
			    { floatingip: { port_id: p.id } });
		} catch (err) {
			if (err.status !== 404)
				throw err;
			last = err;
		}
	}
	throw last;
}

function AssociateForm({ f, m, act }) {
	const servers = m.servers.filter((s) => m.ports.some((p) =>
	    p.device_id === s.id));
	const ports = addressedPorts(m).filter(({ p }) =>
	    !m.serverById.has(p.device_id));
	function submit(e) {
		e.preventDefault();
		const to = new FormData(e.currentTarget).get('target') || '';
		const [kind, id] = to.split(':');
		if (!id)
			return act.setError('Choose an instance or a port.');
		return act.run(() => kind === 'server' ? associateServer(f.id, id) :
		    api('network', 'PUT', `/v2.0/floatingips/${f.id}`,
		    { floatingip: { port_id: id } }));
	}
	return html`
<form class="inline" onSubmit=${submit}>
	<label for=${'fa-' + f.id}>Map to</label>
	<select id=${'fa-' + f.id} name="target">
		<option value="">choose…</option>
		${servers.length > 0 && html`<optgroup label="Instances">${
		    servers.map((s) => html`<option key=${s.id}
		    value=${'server:' + s.id}>${s.name}</option>`)}</optgroup>`}
		${ports.length > 0 && html`<optgroup label="Ports">${
		    ports.map(({ p, label }) => html`<option key=${p.id}
		    value=${'port:' + p.id}>${label}</option>`)}</optgroup>`}
	</select>
	<button type="submit" class="plain" disabled=${act.busy}
	    aria-label=${`Associate ${f.floating_ip_address}`}>Associate</button>
</form>`;
}

function ForwardForm({ f, m, act }) {
	const ports = addressedPorts(m);
	function submit(e) {
		e.preventDefault();
		const d = new FormData(e.currentTarget);
		const [portId, ip] = (d.get('port') || '').split('|');
		const inner = Number(d.get('internal_port'));
		const outer = Number(d.get('external_port'));
		if (!ip)
			return act.setError('Choose the port to forward to.');
		const okPort = (n) => Number.isInteger(n) && n >= 1 && n <= 65535;
		if (!okPort(inner) || !okPort(outer))
			return act.setError('Ports are whole numbers from 1 to 65535.');
		return act.run(() => api('network', 'POST',
		    `/v2.0/floatingips/${f.id}/port_forwardings`,
		    { port_forwarding: { internal_port_id: portId,
		    internal_ip_address: ip, internal_port: inner,
		    external_port: outer, protocol: d.get('protocol') } }));
	}
	const id = (k) => `pf-${k}-${f.id}`;
	return html`
<form class="inline forward" onSubmit=${submit}
    aria-label=${`Port forward on ${f.floating_ip_address}`}>
	<label for=${id('port')}>Internal IP</label>
	<select id=${id('port')} name="port">${ports.flatMap(({ p, label }) =>
	    portIps(p).map((ip) => html`<option key=${p.id + ip}
	    value=${p.id + '|' + ip}>${label.includes(ip) ? label :
	    `${label} · ${ip}`}</option>`))}</select>
	<label for=${id('in')}>Internal port</label>
	<input id=${id('in')} name="internal_port" type="number" min="1"
	    max="65535" class="port"/>
	<label for=${id('out')}>External port</label>
	<input id=${id('out')} name="external_port" type="number" min="1"
	    max="65535" class="port"/>
	<label for=${id('proto')}>Protocol</label>
	<select id=${id('proto')} name="protocol">
		<option value="tcp">tcp</option><option value="udp">udp</option>
	</select>
	<button type="submit" class="plain" disabled=${act.busy}
	    aria-label=${`Add port forward on ${f.floating_ip_address}`}
	    >Add forward</button>
</form>`;
}

function FipRow({ f, m, refresh }) {
	const act = useAction(refresh);
	const addr = f.floating_ip_address;
	const target = fipTarget(f, m);
	const forwards = f.port_forwardings || [];
	return html`
<tr data-id=${f.id} data-address=${addr}>
	<td class="name addr">${addr}</td>
	<td>${netLabel(m.netById.get(f.floating_network_id)) ||
	    f.floating_network_id}</td>
	<td>${target ? html`${target}${f.fixed_ip_address &&
	    !target.includes(f.fixed_ip_address) &&
	    html` <span class="ip">${f.fixed_ip_address}</span>`}${' '}
	<button type="button" class="plain" disabled=${act.busy}
	    aria-label=${`Disassociate ${addr}`}
	    onClick=${() => act.run(() => api('network', 'PUT',
	    `/v2.0/floatingips/${f.id}`, { floatingip: { port_id: null } }))}
	    >Disassociate</button>` : forwards.length === 0 ? html`
	<${AssociateForm} f=${f} m=${m} act=${act}/>` :
	    html`<span class="none">port forwards only</span>`}</td>
	<td>${f.status}</td>
	<td><ul class="forwards">${forwards.map((pf) => html`
		<li key=${pf.id}>${forwardLabel(pf)}${' '}
		<${ConfirmButton} verb="Delete" busy=${act.busy}
		    what=${`forward ${forwardLabel(pf)}`}
		    onYes=${() => act.run(() => api('network', 'DELETE',
		    `/v2.0/floatingips/${f.id}/port_forwardings/${pf.id}`))}/>
		</li>`)}</ul>
	${!f.port_id && html`<${ForwardForm} f=${f} m=${m} act=${act}/>`}</td>
	<td><${ConfirmButton} verb="Release" what=${addr} busy=${act.busy}
	    onYes=${() => act.run(() => api('network', 'DELETE',
	    `/v2.0/floatingips/${f.id}`))}/>
	<${Fault} error=${act.error}/></td>
</tr>`;
}

function FipForm({ m, refresh }) {
	const act = useAction(refresh);
	function submit(e) {
		e.preventDefault();
		const net = new FormData(e.currentTarget).get('external');
		if (!net)
			return act.setError('There is no external network to ' +
			    'allocate from.');
		return act.run(() => api('network', 'POST', '/v2.0/floatingips',
		    { floatingip: { floating_network_id: net } }));
	}
	return html`
<form class="netform" onSubmit=${submit} aria-labelledby="fform-title">
	<h3 id="fform-title">Allocate a floating IP</h3>
	<label for="fip-ext">External network</label>
	<${ExternalSelect} id="fip-ext" m=${m} none=${false}/>
	<${Fault} error=${act.error}/>
	<div class="buttons"><button type="submit" disabled=${act.busy}>
	Allocate floating IP</button></div>
</form>`;
}

function FipsSection({ m, refresh }) {
	return html`
<section aria-labelledby="fips-title">
	<h2 id="fips-title">Floating IPs</h2>
	${m.fips.length === 0 ? html`<p class="empty">No floating IP.</p>` :
	    html`
	<table class="net">
	<thead><tr><th scope="col">Address</th><th scope="col">Network</th>
	<th scope="col">Mapped to</th><th scope="col">Status</th>
	<th scope="col">Port forwards</th><th scope="col">Actions</th></tr>
	</thead>
	<tbody>${m.fips.map((f) => html`<${FipRow} key=${f.id} f=${f} m=${m}
	    refresh=${refresh}/>`)}</tbody>
	</table>`}
	<${FipForm} m=${m} refresh=${refresh}/>
</section>`;
}

export function NetworksPage() {
	const { model, error, refresh } = useNetworking(REFRESH_MS);
	const s = currentSession();
	return html`
<section class="networks" aria-labelledby="netpage-title">
	<h1 id="netpage-title">Networks</h1>
	${error && html`<p class="error" role="alert">${error}</p>`}
	${!model && !error && html`<p class="loading">Loading…</p>`}
	${model && html`
	<${NetworksSection} m=${model} pid=${s && s.projectId} refresh=${refresh}/>
	<${RoutersSection} m=${model} refresh=${refresh}/>
	<${FipsSection} m=${model} refresh=${refresh}/>`}
</section>`;
}
