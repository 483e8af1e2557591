// The instances page with many servers, in Debian's Chromium:
// tests/integration/19_web_many.sh makes them (tests/lib/many.sh) and
// runs this with node --test. What it checks is the page's calls, not
// its speed (bench/web.sh times it). Environment:
//   GUREUM_WEB_URL      the web listener
//   GUREUM_PROJECT, GUREUM_USER, GUREUM_PASSWORD  the member's login
//   GUREUM_TOKEN        the member's token (to delete a server)
//   GUREUM_ROWS         how many servers the project has
//   GUREUM_DELETE_ID    one of them, deleted through the API here
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { launchChromium } from './chromium.mjs';
import { env, fillLogin, watch } from './session.mjs';

const URL_ = env('GUREUM_WEB_URL');
const ROWS = Number(env('GUREUM_ROWS'));
const GONE = env('GUREUM_DELETE_ID');
const WAIT = { timeout: 20000 };
const ROW = 'table.instances > tbody > tr';
const LIST = '/api/compute/v2.1/servers/detail';

let browser, page;
const calls = [];	// every request under /api/: "METHOD path?query"
const problems = [];

before(async () => {
	browser = await launchChromium();
	page = await browser.newPage();
	await watch(page, problems, { csp: false });
	page.on('request', (r) => {
		const u = new URL(r.url());
		if (u.pathname.startsWith('/api/'))
			calls.push(`${r.method()} ${u.pathname}${u.search}`);
	});
});

after(async () => {
	await browser?.close();
});

// Waits until calls has more than n entries; returns the new ones.
async function nextCalls(n, ms) {
	const end = Date.now() + ms;
	while (calls.length <= n && Date.now() < end)
		await new Promise((r) => setTimeout(r, 50));
	return calls.slice(n);
}

test(`the member logs in and the page shows all ${ROWS} rows`, async () => {
	await page.goto(URL_ + '/#/instances');
	await fillLogin(page);
	await page.locator(ROW).nth(ROWS - 1).waitFor(WAIT);
	assert.equal(await page.locator(ROW).count(), ROWS);
	// Every column has its content: an address, a flavor and an image
	// name (not an id), and the actions.
	const cell = page.getByRole('cell', { name: 'db-1', exact: true });
	const row = page.locator('tr', { has: cell });
	await row.getByText('debian-12-genericcloud').waitFor(WAIT);
	const text = await row.textContent();
	assert.match(text, /private 10\.0\.\d+\.\d+/);
	assert.match(text, /storage 10\.1\.\d+\.\d+/);
	assert.match(text, /m1\.large/);
	assert.match(text, /ACTIVE/);
	assert.equal(await row.getByRole('button').count() >= 3, true);
});

test('the opening asked for the list once, and the names once', () => {
	// The ticks since (changes-since) are the next test's.
	const opening = calls.filter((c) => !c.includes('changes-since='));
	const tokens = opening.filter((c) => c.includes('/auth/tokens'));
	const rest = opening.filter((c) => !c.includes('/auth/tokens')).sort();
	assert.equal(tokens.length, 1, 'one login');
	assert.deepEqual(rest, ['GET /api/compute/v2.1/flavors',
	    `GET ${LIST}`, 'GET /api/image/v2/images']);
});

test('the next tick is one call, the list with changes-since', async () => {
	const n = calls.length;
	const got = await nextCalls(n, 8000);
	assert.equal(got.length, 1, `calls: ${got.join(', ')}`);
	assert.match(got[0], new RegExp(`^GET ${LIST}\\?changes-since=`));
	// The tick waits for its answer: nothing more within a second.
	const more = await nextCalls(n + 1, 1000);
	assert.deepEqual(more, []);
	assert.equal(await page.locator(ROW).count(), ROWS);
});

test('a server deleted through the API leaves the table in one tick',
    async () => {
	const r = await fetch(`${URL_}/api/compute/v2.1/servers/${GONE}`,
	    { method: 'DELETE', headers: { 'X-Auth-Token': env('GUREUM_TOKEN') } });
	assert.equal(r.status, 204);
	const n = calls.length;
	await page.locator(`tr[data-id="${GONE}"]`).waitFor({ state: 'detached',
	    timeout: 8000 });
	const got = calls.slice(n);
	assert.equal(got.length, 1, `calls: ${got.join(', ')}`);
	assert.match(got[0], new RegExp(`^GET ${LIST}\\?changes-since=`));
	assert.equal(await page.locator(ROW).count(), ROWS - 1);
});

test('no console error, page error or failed call', () => {
	assert.deepEqual(problems, []);
});
