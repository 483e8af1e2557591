// The Capacity page, for admins: per compute node a card with its state
// and three bars (vCPU, memory, disk), each drawing what is used, the
// physical size and the overcommitted limit the scheduler fills, and a
// fourth for what the thin disks really hold of their virtual size, from
// one GET /os-hypervisors/detail per tick (its "gureum:capacity"). A
// member is told the page is not for them; nothing is asked.
import { api, currentSession } from '../lib/api.mjs';
import { accelerator, gauges, thinGauge } from '../lib/capacity.mjs';
import { startPolling } from '../lib/poll.mjs';
import { html, useEffect, useState } from '../lib/ui.mjs';

const TICK_MS = 5000;

function isAdmin() {
	const s = currentSession();
	return !!s && (s.roles || []).includes('admin');
}

// One bar: track (limit), filled parts (used), real use beneath (disk),
// a mark at the physical size; its sentence is its accessible name.
function Gauge({ g, id }) {
	return html`
<div class=${'gauge gauge-' + g.kind + (g.over ? ' over' : '')}
    data-used=${g.used} data-physical=${g.physical} data-limit=${g.limit}>
	<span class="gauge-label">${g.label}</span>
	<svg class="gauge-bar" width="100%" height="18" role="img"
	    aria-labelledby=${id}>
		<rect class="track" x="0" y="2" width=${g.track + '%'}
		    height="14"/>
		${g.parts.map((p) => html`<rect key=${p.cls} class=${'part ' +
		    p.cls} x=${p.x + '%'} y="2" width=${p.width + '%'}
		    height="14"/>`)}
		${g.realWidth !== null && html`<rect class="real" x="0" y="12"
		    width=${g.realWidth + '%'} height="4"/>`}
		<rect class="mark" x=${Math.min(g.mark, 99.4) + '%'} y="0"
		    width="3" height="18"/>
	</svg>
	<p class="gauge-text" id=${id}>${g.text}</p>
</div>`;
}

// A node's bars: vCPU, memory, disk, and its thin disks' if it has any.
function Bars({ cap, id }) {
	const thin = thinGauge(cap);
	return html`
	${[...gauges(cap), thin].map((g) => g && html`<${Gauge} key=${g.kind}
	    g=${g} id=${`gauge-${id}-${g.kind}`}/>`)}
	${!thin && html`
	<p class="gauge-text thin-none">No thin disk on this node.</p>`}`;
}

function NodeCard({ hv }) {
	const cap = hv['gureum:capacity'];
	const accel = accelerator(hv);
	const up = hv.state === 'up';
	return html`
<article class="node" data-host=${hv.hypervisor_hostname}
    aria-labelledby=${'node-' + hv.id}>
	<h2 id=${'node-' + hv.id}>${hv.hypervisor_hostname}</h2>
	<p class="node-state">
		<span class=${'badge ' + (up ? 'up' : 'down')}>${up ? 'up' :
		    'down'}</span>
		<span class=${'badge ' + hv.status}>${hv.status}</span>
		<span class="hv-type">${hv.hypervisor_type}${accel ?
		    ` (${accel.toUpperCase()})` : ''}</span>
		<span class="vms">${hv.running_vms} instance${hv.running_vms ===
		    1 ? '' : 's'}</span>
	</p>
	${cap ? html`<${Bars} cap=${cap} id=${hv.id}/>` : html`
	<p class="none">This node reports no capacity figures.</p>`}
</article>`;
}

function Legend() {
	return html`
<p class="legend">In each bar the light track is the limit with overcommit
(physical × allocation ratio), the black mark the physical size and the
filled part what instances claim (grey: kept for the host; dark blue:
thick disks); the orange line along the disk bar's foot is what the file
system really uses. The thin disks' bar is what they really hold of
their virtual size.</p>`;
}

function AdminCapacity() {
	const [hvs, setHvs] = useState(null);
	const [error, setError] = useState(null);

	useEffect(() => startPolling(async () => {
		try {
			const doc = await api('compute', 'GET',
			    '/os-hypervisors/detail');
			setHvs(doc.hypervisors.slice().sort((a, b) =>
			    a.hypervisor_hostname.localeCompare(
			    b.hypervisor_hostname)));
			setError(null);
		} catch (err) {
			if (err.status !== 401)
				setError(err.message);
		}
		return TICK_MS;
	}), []);

	return html`
	${error && html`<p class="error" role="alert">${error}</p>`}
	${hvs === null && !error && html`<p class="loading">Loading…</p>`}
	${hvs && hvs.length === 0 && html`
		<p class="empty">No compute node has reported yet.</p>`}
	${hvs && hvs.length > 0 && html`<${Legend}/>
	<div class="nodes">${hvs.map((hv) => html`
		<${NodeCard} key=${hv.id} hv=${hv}/>`)}</div>`}`;
}

export function CapacityPage() {
	return html`
<section class="capacity" aria-labelledby="capacity-title">
	<h1 id="capacity-title">Capacity</h1>
	${isAdmin() ? html`<${AdminCapacity}/>` : html`
	<p class="notice">The Capacity page is for administrators: it shows
	every compute node of the cloud, which only the admin role may
	list.</p>`}
</section>`;
}
