// The images page's pure helpers, with no DOM and no session, so node
// --test can check them (tests/browser/images-lib.test.mjs): sizes for
// people, the disk format a file's name suggests, which images are still
// changing, who an image belongs to, and the form's numbers checked.
const KIB = 1024;
const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];

// "512 bytes", "1.5 MiB", "20 GiB"; '' for a size not known yet.
export function formatSize(bytes) {
	if (typeof bytes !== 'number' || !Number.isFinite(bytes) || bytes < 0)
		return '';
	let v = bytes, u = 0;
	while (v >= KIB && u < UNITS.length - 1) {
		v /= KIB;
		u++;
	}
	if (u === 0)
		return `${v} ${v === 1 ? 'byte' : 'bytes'}`;
	return `${v < 10 && v !== Math.floor(v) ? v.toFixed(1) :
	    Math.round(v)} ${UNITS[u]}`;
}

// "12.0 of 48.0 MiB (25%)": an upload's progress, in the total's unit.
export function progressText(sent, total) {
	if (!(total > 0))
		return formatSize(sent);
	let u = 0, div = 1;
	while (total / div >= KIB && u < UNITS.length - 1) {
		div *= KIB;
		u++;
	}
	const f = (n) => u === 0 ? String(n) : (n / div).toFixed(1);
	const pct = Math.floor(Math.min(sent, total) * 100 / total);
	return `${f(Math.min(sent, total))} of ${f(total)} ${UNITS[u]} (${pct}%)`;
}

const FORMATS = ['qcow2', 'raw', 'iso'];
export const DISK_FORMATS = FORMATS;

// The disk format a file name's extension names (disk.qcow2, cd.iso,
// root.img or .raw), or null when it says nothing.
export function guessDiskFormat(fileName) {
	const m = /\.([A-Za-z0-9]+)$/.exec(String(fileName));
	const ext = m ? m[1].toLowerCase() : '';
	if (ext === 'qcow2' || ext === 'qcow')
		return 'qcow2';
	if (ext === 'iso')
		return 'iso';
	if (ext === 'raw' || ext === 'img')
		return 'raw';
	return null;
}

// The name a file suggests for its image: its name without the extension.
export function nameFromFile(fileName) {
	const base = String(fileName).replace(/^.*[\\/]/, '');
	return base.replace(/\.(qcow2?|iso|raw|img)$/i, '') || base;
}

// Statuses an image leaves by itself (an upload, a snapshot, an import);
// queued, active, killed and deactivated stay until someone acts.
const CHANGING = new Set(['saving', 'uploading', 'importing',
    'pending_delete']);

export function imageChanging(img) {
	return CHANGING.has(img.status);
}

// 'mine' (the project's), 'public' (another project's, published) or
// 'other' (another project's that an admin is shown).
export function imageOwner(img, projectId) {
	if (img.owner === projectId)
		return 'mine';
	return img.visibility === 'public' ? 'public' : 'other';
}

// Rows in name order (an image may have no name), then by id.
export function compareImages(a, b) {
	return (a.name || '').localeCompare(b.name || '') ||
	    a.id.localeCompare(b.id);
}

// The upload form's fields as the image's create body, or a sentence
// saying what to fix: { body } or { error }.
export function createBody({ name, diskFormat, minDisk, minRam,
    visibility, protect }) {
	name = String(name || '').trim();
	if (!name)
		return { error: 'Give the image a name.' };
	if (name.length > 255)
		return { error: 'The name is at most 255 characters.' };
	if (!FORMATS.includes(diskFormat))
		return { error: 'Choose the disk format: qcow2, raw or iso.' };
	const body = { name, disk_format: diskFormat, container_format: 'bare',
	    visibility: visibility || 'private' };
	for (const [key, v, what] of [['min_disk', minDisk, 'minimum disk'],
	    ['min_ram', minRam, 'minimum RAM']]) {
		const s = String(v ?? '').trim();
		if (s === '')
			continue;
		const n = Number(s);
		if (!Number.isInteger(n) || n < 0)
			return { error: `The ${what} is a whole number, 0 or more.` };
		body[key] = n;
	}
	if (protect)
		body.protected = true;
	return { body };
}
