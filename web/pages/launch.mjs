// The Launch panel of the instances page: one form for POST /servers with
// the choices read from the APIs (images, flavors, networks, key pairs;
// the hypervisors for an admin), and in place the creation or import of a
// key pair (the form of pages/keypair_form.mjs). A flavor that cannot take
// the chosen image, or that no node can hold, is a disabled option that
// says why; the smallest that fits is chosen until the user chooses
// another.
import { api, currentSession } from '../lib/api.mjs';
import { base64Utf8, flavorLabel, flavorProblem, imageLabel,
    smallestFlavor } from '../lib/fit.mjs';
import { html, useEffect, useRef, useState } from '../lib/ui.mjs';
import { KeypairForm } from './keypair_form.mjs';

const MAX_COUNT = 10;

// A list call's array, or [] with the sentence in fail(msg).
async function list(type, path, key, fail) {
	try {
		return (await api(type, 'GET', path))[key] || [];
	} catch (err) {
		fail(err.message);
		return [];
	}
}

// onLaunched(server, name, count): the POST's answer ({id, ...}).
export function LaunchPanel({ onLaunched, onClose }) {
	const [images, setImages] = useState([]);
	const [flavors, setFlavors] = useState([]);
	const [networks, setNetworks] = useState([]);
	const [keypairs, setKeypairs] = useState([]);
	const [hvs, setHvs] = useState(null);
	const [loadErr, setLoadErr] = useState(null);
	const [imageId, setImageId] = useState('');
	const [flavorId, setFlavorId] = useState('');
	const [keyName, setKeyName] = useState('');
	const [kpMode, setKpMode] = useState(null);
	const [privateKey, setPrivateKey] = useState(null);
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const nameRef = useRef(null);

	useEffect(() => {
		nameRef.current.focus();
		const s = currentSession();
		const fail = (m) => setLoadErr(m);
		list('image', '/v2/images', 'images', fail).then((all) => {
			// Only an active image can boot.
			const l = all.filter((i) => i.status === 'active')
			    .sort((a, b) => (a.name || '').localeCompare(
			    b.name || ''));
			setImages(l);
			if (l.length)
				setImageId((v) => v || l[0].id);
		});
		list('compute', '/flavors/detail', 'flavors', fail)
		    .then(setFlavors);
		// The project's and shared ones (an admin is shown every
		// project's otherwise).
		const mine = (n) => n.shared || !s || !s.projectId ||
		    n.project_id === s.projectId || n.tenant_id === s.projectId;
		list('network', '/v2.0/networks', 'networks', fail)
		    .then((l) => setNetworks(l.filter(mine)));
		list('compute', '/os-keypairs', 'keypairs', fail)
		    .then((l) => setKeypairs(l.map((k) => k.keypair)));
		// Members may not list hypervisors: only an admin asks.
		if (s && s.roles.includes('admin'))
			list('compute', '/os-hypervisors/detail', 'hypervisors',
			    () => {}).then(setHvs);
	}, []);

	const image = images.find((i) => i.id === imageId);
	const choices = flavors.map((f) => ({ f, why: flavorProblem(f, image,
	    hvs) }));
	const usable = choices.filter((c) => !c.why).map((c) => c.f);
	// The chosen flavor while it fits, else the smallest that does.
	const flavor = usable.find((f) => f.id === flavorId) ||
	    smallestFlavor(usable);

	async function submit(e) {
		e.preventDefault();
		const f = new FormData(e.currentTarget);
		const name = f.get('name').trim();
		const count = Number(f.get('count'));
		if (!name)
			return setError('Give the instance a name.');
		if (!image)
			return setError('Choose an image.');
		if (!flavor)
			return setError('No flavor can take this image.');
		if (!Number.isInteger(count) || count < 1 || count > MAX_COUNT)
			return setError(`The count is a whole number from 1 to ${
			    MAX_COUNT}.`);
		const server = { name, imageRef: image.id,
		    flavorRef: flavor.id, min_count: count, max_count: count };
		const net = f.get('network');
		if (net)
			server.networks = [{ uuid: net }];
		if (keyName)
			server.key_name = keyName;
		const ud = f.get('user_data');
		if (ud)
			server.user_data = base64Utf8(ud);
		setBusy(true);
		setError(null);
		try {
			const doc = await api('compute', 'POST', '/servers',
			    { server });
			onLaunched(doc.server, name, count);
			e.target.reset();
			nameRef.current.focus();
		} catch (err) {
			setError(err.message);
		} finally {
			setBusy(false);
		}
	}

	function keypairMade(kp) {
		setKeypairs((l) => [...l.filter((k) => k.name !== kp.name), kp]);
		setKeyName(kp.name);
		setPrivateKey(kp.private_key ? { name: kp.name,
		    text: kp.private_key } : null);
		setKpMode(null);
	}

	return html`
<section class="launch" aria-labelledby="launch-title">
<form class="launch" onSubmit=${submit} aria-labelledby="launch-title"
    novalidate>
	<h2 id="launch-title">Launch an instance</h2>
	${loadErr && html`<p class="error" role="alert">${loadErr}</p>`}
	<label for="launch-name">Name</label>
	<input id="launch-name" name="name" ref=${nameRef} required
	    spellcheck="false" autocomplete="off"/>
	<label for="launch-image">Image</label>
	<select id="launch-image" name="image" value=${imageId}
	    onChange=${(e) => setImageId(e.currentTarget.value)}>
		${images.length === 0 && html`<option value="">no image</option>`}
		${images.map((i) => html`
		<option key=${i.id} value=${i.id}>${imageLabel(i)}</option>`)}
	</select>
	<label for="launch-flavor">Flavor</label>
	<select id="launch-flavor" name="flavor" value=${flavor ?
	    flavor.id : ''}
	    onChange=${(e) => setFlavorId(e.currentTarget.value)}>
		${flavors.length === 0 && html`<option value="">no flavor</option>`}
		${choices.map(({ f, why }) => html`
		<option key=${f.id} value=${f.id} disabled=${!!why}>${
		    flavorLabel(f, why)}</option>`)}
	</select>
	<label for="launch-network">Network</label>
	<select id="launch-network" name="network">
		<option value="">default / auto</option>
		${networks.map((n) => html`
		<option key=${n.id} value=${n.id}>${n.name || n.id}${
		    n.shared ? ' (shared)' : ''}</option>`)}
	</select>
	<label for="launch-key">Key pair</label>
	<div class="row">
	<select id="launch-key" name="key" value=${keyName}
	    onChange=${(e) => setKeyName(e.currentTarget.value)}>
		<option value="">none</option>
		${keypairs.map((k) => html`
		<option key=${k.name} value=${k.name}>${k.name}</option>`)}
	</select>
	<button type="button" class="plain"
	    onClick=${() => setKpMode('create')}>Create key pair</button>
	<button type="button" class="plain"
	    onClick=${() => setKpMode('import')}>Import key pair</button>
	</div>
	<label for="launch-userdata">User data (optional)</label>
	<textarea id="launch-userdata" name="user_data" rows="3"
	    spellcheck="false"></textarea>
	<label for="launch-count">Count</label>
	<input id="launch-count" name="count" type="number" min="1"
	    max=${MAX_COUNT} step="1" value="1"/>
	${error && html`<p class="error" role="alert">${error}</p>`}
	<div class="buttons">
	<button type="submit" disabled=${busy}>${busy ? 'Launching…' :
	    'Launch'}</button>
	<button type="button" class="plain" onClick=${onClose}>Close</button>
	</div>
</form>
${kpMode && html`<${KeypairForm} mode=${kpMode} onDone=${keypairMade}
    onCancel=${() => setKpMode(null)}/>`}
${privateKey && html`
<div class="private-key" role="status">
	<p>The private key of <strong>${privateKey.name}</strong> is shown
	only this once: save it now (for example as${' '}
	<code>${privateKey.name}.pem</code>, mode 0600).</p>
	<pre>${privateKey.text}</pre>
	<button type="button" class="plain"
	    onClick=${() => setPrivateKey(null)}>I have saved it</button>
</div>`}
</section>`;
}
