// The images page's pure helpers, with no DOM and no session, so node
// --test can check them (tests/browser/images-lib.test.mjs): sizes for
// people, the disk format a file's name suggests, which images are still
// changing, who an image belongs to, the upload form's fields checked
// and the edit form's turned into a JSON patch.
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

// A name as typed, trimmed: { value } or { error }.
function checkName(name) {
	const value = String(name || '').trim();
	if (!value)
		return { error: 'Give the image a name.' };
	if (value.length > 255)
		return { error: 'The name is at most 255 characters.' };
	return { value };
}

// A minimum as typed: { value } (null when left empty) or { error }.
function checkMinimum(v, what) {
	const s = String(v ?? '').trim();
	if (s === '')
		return { value: null };
	const n = Number(s);
	if (!Number.isInteger(n) || n < 0)
		return { error: `The ${what} is a whole number, 0 or more.` };
	return { value: n };
}

const MINIMUMS = [['min_disk', 'minDisk', 'minimum disk'],
    ['min_ram', 'minRam', 'minimum RAM']];

// The upload form's fields as the image's create body, or a sentence
// saying what to fix: { body } or { error }.
export function createBody(fields) {
	const name = checkName(fields.name);
	if (name.error)
		return name;
	if (!FORMATS.includes(fields.diskFormat))
		return { error: 'Choose the disk format: qcow2, raw or iso.' };
	const body = { name: name.value, disk_format: fields.diskFormat,
	    container_format: 'bare',
	    visibility: fields.visibility || 'private' };
	for (const [key, field, what] of MINIMUMS) {
		const m = checkMinimum(fields[field], what);
		if (m.error)
			return m;
		if (m.value !== null)
			body[key] = m.value;
	}
	if (fields.protect)
		body.protected = true;
	return { body };
}

// The edit form's fields as a JSON patch of what changed on img (an
// empty minimum is 0; a visibility only if one was offered): { ops } or
// { error }.
export function editPatch(img, fields) {
	const name = checkName(fields.name);
	if (name.error)
		return name;
	const ops = [];
	const replace = (key, value) => {
		if (img[key] !== value)
			ops.push({ op: 'replace', path: '/' + key, value });
	};
	replace('name', name.value);
	for (const [key, field, what] of MINIMUMS) {
		const m = checkMinimum(fields[field], what);
		if (m.error)
			return m;
		replace(key, m.value ?? 0);
	}
	if (fields.visibility)
		replace('visibility', fields.visibility);
	return { ops };
}
