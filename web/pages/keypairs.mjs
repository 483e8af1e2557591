// The Key pairs page: the user's key pairs (they are the user's, not the
// project's), read once on opening and again after each of the page's
// calls (only this user changes them, so no timer). A key pair is
// created (the cloud answers its private key once: shown here in a
// read-only box with a download, never again) or imported (a public key
// pasted in) by the form the Launch panel uses too; a row shows its
// details (created, the public key) and deletes it, confirmed in the row.
import { api } from '../lib/api.mjs';
import { html, useEffect, useMemo, useRef, useState } from '../lib/ui.mjs';
import { KeypairForm } from './keypair_form.mjs';

const KEY_TYPES = { 'ssh-rsa': 'RSA', 'ssh-ed25519': 'Ed25519',
    'ecdsa-sha2-nistp256': 'ECDSA P-256', 'ecdsa-sha2-nistp384':
    'ECDSA P-384', 'ecdsa-sha2-nistp521': 'ECDSA P-521' };

// The key's algorithm, from the first word of its OpenSSH line (the
// compute API at 2.1 has no "type": every key pair is ssh).
function keyType(publicKey) {
	const word = (publicKey || '').split(/\s/)[0];
	return KEY_TYPES[word] || word;
}

const keyPath = (name) => `/os-keypairs/${encodeURIComponent(name)}`;

// The private key of a key pair just created: shown once, with a
// download of it as NAME.pem from a Blob URL (revoked when it closes).
// The box takes the focus (the form that had it is gone).
function PrivateKey({ name, text, onClose }) {
	const box = useRef(null);
	const url = useMemo(() => URL.createObjectURL(new Blob([text],
	    { type: 'application/x-pem-file' })), [text]);
	useEffect(() => () => URL.revokeObjectURL(url), [url]);
	useEffect(() => box.current.focus(), [text]);
	return html`
<div class="private-key" role="status">
	<p>Key pair <strong>${name}</strong> is made. Its private key is
	below and <strong>will not be shown again</strong>: download or copy
	it now, and keep it readable only by you (mode 0600).</p>
	<label for="pk-text">Private key of ${name}</label>
	<textarea id="pk-text" ref=${box} readonly rows="10"
	    spellcheck="false" value=${text}></textarea>
	<div class="buttons">
	<a class="button" href=${url} download=${`${name}.pem`}>Download ${
	    name}.pem</a>
	<button type="button" class="plain"
	    onClick=${onClose}>I have saved it</button>
	</div>
</div>`;
}

// A row's details: GET /os-keypairs/{name} (the list has no created_at).
function KeypairDetails({ kp }) {
	const [doc, setDoc] = useState(null);
	const [error, setError] = useState(null);
	useEffect(() => {
		api('compute', 'GET', keyPath(kp.name)).then(
		    (d) => setDoc(d.keypair), (err) => setError(err.message));
	}, [kp.name]);
	if (error)
		return html`<p class="error" role="alert">${error}</p>`;
	if (!doc)
		return html`<p class="loading">Loading…</p>`;
	return html`
<dl class="keypair-details">
	<dt>Created</dt>
	<dd>${doc.created_at ? new Date(doc.created_at).toLocaleString() :
	    'unknown'}</dd>
	<dt>Public key</dt>
	<dd><textarea readonly rows="3" spellcheck="false"
	    aria-label=${`Public key of ${kp.name}`}
	    value=${doc.public_key}></textarea></dd>
</dl>`;
}

// Details and delete (asked in the row); a fault is shown in the row.
function KeypairActions({ kp, onChanged }) {
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const [ask, setAsk] = useState(false);
	const [open, setOpen] = useState(false);

	async function remove() {
		setBusy(true);
		setError(null);
		try {
			await api('compute', 'DELETE', keyPath(kp.name));
			setAsk(false);
		} catch (err) {
			setError(err.message);
		} finally {
			setBusy(false);
			onChanged();
		}
	}
	const label = (verb) => `${verb} ${kp.name}`;
	return html`
<div class="actions">
	${ask ? html`
	<span class="confirm" role="group"
	    aria-label=${label('Confirm delete')}>
		Delete ${kp.name}?${' '}
		<button type="button" class="danger" disabled=${busy}
		    aria-label=${label('Yes, delete')}
		    onClick=${remove}>Yes, delete</button>
		<button type="button" class="plain"
		    onClick=${() => setAsk(false)}>Cancel</button>
	</span>` : html`
	<button type="button" class="plain" aria-label=${label(open ?
	    'Hide details of' : 'Details of')} aria-expanded=${open}
	    onClick=${() => setOpen(!open)}>${open ? 'Hide details' :
	    'Details'}</button>
	<button type="button" class="plain" aria-label=${label('Delete')}
	    onClick=${() => setAsk(true)}>Delete</button>`}
	${error && html`<p class="error" role="alert">${error}</p>`}
	${open && html`<${KeypairDetails} kp=${kp}/>`}
</div>`;
}

function KeypairRow({ kp, onChanged }) {
	return html`
<tr data-name=${kp.name}>
	<td class="name">${kp.name}</td>
	<td>${keyType(kp.public_key)}</td>
	<td class="fingerprint">${kp.fingerprint}</td>
	<td><${KeypairActions} kp=${kp} onChanged=${onChanged}/></td>
</tr>`;
}

export function KeypairsPage() {
	const [keypairs, setKeypairs] = useState([]);
	const [loaded, setLoaded] = useState(false);
	const [error, setError] = useState(null);
	const [mode, setMode] = useState(null);	// 'create' or 'import'
	const [made, setMade] = useState(null);	// { name, text }

	async function load() {
		try {
			const doc = await api('compute', 'GET', '/os-keypairs');
			setKeypairs(doc.keypairs.map((k) => k.keypair));
			setLoaded(true);
			setError(null);
		} catch (err) {
			if (err.status !== 401)	// else the session ended
				setError(err.message);
		}
	}
	useEffect(() => {
		load();
	}, []);

	function done(kp) {
		setMode(null);
		setMade(kp.private_key ? { name: kp.name,
		    text: kp.private_key } : null);
		load();
	}
	const opener = (m, text) => html`
		<button type="button" onClick=${() => {
		    setMade(null);
		    setMode(m);
		}}>${text}</button>`;
	return html`
<section class="keypairs" aria-labelledby="keypairs-title">
	<h1 id="keypairs-title">Key pairs</h1>
	<p class="legend">Key pairs are yours, not the project's: an instance
	launched with one lets its private key log in by SSH.</p>
	${mode ? html`
	<${KeypairForm} mode=${mode} onDone=${done}
	    onCancel=${() => setMode(null)}/>` : html`
	<p class="buttons">${opener('create', 'Create key pair')}
	${opener('import', 'Import key pair')}</p>`}
	${made && html`<${PrivateKey} name=${made.name} text=${made.text}
	    onClose=${() => setMade(null)}/>`}
	${error && html`<p class="error" role="alert">${error}</p>`}
	${!loaded && !error && html`<p class="loading">Loading…</p>`}
	${loaded && keypairs.length === 0 && html`
		<p class="empty">You have no key pairs.</p>`}
	${keypairs.length > 0 && html`
	<table class="keypairs">
	<thead><tr><th scope="col">Name</th><th scope="col">Type</th>
	<th scope="col">Fingerprint (MD5)</th><th scope="col">Actions</th>
	</tr></thead>
	<tbody>${keypairs.map((kp) => html`
	<${KeypairRow} key=${kp.name} kp=${kp} onChanged=${load}/>`)}</tbody>
	</table>`}
</section>`;
}
