// The Launch form's and the rows' pure helpers, with no DOM and no
// session, so node --test can check them (tests/browser/fit.test.mjs):
// which flavors fit an image and a node and the smallest of them, the
// labels of the dropdowns, user data as base64 and console text made safe
// to show.
const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

function mib(bytes) {
	return (bytes / MIB).toFixed(bytes < 10 * MIB ? 1 : 0);
}

export function imageLabel(img) {
	const os = img.os_distro || img.os;
	return [img.name || img.id, os,
	    typeof img.size === 'number' ? mib(img.size) + ' MiB' : null]
	    .filter(Boolean).join(' · ');
}

// Why flavor f cannot boot image img or be placed on any of hvs (the
// hypervisors, null when unknown), or null if it can.
export function flavorProblem(f, img, hvs) {
	if (img) {
		if (img.min_ram && f.ram < img.min_ram)
			return `needs ${img.min_ram} MiB RAM for this image`;
		if (f.disk > 0 && img.min_disk && f.disk < img.min_disk)
			return `needs ${img.min_disk} GiB disk for this image`;
		if (f.disk > 0 && typeof img.virtual_size === 'number' &&
		    f.disk * GIB < img.virtual_size)
			return `disk smaller than the image (${mib(
			    img.virtual_size)} MiB)`;
	}
	if (hvs && hvs.length > 0) {
		if (!hvs.some((h) => h.vcpus >= f.vcpus))
			return `no node has ${f.vcpus} vCPUs`;
		if (!hvs.some((h) => h.memory_mb >= f.ram))
			return `no node has ${f.ram} MiB RAM`;
	}
	return null;
}

// The smallest of flavors: the least RAM, then vCPUs, then disk, then
// the name; undefined for none.
export function smallestFlavor(flavors) {
	const size = (f) => [f.ram, f.vcpus, f.disk];
	const less = (a, b) => {
		const x = size(a), y = size(b);
		for (let i = 0; i < x.length; i++)
			if (x[i] !== y[i])
				return x[i] < y[i];
		return a.name.localeCompare(b.name) < 0;
	};
	return flavors.reduce((best, f) => !best || less(f, best) ? f : best,
	    undefined);
}

export function flavorLabel(f, why) {
	const s = `${f.name}: ${f.vcpus} vCPU, ${f.ram} MiB RAM, ${f.disk} ` +
	    'GiB disk';
	return why ? `${s} (unavailable: ${why})` : s;
}

// base64 of the UTF-8 bytes of text (btoa alone takes only Latin-1).
export function base64Utf8(text) {
	const bytes = new TextEncoder().encode(text);
	let bin = '';
	for (let i = 0; i < bytes.length; i += 0x8000)
		bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
	return btoa(bin);
}

// Console text safe to show: no control characters but newline and tab
// (escape sequences lose their ESC and so print as plain text).
export function cleanConsole(text) {
	return String(text).replace(/\r\n?/g, '\n')
	    .replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '');
}


// The live console's screen: text plus what the guest sent (already
// decoded), as a plain terminal would show it in a <pre>: CR LF and LF
// end lines, a lone CR is dropped, backspace (BS or DEL) takes the last
// character of the line back, escape sequences (colours, cursor moves)
// and other control characters are dropped. At most max characters, the
// newest kept.
export function termFeed(text, chunk, max = 100000) {
	let out = text;
	const s = String(chunk).replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
	    .replace(/\x1b[@-_]/g, '').replace(/\r\n/g, '\n');
	for (const ch of s) {
		if (ch === '\b' || ch === '\x7f') {
			if (out.length && !out.endsWith('\n'))
				out = out.slice(0, -1);
		} else if (ch === '\n' || ch === '\t' || ch >= ' ' &&
		    !(ch >= '\x7f' && ch <= '\x9f')) {
			out += ch;
		}
	}
	return out.length > max ? out.slice(out.length - max) : out;
}

const TERM_KEYS = { Enter: '\r', Backspace: '\x7f', Tab: '\t',
	Escape: '\x1b', ArrowUp: '\x1b[A', ArrowDown: '\x1b[B',
	ArrowRight: '\x1b[C', ArrowLeft: '\x1b[D' };

// What a key press sends to the guest's serial console (a terminal's
// bytes), or null for a key that sends nothing (Shift alone, F-keys).
export function termKey({ key, ctrlKey = false, altKey = false,
    metaKey = false }) {
	if (metaKey || altKey)
		return null;
	if (ctrlKey)
		return /^[a-zA-Z]$/.test(key) ?
		    String.fromCharCode(key.toUpperCase().charCodeAt(0) - 64) : null;
	if (TERM_KEYS[key])
		return TERM_KEYS[key];
	return [...key].length === 1 ? key : null;
}
