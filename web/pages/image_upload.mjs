// The images page's upload panel: POST /v2/images with the form's fields,
// then the file PUT to /v2/images/{id}/file by XMLHttpRequest, its
// progress in a <progress> element, with a Cancel button. An upload that
// fails or is cancelled deletes the empty image it made, so no queued
// leftover stays behind; the fault's sentence is shown at the form.
import { ABORTED, api, currentSession, upload } from '../lib/api.mjs';
import { createBody, DISK_FORMATS, guessDiskFormat, nameFromFile,
    progressText } from '../lib/images.mjs';
import { html, useEffect, useRef, useState } from '../lib/ui.mjs';

// Deletes the image an upload could not fill; '' or why it stayed (one
// already gone, deleted from its row meanwhile, is no failure).
async function removeEmpty(id) {
	try {
		await api('image', 'DELETE', `/v2/images/${id}`);
		return '';
	} catch (err) {
		return err.status === 404 ? '' :
		    ` The empty image could not be removed: ${err.message}`;
	}
}

// onChanged(): the list should poll now (an image was made, filled or
// removed).
export function UploadPanel({ onChanged, onClose }) {
	const [format, setFormat] = useState('qcow2');
	const [busy, setBusy] = useState(false);
	const [progress, setProgress] = useState(null);	// {sent, total}
	const [error, setError] = useState(null);
	const [done, setDone] = useState(null);
	const transfer = useRef(null);	// the running upload's abort()
	const nameRef = useRef(null);
	const fileRef = useRef(null);
	const admin = (currentSession()?.roles || []).includes('admin');

	useEffect(() => {
		fileRef.current.focus();
		// Leaving the page cuts a running upload off.
		return () => transfer.current && transfer.current();
	}, []);
	// Ready for the next file once one is in (the fields are enabled).
	useEffect(() => {
		if (!busy && done)
			fileRef.current.focus();
	}, [busy, done]);

	function fileChosen(e) {
		const file = e.currentTarget.files[0];
		if (!file)
			return;
		const guess = guessDiskFormat(file.name);
		if (guess)
			setFormat(guess);
		if (!nameRef.current.value.trim())
			nameRef.current.value = nameFromFile(file.name);
	}

	async function send(form, file, body) {
		const doc = await api('image', 'POST', '/v2/images', body);
		onChanged();
		let started = false;
		const t = upload('image', `/v2/images/${doc.id}/file`, file,
		    (sent, total) => {
			setProgress({ sent, total });
			if (!started && sent > 0) {
				started = true;
				onChanged();	// its row turns saving
			}
		});
		transfer.current = t.abort;
		try {
			await t.done;
		} catch (err) {
			throw new Error(err.message === ABORTED ?
			    `The upload of ${body.name} was cancelled; the empty ` +
			    'image was removed.' + await removeEmpty(doc.id) :
			    err.message + await removeEmpty(doc.id));
		} finally {
			transfer.current = null;
			onChanged();
		}
		form.reset();
		setFormat('qcow2');
		return `Image ${body.name} is uploaded (${progressText(file.size,
		    file.size)}).`;
	}

	async function submit(e) {
		e.preventDefault();
		const form = e.currentTarget;
		const f = new FormData(form);
		const file = f.get('file');
		const { body, error: bad } = createBody({ name: f.get('name'),
		    diskFormat: format, minDisk: f.get('min_disk'),
		    minRam: f.get('min_ram'), visibility: f.get('visibility'),
		    protect: f.get('protected') === 'on' });
		setDone(null);
		if (bad)
			return setError(bad);
		if (!(file instanceof File) || !file.name)
			return setError('Choose the file to upload.');
		setError(null);
		setBusy(true);
		setProgress({ sent: 0, total: file.size });
		try {
			setDone(await send(form, file, body));
		} catch (err) {
			setError(err.message);
		} finally {
			setBusy(false);
			setProgress(null);
		}
	}

	return html`
<form class="upload" onSubmit=${submit} aria-labelledby="upload-title"
    novalidate>
	<h2 id="upload-title">Upload an image</h2>
	<label for="upload-file">File</label>
	<input id="upload-file" name="file" type="file" required
	    ref=${fileRef} disabled=${busy} onChange=${fileChosen}/>
	<label for="upload-name">Name</label>
	<input id="upload-name" name="name" ref=${nameRef} required
	    maxlength="255" spellcheck="false" autocomplete="off"
	    disabled=${busy}/>
	<label for="upload-format">Disk format</label>
	<select id="upload-format" name="disk_format" value=${format}
	    disabled=${busy} onChange=${(e) => setFormat(e.currentTarget.value)}>
		${DISK_FORMATS.map((d) => html`
		<option key=${d} value=${d}>${d}</option>`)}
	</select>
	<div class="row">
	<span><label for="upload-min-disk">Minimum disk (GiB)</label>
	<input id="upload-min-disk" name="min_disk" type="number" min="0"
	    step="1" placeholder="0" disabled=${busy}/></span>
	<span><label for="upload-min-ram">Minimum RAM (MiB)</label>
	<input id="upload-min-ram" name="min_ram" type="number" min="0"
	    step="1" placeholder="0" disabled=${busy}/></span>
	</div>
	<label for="upload-visibility">Visibility</label>
	<select id="upload-visibility" name="visibility" disabled=${busy}>
		<option value="private">private (this project)</option>
		${admin && html`
		<option value="public">public (every project)</option>`}
	</select>
	<label class="check" for="upload-protected"><input
	    id="upload-protected" name="protected" type="checkbox"
	    disabled=${busy}/> Protected (cannot be deleted)</label>
	${progress && html`
	<div class="progress" role="status">
		<progress max=${progress.total || 1}
		    value=${progress.sent}
		    aria-label="Upload progress"></progress>
		<span>${progressText(progress.sent, progress.total)}</span>
	</div>`}
	${error && html`<p class="error" role="alert">${error}</p>`}
	${done && html`<p class="done" role="status">${done}</p>`}
	<div class="buttons">
	<button type="submit" disabled=${busy}>${busy ? 'Uploading…' :
	    'Upload'}</button>
	${busy ? html`
	<button type="button" class="plain"
	    onClick=${() => transfer.current && transfer.current()}>
	Cancel upload</button>` : html`
	<button type="button" class="plain" onClick=${onClose}>Close</button>`}
	</div>
</form>`;
}
