// A poller that calls tick() again after the delay it returns (ms), not
// while the tab is hidden, and at once when it is shown again. One call
// at a time: the next tick is scheduled only after the last one settled.
// Returns stop(); stop.now() asks for a tick at once (after the running
// one, if any), as after the page changed something.
export function startPolling(tick) {
	let timer = null, stopped = false, running = false, again = false;

	async function run() {
		timer = null;
		if (stopped || running)
			return;
		if (document.hidden)
			return;		// visibilitychange restarts it
		running = true;
		again = false;
		let delay = 5000;
		try {
			delay = await tick();
		} finally {
			running = false;
		}
		if (!stopped && timer === null)
			timer = setTimeout(run, again ? 0 : delay);
	}
	function shown() {
		if (!document.hidden && timer === null && !running)
			run();
	}
	document.addEventListener('visibilitychange', shown);
	run();
	const stop = () => {
		stopped = true;
		clearTimeout(timer);
		document.removeEventListener('visibilitychange', shown);
	};
	stop.now = () => {
		if (stopped)
			return;
		if (running) {
			again = true;
			return;
		}
		clearTimeout(timer);
		timer = null;
		run();
	};
	return stop;
}
