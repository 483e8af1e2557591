// The Capacity page's pure part, with no DOM and no session, so node
// --test can check it (tests/browser/capacity.test.mjs): a hypervisor's
// "gureum:capacity" (controller/hypervisors.c) as three gauges, vCPU,
// memory and disk, and one for the thin disks' real bytes. A gauge is its
// figures, a sentence saying them, and the geometry of its bar in percent
// of the bar: a track as long as the overcommitted limit, a mark at the
// physical size, the used parts filled one after the other and, for disk,
// the real use beneath.
import { formatSize } from './images.mjs';

// An allocation ratio as the configuration writes it: 4.0, 1.5, 0.75.
export function ratioText(r) {
	return Number.isInteger(r) ? r.toFixed(1) : String(r);
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

// The bar's geometry for a gauge's figures, in percent of the longest.
function geometry(g) {
	const scale = Math.max(g.limit, g.physical, g.used, g.real || 0, 1);
	const pct = (v) => Math.max(0, Math.min(100, 100 * v / scale));
	let x = 0;
	const parts = g.parts.map((p) => {
		const part = { cls: p.cls, x: pct(x), width: pct(x + p.value) -
		    pct(x) };
		x += p.value;
		return part;
	});
	return { ...g, over: g.used > g.limit, track: pct(g.limit),
	    mark: pct(g.physical), parts,
	    realWidth: g.real === undefined ? null : pct(g.real) };
}

// vCPU slots: pCPUs × cpu_allocation_ratio − reserved, the claims.
export function vcpuGauge(cap) {
	const v = cap.vcpus;
	const reserved = v.reserved ? `, ${v.reserved} reserved` : '';
	return geometry({ kind: 'vcpu', label: 'vCPU', used: v.used,
	    physical: v.physical, limit: v.limit,
	    parts: [{ cls: 'used', value: v.used }],
	    text: `${v.used} of ${v.limit} vCPU slots used (${plural(v.physical,
	    'pCPU', 'pCPUs')} × ${ratioText(v.allocation_ratio)}${reserved})`,
	});
}

// Memory: the host's reserve first, then the instances' claims; the
// track is the reserve plus (physical − reserve) × ram_allocation_ratio.
export function memoryGauge(cap) {
	const m = cap.memory_mb;
	return geometry({ kind: 'memory', label: 'Memory',
	    used: m.reserved + m.used, physical: m.physical,
	    limit: m.reserved + m.limit,
	    parts: [{ cls: 'host', value: m.reserved },
	    { cls: 'used', value: m.used }],
	    text: `${m.used} of ${m.limit} MiB used by instances (${m.physical
	    } MiB − ${m.reserved} MiB kept for the host, × ${ratioText(
	    m.allocation_ratio)})` });
}

// Disk: thick claims, then thin disks' virtual sizes, on a track as long
// as the larger limit; the file system's real use drawn beneath.
export function diskGauge(cap) {
	const d = cap.disk_gb, thick = d.thick, thin = d.thin;
	return geometry({ kind: 'disk', label: 'Disk',
	    used: thick.used + thin.used, physical: d.physical,
	    limit: Math.max(thick.limit, thin.limit), real: d.real_used,
	    parts: [{ cls: 'thick', value: thick.used },
	    { cls: 'used', value: thin.used }],
	    text: `${thin.used} of ${thin.limit} GiB of thin virtual size ` +
	    `claimed (${d.physical} GiB × ${ratioText(thin.allocation_ratio)
	    }), ${thick.used} of ${thick.limit} GiB thick (× ${ratioText(
	    thick.allocation_ratio)}); ${d.real_used} of ${d.physical} GiB ` +
	    'really used' });
}

// The thin disks' real bytes against their virtual size.
export function thinText(cap) {
	const t = cap.disk_gb.thin;
	if (!t.disks)
		return 'No thin disk on this node.';
	return `${plural(t.disks, 'thin disk', 'thin disks')}: ${formatSize(
	    t.real_bytes)} really written of ${formatSize(t.virtual_bytes)
	    } virtual`;
}

// The thin disks' bytes really written on a track as long as their
// virtual size (the mark at its end), or null when there is none.
export function thinGauge(cap) {
	const t = cap.disk_gb.thin;
	if (!t.disks)
		return null;
	return geometry({ kind: 'thin', label: 'Thin disks, written',
	    used: t.real_bytes, physical: t.virtual_bytes,
	    limit: t.virtual_bytes,
	    parts: [{ cls: 'used', value: t.real_bytes }],
	    text: thinText(cap) });
}

export function gauges(cap) {
	return [vcpuGauge(cap), memoryGauge(cap), diskGauge(cap)];
}

// The accelerator in a hypervisor's cpu_info (a JSON string below 2.28),
// or null.
export function accelerator(hv) {
	try {
		const info = typeof hv.cpu_info === 'string' ?
		    JSON.parse(hv.cpu_info) : hv.cpu_info;
		return info && typeof info.accelerator === 'string' ?
		    info.accelerator : null;
	} catch {
		return null;
	}
}
