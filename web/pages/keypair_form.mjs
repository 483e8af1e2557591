// The key pair form the Launch panel and the Key pairs page share: mode
// 'create' (the cloud makes the key and answers its private half once)
// or 'import' (a public key pasted in). One POST /os-keypairs; its fault
// is shown at the form, as its sentence.
import { api } from '../lib/api.mjs';
import { html, useEffect, useRef, useState } from '../lib/ui.mjs';

// onDone(keypair): the POST's answer (with private_key for a created
// one); onCancel(): the form is to close.
export function KeypairForm({ mode, onDone, onCancel }) {
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const first = useRef(null);
	useEffect(() => first.current.focus(), [mode]);

	async function submit(e) {
		e.preventDefault();
		const f = new FormData(e.currentTarget);
		const keypair = { name: f.get('name').trim() };
		if (mode === 'import')
			keypair.public_key = f.get('public_key').trim();
		setBusy(true);
		setError(null);
		try {
			const doc = await api('compute', 'POST', '/os-keypairs',
			    { keypair });
			onDone(doc.keypair);
		} catch (err) {
			setError(err.message);
			setBusy(false);
		}
	}
	const title = mode === 'import' ? 'Import a key pair' :
	    'Create a key pair';
	return html`
<form class="keypair" onSubmit=${submit} aria-labelledby="kp-title">
	<h2 id="kp-title">${title}</h2>
	<label for="kp-name">Key pair name</label>
	<input id="kp-name" name="name" ref=${first} required
	    spellcheck="false" autocomplete="off"/>
	${mode === 'import' && html`
	<label for="kp-public">Public key</label>
	<textarea id="kp-public" name="public_key" rows="3" required
	    spellcheck="false"></textarea>`}
	${error && html`<p class="error" role="alert">${error}</p>`}
	<div class="buttons">
	<button type="submit" disabled=${busy}>${mode === 'import' ?
	    'Import key pair' : 'Create key pair'}</button>
	<button type="button" class="plain" onClick=${onCancel}>Cancel</button>
	</div>
</form>`;
}
