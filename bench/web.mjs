// bench/web.mjs - the browser half of bench/web.sh: the instances page
// with many instances in Debian's Chromium (headless, playwright-core
// through tests/browser/chromium.mjs, whose node_modules it resolves).
//
// (a) Render time: the page is reloaded WEB_RUNS times (after one warm-up);
//     each time, from the Resource Timing responseEnd of its first GET
//     /servers/detail (the whole answer has arrived) to the first frame
//     painted with all the rows in the table. A MutationObserver put in
//     by the DevTools protocol before the page's own scripts notes the
//     moment the last row is in the DOM; a requestAnimationFrame callback
//     then runs before that frame's style, layout and paint, and a
//     message posted from it is delivered after them: its time is "painted".
//     Two baselines, in turns with the page, both the page's own rendered
//     DOM with its scripts removed and its stylesheet inlined, served by
//     this script on loopback: (raw) in that document, the table taken
//     out and its HTML put back in one insertAdjacentHTML, from the call
//     to the frame painted (the browser's own floor for this table: parse,
//     style, layout, paint, no script); (document) the whole page loaded
//     as a static, server-rendered document, from its responseEnd to its
//     first frame with all the rows, by the same probe as the page's.
// (b) Calls: every request under /api/ from a fresh load: the ones made
//     at the page's opening, then WEB_IDLE_S seconds idle, then one
//     server in transition (task_state 'rebooting', set in the database:
//     no agent is there to reboot it) for WEB_BUSY_S seconds, back to
//     ACTIVE, then one server deleted through the API. Each tick's answer
//     to painted change is timed as in (a), and the Launch panel's calls
//     when it opens are counted.
// Results: one JSON document on WEB_OUT. Environment: GUREUM_WEB_URL,
// GUREUM_PROJECT, GUREUM_USER, GUREUM_PASSWORD, GUREUM_TOKEN (the
// member's), GUREUM_WEB_ROOT (web/, for the baselines' stylesheet),
// GUREUM_PG_SOCKET (PostgreSQL's socket directory), GUREUM_OUR_PIDS (the
// daemons, whose CPU is not "other programs'"), WEB_ROWS, and WEB_RUNS,
// WEB_IDLE_S, WEB_BUSY_S, WEB_MOVING and WEB_DELETED (the servers' names).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { launchChromium } from '../tests/browser/chromium.mjs';

const env = (k, d) => {
	const v = process.env[k] ?? d;
	if (v === undefined)
		throw new Error(`${k} is not set`);
	return v;
};
const URL_ = env('GUREUM_WEB_URL');
const ROWS = Number(env('WEB_ROWS', '200'));
const RUNS = Number(env('WEB_RUNS', '9'));
const IDLE_S = Number(env('WEB_IDLE_S', '15'));
const BUSY_S = Number(env('WEB_BUSY_S', '8'));
const WAIT = { timeout: 30000 };
const ROW_SEL = 'table.instances > tbody > tr';

const sql = (q) => execFileSync('psql', ['-h', env('GUREUM_PG_SOCKET'),
    '-U', 'postgres', '-d', 'gureum', '-At', '-c', q]).toString().trim();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (a) => {
	const s = [...a].sort((x, y) => x - y);
	return s.length ? s[(s.length - 1) >> 1] : null;
};
const round = (x) => Math.round(x * 10) / 10;

// In the page, before its scripts: window.__bench.paint once `want` rows
// are in the table and painted (see the top comment).
function probe(want) {
	const b = window.__bench = { dom: null, frame: null, paint: null };
	const sel = 'table.instances > tbody > tr';
	const obs = new MutationObserver(() => {
		if (b.dom !== null || document.querySelectorAll(sel).length < want)
			return;
		b.dom = performance.now();
		obs.disconnect();
		requestAnimationFrame(() => {
			b.frame = performance.now();
			const c = new MessageChannel();
			c.port1.onmessage = () => { b.paint = performance.now(); };
			c.port2.postMessage(null);
		});
	});
	obs.observe(document, { childList: true, subtree: true });
}

// In the page: times the next change that makes ok(row) true for the row
// of server id (row null: gone), as probe() does; the start is the
// responseEnd of the last /servers/detail answer before it.
function watchRow([id, want]) {
	const b = window.__tick = { dom: null, paint: null, answer: null };
	const ok = () => {
		const tr = document.querySelector(`tr[data-id="${id}"]`);
		return want === null ? !tr :
		    !!tr && tr.querySelector('.status').textContent === want;
	};
	const obs = new MutationObserver(() => {
		if (b.dom !== null || !ok())
			return;
		b.dom = performance.now();
		obs.disconnect();
		const lists = performance.getEntriesByType('resource').filter((e) =>
		    e.name.includes('/servers/detail') && e.responseEnd <= b.dom);
		b.answer = lists.length ? lists[lists.length - 1].responseEnd : null;
		b.url = lists.length ? lists[lists.length - 1].name : null;
		requestAnimationFrame(() => {
			const c = new MessageChannel();
			c.port1.onmessage = () => { b.paint = performance.now(); };
			c.port2.postMessage(null);
		});
	});
	obs.observe(document.body, { childList: true, subtree: true,
	    characterData: true });
}

// CPU ticks (1/100 s) used by all CPUs, and by the processes under the
// roots (this script and its browser, the daemons in GUREUM_OUR_PIDS):
// the share the other programs took is the difference.
function cpuTicks() {
	const stat = (f) => { try { return readFileSync(f, 'utf8'); } catch {
		return null; } };
	const all = stat('/proc/stat').split('\n')[0].trim().split(/\s+/)
	    .map(Number);
	const procs = new Map();
	for (const d of readdirSync('/proc')) {
		const t = /^\d+$/.test(d) && stat(`/proc/${d}/stat`);
		if (!t)
			continue;
		const f = t.slice(t.lastIndexOf(')') + 2).split(' ');
		procs.set(Number(d), { ppid: Number(f[1]), ticks: Number(f[11]) +
		    Number(f[12]) + Number(f[13]) + Number(f[14]) });
	}
	const roots = new Set([process.pid, ...env('GUREUM_OUR_PIDS', '')
	    .split(/\s+/).filter(Boolean).map(Number)]);
	const ours = new Map();
	for (const [pid, p] of procs) {
		for (let q = pid, n = 0; q > 1 && n < 64; q = procs.get(q)?.ppid ??
		    0, n++)
			if (roots.has(q)) {
				ours.set(pid, p.ticks);
				break;
			}
	}
	return { t: Date.now(), busy: all[1] + all[2] + all[3] + all[8], ours };
}
function otherLoad(a, b) {
	let ours = 0;
	for (const [pid, t] of b.ours)
		ours += t - (a.ours.get(pid) ?? 0);
	const other = Math.max(0, b.busy - a.busy - ours);
	return Math.round(100 * other / ((b.t - a.t) / 10 * cpus().length));
}

const browser = await launchChromium();
const out = { rows: ROWS, runs: RUNS, chromium: browser.version() };
try {
	const ctx = await browser.newContext({ viewport: { width: 1280,
	    height: 900 } });
	const page = await ctx.newPage();
	const problems = [];
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('console', (m) => {
		if (m.type() === 'error')
			problems.push(`console: ${m.text()}`);
	});
	const calls = [];
	page.on('request', (r) => {
		const u = new URL(r.url());
		if (u.pathname.startsWith('/api/'))
			calls.push({ t: Date.now(), method: r.method(),
			    path: u.pathname.replace(/^\/api\/[a-z]+/, '') +
			    u.search });
	});
	await page.addInitScript(probe, ROWS);

	// Log in; the session (sessionStorage) outlives each reload.
	await page.goto(URL_ + '/#/instances');
	await page.getByLabel('Project').fill(env('GUREUM_PROJECT'));
	await page.getByLabel('User name').fill(env('GUREUM_USER'));
	await page.getByLabel('Password').fill(env('GUREUM_PASSWORD'));
	await page.getByRole('button', { name: 'Log in' }).click();
	await page.locator(ROW_SEL).nth(ROWS - 1).waitFor(WAIT);

	async function pageRun() {
		await page.reload();
		await page.waitForFunction(() => window.__bench.paint !== null,
		    null, WAIT);
		await sleep(300);	// the flavor and image names, after
		return page.evaluate(() => {
			const e = performance.getEntriesByType('resource').find((r) =>
			    r.name.includes('/servers/detail') &&
			    !r.name.includes('changes-since'));
			const b = window.__bench;
			// Did a names answer (flavors, images) land after the list
			// and before the paint? Then its render is in the time.
			const late = performance.getEntriesByType('resource').some(
			    (r) => /\/(flavors|images)$/.test(r.name) &&
			    r.responseEnd > e.responseEnd && r.responseEnd < b.paint);
			return { answer: e.responseEnd, fetch: e.responseEnd -
			    e.startTime, bytes: e.encodedBodySize, dom: b.dom,
			    frame: b.frame, paint: b.paint, late };
		});
	}

	// The baselines' document: this page's rendered DOM, no script.
	await pageRun();
	const root = env('GUREUM_WEB_ROOT');
	const css = readFileSync(join(root, 'style.css'), 'utf8');
	const staticHtml = await page.evaluate((style) => {
		const d = document.documentElement.cloneNode(true);
		d.querySelectorAll('script').forEach((s) => s.remove());
		const l = d.querySelector('link[rel=stylesheet]');
		const st = document.createElement('style');
		st.textContent = style;
		l.replaceWith(st);
		return '<!doctype html>\n' + d.outerHTML;
	}, css);
	const server = createServer((req, res) => {
		const p = req.url.split('?')[0];
		if (p === '/static.html') {
			res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8',
			    'Cache-Control': 'no-cache' });
			return res.end(staticHtml);
		}
		if (p === '/favicon.svg') {
			res.writeHead(200, { 'Content-Type': 'image/svg+xml',
			    'Cache-Control': 'no-cache' });
			return res.end(readFileSync(join(root, p)));
		}
		res.writeHead(404);
		return res.end();
	});
	await new Promise((r) => server.listen(0, '127.0.0.1', r));
	const baseUrl = `http://127.0.0.1:${server.address().port}/static.html`;
	const base = await ctx.newPage();
	await base.addInitScript(probe, ROWS);
	async function baseRun() {
		await base.goto(baseUrl);
		await base.waitForFunction(() => window.__bench.paint !== null,
		    null, WAIT);
		return base.evaluate(() => {
			const n = performance.getEntriesByType('navigation')[0];
			const b = window.__bench;
			return { answer: n.responseEnd, bytes: n.encodedBodySize,
			    dom: b.dom, frame: b.frame, paint: b.paint };
		});
	}
	// The raw floor: in that document, the table taken out, then its
	// HTML put back at once (parse, style, layout, paint; no script).
	function rawRun() {
		return base.evaluate(() => new Promise((done) => {
			const t = document.querySelector('table.instances');
			const html = t.outerHTML, parent = t.parentNode;
			t.remove();
			requestAnimationFrame(() => setTimeout(() => {
				const t0 = performance.now();
				parent.insertAdjacentHTML('beforeend', html);
				const dom = performance.now();
				requestAnimationFrame(() => {
					const c = new MessageChannel();
					c.port1.onmessage = () => done({ answer: t0,
					    dom, paint: performance.now(),
					    bytes: html.length });
					c.port2.postMessage(null);
				});
			}, 0));
		}));
	}
	await baseRun();
	await rawRun();
	out.static_bytes = Buffer.byteLength(staticHtml);

	// (a) in turns, so a burst of other load hits both alike.
	const pr = [], br = [], rr = [];
	const load0 = cpuTicks();
	for (let i = 0; i < RUNS; i++) {
		await page.bringToFront();
		pr.push(await pageRun());
		await base.bringToFront();
		br.push(await baseRun());
		rr.push(await rawRun());
	}
	out.other_load = otherLoad(load0, cpuTicks());
	await base.close();
	server.close();
	const summary = (runs) => ({
		render_ms: runs.map((r) => round(r.paint - r.answer)),
		median_ms: round(median(runs.map((r) => r.paint - r.answer))),
		script_ms: round(median(runs.map((r) => r.dom - r.answer))),
		frame_ms: round(median(runs.map((r) => r.paint - r.dom))),
		bytes: runs[0].bytes,
	});
	out.page = summary(pr);
	out.page.fetch_ms = round(median(pr.map((r) => r.fetch)));
	out.page.late_names = pr.filter((r) => r.late).length;
	out.document = summary(br);
	out.raw = summary(rr);

	// (b) calls per tick, from a fresh load.
	await page.bringToFront();
	const cdp = await ctx.newCDPSession(page);
	await cdp.send('Performance.enable');
	const metrics = async () => Object.fromEntries((await cdp.send(
	    'Performance.getMetrics')).metrics.map((m) => [m.name, m.value]));
	calls.length = 0;
	const t0 = Date.now();
	await page.reload();
	await page.waitForFunction(() => window.__bench.paint !== null, null,
	    WAIT);
	await sleep(2000);
	const tOpen = Date.now();
	const m0 = await metrics();
	await sleep(IDLE_S * 1000);
	const tIdle = Date.now();
	const m1 = await metrics();

	const pick = (name) => sql(`SELECT id FROM instances WHERE name = ` +
	    `'${name}' AND NOT deleted`);
	const moving = pick(env('WEB_MOVING', 'app-1'));
	await page.evaluate(watchRow, [moving, 'REBOOT']);
	sql(`UPDATE instances SET task_state = 'rebooting', updated_at = now() ` +
	    `WHERE id = '${moving}'`);
	const tBusy = Date.now();
	await page.waitForFunction(() => window.__tick.paint !== null, null,
	    WAIT);
	const tickIn = await page.evaluate(() => window.__tick);
	const tSeen = Date.now();
	await sleep(BUSY_S * 1000);
	await page.evaluate(watchRow, [moving, 'ACTIVE']);
	sql(`UPDATE instances SET task_state = NULL, updated_at = now() ` +
	    `WHERE id = '${moving}'`);
	await page.waitForFunction(() => window.__tick.paint !== null, null,
	    WAIT);
	const tickOut = await page.evaluate(() => window.__tick);
	const tBack = Date.now();

	const gone = pick(env('WEB_DELETED', 'test-1'));
	await page.evaluate(watchRow, [gone, null]);
	const del = await fetch(`${URL_}/api/compute/v2.1/servers/${gone}`,
	    { method: 'DELETE', headers: { 'X-Auth-Token':
	    env('GUREUM_TOKEN') } });
	if (del.status !== 204)
		throw new Error(`DELETE /servers/${gone}: ${del.status}`);
	await page.waitForFunction(() => window.__tick.paint !== null, null,
	    WAIT);
	const tickDel = await page.evaluate(() => window.__tick);
	const left = await page.locator(ROW_SEL).count();
	const tEnd = Date.now();

	const within = (a, b) => calls.filter((c) => c.t >= a && c.t < b);
	const gaps = (l) => l.slice(1).map((c, i) => (c.t - l[i].t) / 1000);
	const ticks = (l) => ({
		calls: l.length,
		paths: [...new Set(l.map((c) => `${c.method} ${c.path
		    .replace(/changes-since=[^&]*/, 'changes-since=T')}`))],
		gaps_s: gaps(l).map((g) => Math.round(g * 10) / 10),
		median_gap_s: round(median(gaps(l)) ?? 0),
		other: l.filter((c) => c.method !== 'GET' ||
		    !/^\/v2\.1\/servers\/detail\?changes-since=/.test(c.path))
		    .map((c) => `${c.method} ${c.path}`),
	});
	const ms = (a, b, k) => round((b[k] - a[k]) * 1000);
	out.open = within(t0, tOpen).map((c) => `${c.method} ${c.path}`);
	out.idle = ticks(within(tOpen, tIdle));
	out.idle.seconds = round((tIdle - tOpen) / 1000);
	out.idle.cpu_ms = { script: ms(m0, m1, 'ScriptDuration'),
	    style: ms(m0, m1, 'RecalcStyleDuration'), layout: ms(m0, m1,
	    'LayoutDuration'), task: ms(m0, m1, 'TaskDuration') };
	out.busy = ticks(within(tSeen, tBack));
	out.busy.seconds = round((tBack - tSeen) / 1000);
	out.after = ticks(within(tBusy, tEnd));
	const tick = (t) => ({ ms: round(t.paint - t.answer), script_ms:
	    round(t.dom - t.answer), url: (t.url || '').replace(/^.*\/api/, '') });
	out.tick_change = tick(tickIn);
	out.tick_back = tick(tickOut);
	out.tick_delete = tick(tickDel);
	out.rows_after_delete = left;
	out.all = within(t0, tEnd).map((c) => `${((c.t - t0) / 1000)
	    .toFixed(1)} ${c.method} ${c.path}`);

	// The Launch panel's calls when it opens.
	const tl = Date.now();
	await page.getByRole('button', { name: 'Launch instance' }).click();
	await sleep(2000);
	out.launch = within(tl, Date.now()).map((c) => `${c.method} ${c.path}`)
	    .filter((c) => !c.startsWith('GET /v2.1/servers/detail'));
	out.problems = problems;
} finally {
	await browser.close();
}
writeFileSync(env('WEB_OUT'), JSON.stringify(out, null, 1) + '\n');
