// The networking pages' refresh: the six lists of lib/netmodel.mjs's
// LISTS, fetched side by side (six calls, however many rows), joined by
// buildModel; again every `every` ms and at once after an action.
import { api, currentSession } from './api.mjs';
import { buildModel, LISTS } from './netmodel.mjs';
import { startPolling } from './poll.mjs';
import { useEffect, useRef, useState } from './ui.mjs';

// The lists by key; a refused servers list is [] with its sentence in
// warn(msg) (the networks are still worth showing), any other refusal
// throws.
async function fetchLists(warn) {
	const keys = Object.keys(LISTS);
	const docs = await Promise.all(keys.map((k) => {
		const [type, path, key] = LISTS[k];
		const got = api(type, 'GET', path).then((d) => d[key] || []);
		return k !== 'servers' ? got : got.catch((err) => {
			if (err.status === 401)
				throw err;
			warn(`Instances could not be listed: ${err.message}`);
			return [];
		});
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
			let warning = null;
			try {
				const lists = await fetchLists((w) => {
					warning = w;
				});
				const s = currentSession();
				if (alive) {
					setModel(buildModel(lists, s && s.projectId));
					setError(warning);
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
