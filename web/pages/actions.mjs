// An instance row's actions: stop, start, reboot (soft), snapshot (asks a
// name), console log, live console, delete (confirmed in the row). Each is one call;
// its fault is shown in the row, and onChanged() asks the list for a
// poll at once.
import { api } from '../lib/api.mjs';
import { cleanConsole } from '../lib/fit.mjs';
import { LiveConsole } from './live_console.mjs';
import { startPolling } from '../lib/poll.mjs';
import { html, useEffect, useRef, useState } from '../lib/ui.mjs';

const CONSOLE_MS = 2000;
const CONSOLE_LINES = 200;
const LIVE = new Set(['BUILD', 'ACTIVE']);

// The console log, refreshed every CONSOLE_MS while the server is live
// (BUILD or ACTIVE), else read once.
function ConsoleLog({ server }) {
	const [text, setText] = useState(null);
	const [error, setError] = useState(null);
	const live = LIVE.has(server.status);
	const first = useRef(true);

	useEffect(() => {
		if (!live && !first.current)
			return undefined;
		first.current = false;
		let alive = true;
		const stop = startPolling(async () => {
			try {
				const doc = await api('compute', 'POST',
				    `/servers/${server.id}/action`,
				    { 'os-getConsoleOutput': { length: CONSOLE_LINES } });
				if (alive) {
					setText(cleanConsole(doc.output || ''));
					setError(null);
				}
			} catch (err) {
				if (alive)
					setError(err.message);
			}
			if (!live)
				stop();
			return CONSOLE_MS;
		});
		return () => {
			alive = false;
			stop();
		};
	}, [server.id, live]);

	return html`
<div class="console">
	${error && html`<p class="error" role="alert">${error}</p>`}
	${(text !== null || !error) && html`
	<pre aria-label=${'Console log of ' + server.name}>${text === null ?
	    'Loading…' : text || '(empty)'}</pre>`}
</div>`;
}

export function RowActions({ server, onChanged }) {
	const [error, setError] = useState(null);
	const [busy, setBusy] = useState(false);
	const [ask, setAsk] = useState(null);	// 'delete', 'snapshot' or null
	const [consoleOpen, setConsoleOpen] = useState(false);
	const [liveOpen, setLiveOpen] = useState(false);
	const [done, setDone] = useState(null);
	const st = server.status;
	const deleting = server['OS-EXT-STS:task_state'] === 'deleting';

	async function run(what, method, path, body) {
		setBusy(true);
		setError(null);
		setDone(null);
		try {
			await api('compute', method, path, body);
			setAsk(null);
			if (what)
				setDone(what);
			onChanged();
		} catch (err) {
			setError(err.message);
		} finally {
			setBusy(false);
		}
	}
	const action = (body, what) => run(what, 'POST',
	    `/servers/${server.id}/action`, body);

	function snapshot(e) {
		e.preventDefault();
		const name = new FormData(e.currentTarget).get('name').trim();
		if (!name)
			return setError('Give the snapshot a name.');
		return action({ createImage: { name } },
		    `Snapshot ${name} requested.`);
	}

	const label = (verb) => `${verb} ${server.name}`;
	const btn = (verb, onClick, show) => show && html`
		<button type="button" class="plain" disabled=${busy}
		    aria-label=${label(verb)} onClick=${onClick}>${verb}</button>`;
	return html`
<div class="actions">
	${ask === 'delete' ? html`
	<span class="confirm" role="group" aria-label=${label('Confirm delete')}>
		Delete ${server.name}?${' '}
		<button type="button" class="danger" disabled=${busy}
		    aria-label=${label('Yes, delete')}
		    onClick=${() => run(null, 'DELETE',
		    `/servers/${server.id}`)}>Yes, delete</button>
		<button type="button" class="plain"
		    onClick=${() => setAsk(null)}>Cancel</button>
	</span>` : ask === 'snapshot' ? html`
	<form class="snapshot" onSubmit=${snapshot}>
		<label for=${'snap-' + server.id}>Snapshot name</label>
		<input id=${'snap-' + server.id} name="name" required
		    defaultValue=${server.name + '-snapshot'} spellcheck="false"/>
		<button type="submit" disabled=${busy}>Create snapshot</button>
		<button type="button" class="plain"
		    onClick=${() => setAsk(null)}>Cancel</button>
	</form>` : html`
	${btn('Stop', () => action({ 'os-stop': null }),
	    st === 'ACTIVE' || st === 'ERROR')}
	${btn('Start', () => action({ 'os-start': null }), st === 'SHUTOFF')}
	${btn('Reboot', () => action({ reboot: { type: 'SOFT' } }),
	    st === 'ACTIVE')}
	${btn('Snapshot', () => setAsk('snapshot'),
	    st === 'ACTIVE' || st === 'SHUTOFF')}
	${btn(consoleOpen ? 'Hide console' : 'Console',
	    () => setConsoleOpen(!consoleOpen), true)}
	${btn(liveOpen ? 'Hide terminal' : 'Terminal',
	    () => setLiveOpen(!liveOpen), liveOpen || st === 'ACTIVE')}
	${btn('Delete', () => setAsk('delete'), !deleting)}`}
	${done && html`<p class="done" role="status">${done}</p>`}
	${error && html`<p class="error" role="alert">${error}</p>`}
	${consoleOpen && html`<${ConsoleLog} server=${server}/>`}
	${liveOpen && html`<${LiveConsole} server=${server}/>`}
</div>`;
}
