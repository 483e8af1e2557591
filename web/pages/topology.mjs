// The Topology page: an SVG of the project's networks (bars labelled
// with name and CIDR), its instances, ports of no instance and routers
// (boxes joined to the networks they have a port on, the address at each
// join) and its floating IPs (tags beside what they map to), laid out by
// lib/topo.mjs from the six lists of lib/netdata.mjs, every REFRESH_MS.
// Every label is an SVG <text> with text content; every shape has a
// <title> and data-kind / data-id for what it stands for.
import { currentSession } from '../lib/api.mjs';
import { useNetworking } from '../lib/netdata.mjs';
import { G, layout } from '../lib/topo.mjs';
import { html } from '../lib/ui.mjs';

const REFRESH_MS = 15000;

function Network({ n }) {
	return html`
<g class=${'topo-net' + (n.external ? ' external' : '')} data-kind="network"
    data-id=${n.id}>
	<title>${n.title}</title>
	<text x=${n.x} y=${G.HEAD - 34} text-anchor="middle"
	    class="topo-name">${n.name}</text>
	<text x=${n.x} y=${G.HEAD - 16} text-anchor="middle"
	    class="topo-sub">${n.sub}</text>
	<rect x=${n.x - 5} y=${n.y1} width="10" height=${n.y2 - n.y1}
	    rx="3"/>
</g>`;
}

function Device({ d }) {
	return html`
<g class=${'topo-dev topo-' + d.kind} data-kind=${d.kind} data-id=${d.id}>
	<title>${d.kind} ${d.full}</title>
	<rect x=${d.x} y=${d.y} width=${d.w} height=${d.h}
	    rx=${d.kind === 'router' ? 18 : 4}/>
	<text x=${d.x + 10} y=${d.y + 17} class="topo-name">${d.name}</text>
	<text x=${d.x + 10} y=${d.y + 33} class="topo-sub">${d.sub}</text>
</g>`;
}

function Fip({ f }) {
	const mid = f.y + f.h / 2;
	return html`
<g class="topo-fip" data-kind="floatingip" data-id=${f.id}
    data-address=${f.addr}>
	<title>${f.title}</title>
	${f.joined && html`<line x1=${f.x + f.w} y1=${mid}
	    x2=${f.x + f.w + G.GAP} y2=${f.cy}/>`}
	<rect x=${f.x} y=${f.y} width=${f.w} height=${f.h} rx="10"/>
	<text x=${f.x + f.w / 2} y=${f.y + 14} text-anchor="middle">${
	    f.label}</text>
</g>`;
}

function Drawing({ l }) {
	return html`
<svg class="topology" role="img" aria-label="Network topology"
    width=${l.width} height=${l.height}
    viewBox=${`0 0 ${l.width} ${l.height}`}
    xmlns="http://www.w3.org/2000/svg">
	${l.nets.map((n) => html`<${Network} key=${n.id} n=${n}/>`)}
	${l.links.map((k) => html`<line key=${'l' + k.id} class="topo-link"
	    data-kind="link" data-id=${k.id} x1=${k.x1} y1=${k.y} x2=${k.x2}
	    y2=${k.y}/>`)}
	${l.dots.map((d) => html`
	<g key=${`d${d.id}-${d.net}`} class="topo-join" data-kind="join"
	    data-id=${d.id} data-network=${d.net}>
		<circle cx=${d.x} cy=${d.y} r="5"/>
		${d.ip && html`<text x=${d.x - 9} y=${d.y - 6}
		    text-anchor="end">${d.ip}</text>`}
	</g>`)}
	${l.devices.map((d) => html`<${Device} key=${d.id} d=${d}/>`)}
	${l.fips.map((f) => html`<${Fip} key=${f.id + f.label} f=${f}/>`)}
</svg>`;
}

export function TopologyPage() {
	const { model, error } = useNetworking(REFRESH_MS);
	const s = currentSession();
	const admin = !!s && s.roles.includes('admin');
	return html`
<section class="topology-page" aria-labelledby="topo-title">
	<h1 id="topo-title">Topology</h1>
	${error && html`<p class="error" role="alert">${error}</p>`}
	${!model && !error && html`<p class="loading">Loading…</p>`}
	${model && (model.nets.length === 0 && model.servers.length === 0 ?
	    html`<p class="empty">This project has no network.</p>` : html`
	<div class="topo-scroll"><${Drawing} l=${layout(model, admin)}/></div>`)}
</section>`;
}
