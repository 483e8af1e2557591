// A server's live serial console: a console URL from the compute API
// (os-getSerialConsole), a websocket to the controller's console proxy
// (subprotocol binary), the guest's output in a <pre> that takes the
// keyboard when focused. A URL opens one websocket: a closed console is
// opened again with a new one.
import { api } from '../lib/api.mjs';
import { termFeed, termKey } from '../lib/fit.mjs';
import { html, useEffect, useRef, useState } from '../lib/ui.mjs';

export function LiveConsole({ server }) {
	const [text, setText] = useState('');
	const [state, setState] = useState('Connecting…');
	const [error, setError] = useState(null);
	const [round, setRound] = useState(0);	// a new round reconnects
	const ws = useRef(null);
	const screen = useRef(null);

	useEffect(() => {
		let alive = true;
		const decoder = new TextDecoder();
		setError(null);
		setState('Connecting…');
		(async () => {
			let url;
			try {
				const doc = await api('compute', 'POST',
				    `/servers/${server.id}/action`,
				    { 'os-getSerialConsole': { type: 'serial' } });
				url = doc.console.url;
			} catch (err) {
				if (alive) {
					setError(err.message);
					setState('Closed');
				}
				return;
			}
			if (!alive)
				return;
			const sock = new WebSocket(url, ['binary']);
			sock.binaryType = 'arraybuffer';
			ws.current = sock;
			sock.onopen = () => {
				if (!alive)
					return;
				setState('Connected');
				// A fresh prompt: what came before is in the log.
				sock.send(new TextEncoder().encode('\r'));
			};
			sock.onmessage = (e) => {
				if (alive)
					setText((t) => termFeed(t, decoder.decode(
					    new Uint8Array(e.data), { stream: true })));
			};
			sock.onclose = () => {
				if (alive)
					setState('Closed');
			};
		})();
		return () => {
			alive = false;
			if (ws.current)
				ws.current.close();
			ws.current = null;
		};
	}, [server.id, round]);

	useEffect(() => {
		if (screen.current)
			screen.current.scrollTop = screen.current.scrollHeight;
	}, [text]);

	function onKeyDown(e) {
		const bytes = termKey(e);
		const sock = ws.current;
		if (bytes === null || !sock || sock.readyState !== WebSocket.OPEN)
			return;
		e.preventDefault();
		sock.send(new TextEncoder().encode(bytes));
	}

	return html`
<div class="console live">
	<p role="status">Serial console: ${state}${' '}
	${state === 'Closed' && html`<button type="button" class="plain"
	    onClick=${() => setRound(round + 1)}>Reconnect</button>`}</p>
	${error && html`<p class="error" role="alert">${error}</p>`}
	<pre ref=${screen} tabIndex="0" onKeyDown=${onKeyDown}
	    aria-label=${'Live console of ' + server.name}>${text}</pre>
</div>`;
}
