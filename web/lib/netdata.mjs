// The networking pages' refresh: the six lists of lib/netmodel.mjs's
// LISTS, fetched side by side (six calls, however many rows), joined by
// buildModel; again every `every` ms and at once after an action.
import { api, currentSession } from './api.mjs';
import { buildModel, LISTS } from './netmodel.mjs';
import { startPolling } from './poll.mjs';
import { useEffect, useRef, useState } from './ui.mjs';

async function fetchLists() {
	const keys = Object.keys(LISTS);
	const docs = await Promise.all(keys.map((k) => {
		const [type, path, key] = LISTS[k];
		return api(type, 'GET', path).then((d) => d[key] || []);
	}));
	return Object.fromEntries(keys.map((k, i) => [k, docs[i]]));
}

// { model (null until the first answer), error (the last refresh's
// sentence, or null), refresh() (a refresh at once) }.
export function useNetworking(every) {
	const [model, setModel] = useState(null);
	const [error, setError] = useState(null);
	const poller = useRef(null);

	useEffect(() => {
		let alive = true;
		const stop = startPolling(async () => {
			try {
				const lists = await fetchLists();
				const s = currentSession();
				if (alive) {
					setModel(buildModel(lists, s && s.projectId));
					setError(null);
				}
			} catch (err) {
				if (alive && err.status !== 401)
					setError(err.message);
			}
			return every;
		});
		poller.current = stop;
		return () => {
			alive = false;
			stop();
		};
	}, [every]);
	return { model, error, refresh: () => poller.current &&
	    poller.current.now() };
}
