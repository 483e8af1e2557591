// The images page: the images the token may see (the project's, public
// ones, and for an admin every project's), one GET /v2/images?limit=1000
// per tick (a further call per 1000 more, by the answer's "next"), every
// 2 s while one is being saved (an upload, an instance's snapshot), else
// every 10 s. The project's own rows (an admin's: every row) can be
// edited (name, minimums, visibility), protected, unprotected and deleted
// (confirmed in the row); uploads are the panel's (pages/image_upload.mjs).
import { api, currentSession } from '../lib/api.mjs';
import { compareImages, editPatch, formatSize, imageChanging, imageOwner }
    from '../lib/images.mjs';
import { startPolling } from '../lib/poll.mjs';
import { html, useEffect, useRef, useState } from '../lib/ui.mjs';
import { UploadPanel } from './image_upload.mjs';

const BUSY_MS = 2000;
const IDLE_MS = 10000;
const PAGE = 1000;		// the image service's largest limit
const PATCH_TYPE = 'application/openstack-images-v2.1-json-patch';

// Every image the token may see, following "next" (a path with the
// marker, relative to the image API's root).
async function listImages() {
	let path = `/v2/images?limit=${PAGE}`;
	const all = [];
	while (path) {
		const doc = await api('image', 'GET', path);
		all.push(...doc.images);
		path = doc.next && doc.images.length > 0 ? doc.next : null;
	}
	return all;
}

function Status({ img }) {
	return html`<span class=${'status image-' + img.status}>${
	    img.status}</span>${img.protected && html`
	    <span class="tag">protected</span>`}`;
}

function Minimums({ img }) {
	const parts = [];
	if (img.min_disk)
		parts.push(`${img.min_disk} GiB disk`);
	if (img.min_ram)
		parts.push(`${img.min_ram} MiB RAM`);
	return parts.length ? parts.join(', ') :
	    html`<span class="none">none</span>`;
}

const OWNERS = { mine: 'this project', public: 'another project',
    other: 'another project' };

// Visibilities a row's edit offers; public to an admin only (the image
// service refuses it to members).
const VISIBILITIES = ['private', 'shared', 'community'];

// The row's edit: name, minimums, visibility, as one JSON patch.
function EditForm({ img, admin, busy, onSave, onCancel }) {
	const [error, setError] = useState(null);
	const first = useRef(null);
	useEffect(() => first.current.focus(), []);
	const id = (f) => `edit-${f}-${img.id}`;
	const choices = admin ? [...VISIBILITIES, 'public'] : VISIBILITIES;

	function submit(e) {
		e.preventDefault();
		const f = new FormData(e.currentTarget);
		const { ops, error: bad } = editPatch(img, { name: f.get('name'),
		    minDisk: f.get('min_disk'), minRam: f.get('min_ram'),
		    visibility: f.get('visibility') });
		setError(bad || null);
		if (!bad)
			onSave(ops);
	}
	return html`
<form class="edit" onSubmit=${submit} novalidate
    aria-label=${`Edit ${img.name || img.id}`}>
	<label for=${id('name')}>Name</label>
	<input id=${id('name')} name="name" ref=${first} required
	    defaultValue=${img.name || ''} spellcheck="false" autocomplete="off"/>
	<label for=${id('min-disk')}>Minimum disk (GiB)</label>
	<input id=${id('min-disk')} name="min_disk" type="number" min="0"
	    step="1" defaultValue=${img.min_disk || ''}/>
	<label for=${id('min-ram')}>Minimum RAM (MiB)</label>
	<input id=${id('min-ram')} name="min_ram" type="number" min="0"
	    step="1" defaultValue=${img.min_ram || ''}/>
	<label for=${id('visibility')}>Visibility</label>
	<select id=${id('visibility')} name="visibility">
		${(choices.includes(img.visibility) ? choices :
		    [img.visibility, ...choices]).map((v) => html`
		<option key=${v} value=${v} selected=${v === img.visibility}>${
		    v}</option>`)}
	</select>
	${error && html`<p class="error" role="alert">${error}</p>`}
	<div class="buttons">
	<button type="submit" disabled=${busy}>Save</button>
	<button type="button" class="plain" onClick=${onCancel}>Cancel</button>
	</div>
</form>`;
}

// A row's actions: edit (a JSON patch of what changed), protect or
// unprotect, delete (asked in the row). Each fault is shown in the row.
function ImageActions({ img, admin, onChanged }) {
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const [ask, setAsk] = useState(null);	// 'delete', 'edit' or null
	const name = img.name || img.id;

	async function run(fn) {
		setBusy(true);
		setError(null);
		try {
			await fn();
			setAsk(null);
			onChanged();
		} catch (err) {
			setError(err.message);
		} finally {
			setBusy(false);
		}
	}
	const patch = (ops) => run(() => ops.length === 0 ? null :
	    api('image', 'PATCH', `/v2/images/${img.id}`, ops, PATCH_TYPE));
	const protect = (on) => patch([{ op: 'replace', path: '/protected',
	    value: on }]);
	const remove = () => run(() => api('image', 'DELETE',
	    `/v2/images/${img.id}`));
	const btn = (verb, onClick, cls = 'plain') => html`
		<button type="button" class=${cls} disabled=${busy}
		    aria-label=${`${verb} ${name}`}
		    onClick=${onClick}>${verb}</button>`;
	return html`
<div class="actions">
	${ask === 'delete' ? html`
	<span class="confirm" role="group" aria-label=${`Confirm delete ${name}`}>
		Delete ${name}?${' '}
		${btn('Yes, delete', remove, 'danger')}
		<button type="button" class="plain"
		    onClick=${() => setAsk(null)}>Cancel</button>
	</span>` : ask === 'edit' ? html`
	<${EditForm} img=${img} admin=${admin} busy=${busy} onSave=${patch}
	    onCancel=${() => setAsk(null)}/>` : html`
	${btn('Edit', () => setAsk('edit'))}
	${img.protected ? btn('Unprotect', () => protect(false)) :
	    btn('Protect', () => protect(true))}
	${btn('Delete', () => setAsk('delete'))}`}
	${error && html`<p class="error" role="alert">${error}</p>`}
</div>`;
}

function ImageRow({ img, projectId, admin, onChanged }) {
	const owner = imageOwner(img, projectId);
	return html`
<tr data-id=${img.id}>
	<td class="name">${img.name ||
	    html`<span class="none">${img.id}</span>`}</td>
	<td><${Status} img=${img}/></td>
	<td>${img.visibility}${owner !== 'mine' && html`
	    <span class="owner"> (${OWNERS[owner]})</span>`}</td>
	<td>${img.disk_format || ''}</td>
	<td class="size">${formatSize(img.size)}</td>
	<td><${Minimums} img=${img}/></td>
	<td>${img.created_at ? new Date(img.created_at).toLocaleString() :
	    ''}</td>
	<td>${owner === 'mine' || admin ? html`<${ImageActions} img=${img}
	    admin=${admin} onChanged=${onChanged}/>` : html`<span class="none">
	    not this project's</span>`}</td>
</tr>`;
}

export function ImagesPage() {
	const [images, setImages] = useState([]);
	const [loaded, setLoaded] = useState(false);
	const [error, setError] = useState(null);
	const [uploading, setUploading] = useState(false);
	const poller = useRef(null);
	const s = currentSession();
	const admin = (s?.roles || []).includes('admin');

	useEffect(() => {
		let current = [];
		const stop = startPolling(async () => {
			try {
				current = await listImages();
				setImages(current);
				setLoaded(true);
				setError(null);
			} catch (err) {
				if (err.status === 401)
					return IDLE_MS;	// the session ended
				setError(err.message);
			}
			return current.some(imageChanging) ? BUSY_MS : IDLE_MS;
		});
		poller.current = stop;
		return stop;
	}, []);
	const changed = () => poller.current.now();

	const rows = [...images].sort(compareImages);
	return html`
<section aria-labelledby="images-title">
	<h1 id="images-title">Images</h1>
	${uploading ? html`<${UploadPanel} onChanged=${changed}
	    onClose=${() => setUploading(false)}/>` : html`
	<p><button type="button" onClick=${() => setUploading(true)}>
	Upload image</button></p>`}
	${error && html`<p class="error" role="alert">${error}</p>`}
	${!loaded && !error && html`<p class="loading">Loading…</p>`}
	${loaded && rows.length === 0 && html`
		<p class="empty">There are no images this project can use.</p>`}
	${rows.length > 0 && html`
	<table class="images">
	<thead><tr><th scope="col">Name</th><th scope="col">Status</th>
	<th scope="col">Visibility</th><th scope="col">Format</th>
	<th scope="col">Size</th><th scope="col">Needs</th>
	<th scope="col">Created</th><th scope="col">Actions</th></tr></thead>
	<tbody>${rows.map((img) => html`
	<${ImageRow} key=${img.id} img=${img} projectId=${s?.projectId}
	    admin=${admin} onChanged=${changed}/>`)}</tbody>
	</table>`}
</section>`;
}
