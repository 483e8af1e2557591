// The Capacity page in Chromium: an admin sees the node's card, its vCPU
// bar grows when an instance is launched and shrinks when it is deleted,
// without a reload; the thin disk shows its real bytes; a node whose
// agent stops beating turns down and up again; a member has no link and
// gets a sentence at #/capacity. Run by
// tests/integration/19_web_capacity.sh; its environment:
//   GUREUM_WEB_URL      the web listener
//   GUREUM_ADMIN_PW     the admin's password (project admin)
//   GUREUM_PROJECT, GUREUM_USER, GUREUM_PASSWORD  a member's login
//   GUREUM_NODE, GUREUM_PCPUS  the compute node and its pCPUs
//   GUREUM_COMPUTE_PID  its agent (stopped and continued here)
//   GUREUM_IMAGE_ID, GUREUM_FLAVOR_ID  what to launch (1 vCPU, 1 GiB)
//   GUREUM_ARTIFACTS    where screenshots go
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
    env, fillLogin, openBrowser, shooter, watch,
} from './session.mjs';

const URL = env('GUREUM_WEB_URL');
const NODE = env('GUREUM_NODE');
const PCPUS = Number(env('GUREUM_PCPUS'));
const WAIT = { timeout: 20000 };	// the page polls every 5 s
const BOOT = { timeout: 120000 };

let browser;
const problems = [];	// console errors, page errors, CSP violations

// A page in its own context (its own sessionStorage) that reports
// every problem into problems.
async function newPage() {
	const ctx = await browser.newContext();
	const page = await ctx.newPage();
	await watch(page, problems);
	return page;
}

async function login(page, project, user, password) {
	await page.goto(URL + '/');
	await fillLogin(page, project, user, password);
	await page.getByRole('button', { name: 'Log out' }).waitFor(WAIT);
}

before(async () => {
	browser = await openBrowser();
});

after(async () => {
	await browser?.close();
});

let page;
const card = () => page.locator(`article.node[data-host="${NODE}"]`);
const vcpu = () => card().locator('.gauge-vcpu');
const thin = () => card().locator('.gauge-thin .gauge-text, .thin-none');
const used = async () => Number(await vcpu().getAttribute('data-used'));
const slots = (n) => `${n} of ${PCPUS * 4} vCPU slots used (${PCPUS} ` +
    `pCPU${PCPUS === 1 ? '' : 's'} × 4.0)`;
const shot = shooter(() => page);

async function call(method, path, body) {
	const token = await page.evaluate(() =>
	    JSON.parse(sessionStorage.getItem('gureum.session')).token);
	const resp = await fetch(URL + path, { method, headers: {
	    'X-Auth-Token': token, 'Content-Type': 'application/json' },
	    body: body && JSON.stringify(body) });
	const text = await resp.text();
	return { status: resp.status, doc: text ? JSON.parse(text) : null };
}

// Polls the server until want(status) holds (or it is gone: 404).
async function serverUntil(id, want) {
	const until = Date.now() + BOOT.timeout;
	for (;;) {
		const r = await call('GET', `/api/compute/v2.1/servers/${id}`);
		const status = r.status === 404 ? 'GONE' : r.doc.server.status;
		if (want(status))
			return status;
		assert.ok(Date.now() < until, `server ${id} is still ${status}`);
		await page.waitForTimeout(500);
	}
}

let before0, server;

test('an admin opens Capacity from the navigation and sees the node',
    async () => {
	page = await newPage();
	await login(page, 'admin', 'admin', env('GUREUM_ADMIN_PW'));
	await page.getByRole('link', { name: 'Capacity' }).click();
	await page.getByRole('heading', { name: 'Capacity', level: 1 })
	    .waitFor(WAIT);
	await card().waitFor(WAIT);
	assert.equal(await card().getByRole('heading', { level: 2 })
	    .textContent(), NODE);
	assert.equal(await card().locator('.badge.up').textContent(), 'up');
	assert.equal(await card().locator('.badge.enabled').textContent(),
	    'enabled');
	assert.equal(await card().locator('.hv-type').textContent(),
	    'QEMU (TCG)');
	before0 = await used();
	assert.equal(before0, 0, 'no instance yet');
	assert.equal(await vcpu().getAttribute('data-limit'), String(PCPUS * 4));
	assert.equal(await vcpu().getAttribute('data-physical'), String(PCPUS));
	// Every bar's accessible name is its sentence.
	await card().getByRole('img', { name: slots(0), exact: true })
	    .waitFor(WAIT);
	for (const kind of ['memory', 'disk'])
		assert.match(await card().locator(`.gauge-${kind} svg`)
		    .getAttribute('aria-labelledby'), new RegExp(`-${kind}$`));
	assert.match(await card().locator('.gauge-memory .gauge-text')
	    .textContent(), /^0 of \d+ MiB used by instances \(\d+ MiB − \d+ MiB kept for the host, × 1\.0\)$/);
	assert.match(await card().locator('.gauge-disk .gauge-text')
	    .textContent(), /^0 of \d+ GiB of thin virtual size claimed \(\d+ GiB × 2\.0\), 0 of \d+ GiB thick \(× 1\.0\); \d+ of \d+ GiB really used$/);
	assert.equal(await thin().textContent(), 'No thin disk on this node.');
	assert.equal(await card().locator('.gauge-thin').count(), 0);
	assert.equal(await vcpu().locator('rect.part.used')
	    .getAttribute('width'), '0%');
	await shot('capacity-empty');
});

test('a launch grows the vCPU bar without a reload', async () => {
	await page.evaluate(() => { window.notReloaded = true; });
	const r = await call('POST', '/api/compute/v2.1/servers', { server: {
	    name: 'cap-vm', imageRef: env('GUREUM_IMAGE_ID'),
	    flavorRef: env('GUREUM_FLAVOR_ID') } });
	assert.equal(r.status, 202, JSON.stringify(r.doc));
	server = r.doc.server.id;
	await card().locator(`.gauge-vcpu[data-used="${before0 + 1}"]`)
	    .waitFor(WAIT);
	assert.equal(await vcpu().locator('.gauge-text').textContent(),
	    slots(before0 + 1));
	assert.equal(await vcpu().locator('rect.part.used')
	    .getAttribute('width'), `${100 / (PCPUS * 4)}%`);
	assert.match(await card().locator('.gauge-memory .gauge-text')
	    .textContent(), /^128 of /);
	assert.equal(await page.evaluate(() => window.notReloaded), true);
	await shot('capacity-launched');
});

test('its thin disk shows its real bytes against its virtual size',
    async () => {
	assert.equal(await serverUntil(server, (s) => s !== 'BUILD'), 'ACTIVE');
	await card().locator('.gauge-thin').waitFor(WAIT);
	const text = await thin().textContent();
	assert.match(text,
	    /^1 thin disk: \d+(\.\d)? (KiB|MiB) really written of 1 GiB virtual$/);
	await card().getByRole('img', { name: text, exact: true }).waitFor(WAIT);
	const g = card().locator('.gauge-thin');
	assert.equal(await g.getAttribute('data-limit'), String(1 << 30));
	const written = Number(await g.getAttribute('data-used'));
	assert.ok(written > 0 && written < 1 << 30, `written ${written}`);
	assert.match(await card().locator('.vms').textContent(), /^1 instance$/);
	await shot('capacity-active');
});

test('an admin sees its node on Instances and on Topology', async () => {
	await page.getByRole('link', { name: 'Instances', exact: true }).click();
	const row = page.locator('tr', { has: page.getByRole('cell',
	    { name: 'cap-vm', exact: true }) });
	await row.locator('td.node', { hasText: NODE }).waitFor(WAIT);
	assert.equal(await row.locator('td.node').textContent(), NODE);
	assert.equal(await page.getByRole('columnheader', { name: 'Node' })
	    .count(), 1);
	await shot('instances-admin');
	await page.getByRole('link', { name: 'Topology', exact: true }).click();
	const box = page.locator('[data-kind="instance"]', { hasText: 'cap-vm' });
	await box.waitFor(WAIT);
	assert.match(await box.textContent(), new RegExp(`ACTIVE · ${NODE}`));
	await shot('topology-admin');
	await page.getByRole('link', { name: 'Capacity', exact: true }).click();
	await card().waitFor(WAIT);
	assert.equal(await page.evaluate(() => window.notReloaded), true);
});

test('a delete shrinks it again', async () => {
	const r = await call('DELETE', `/api/compute/v2.1/servers/${server}`);
	assert.equal(r.status, 204);
	await card().locator(`.gauge-vcpu[data-used="${before0}"]`)
	    .waitFor(BOOT);
	assert.equal(await vcpu().locator('.gauge-text').textContent(),
	    slots(before0));
	await serverUntil(server, (s) => s === 'GONE');
	await card().locator('.thin-none').waitFor(WAIT);
	assert.equal(await page.evaluate(() => window.notReloaded), true);
	await shot('capacity-deleted');
});

test('a node whose agent stops beating shows down, then up', async () => {
	const pid = Number(env('GUREUM_COMPUTE_PID'));
	process.kill(pid, 'SIGSTOP');
	try {
		await card().locator('.badge.down').waitFor(WAIT);
		await shot('capacity-down');
	} finally {
		process.kill(pid, 'SIGCONT');
	}
	await card().locator('.badge.up').waitFor(WAIT);
});

test('a member has no Capacity link; #/capacity says why', async () => {
	const member = await newPage();
	page = member;
	await login(page, env('GUREUM_PROJECT'), env('GUREUM_USER'),
	    env('GUREUM_PASSWORD'));
	await page.getByRole('link', { name: 'Instances' }).waitFor(WAIT);
	assert.equal(await page.getByRole('link', { name: 'Capacity' })
	    .count(), 0);
	await page.goto(URL + '/#/capacity');
	await page.getByText('The Capacity page is for administrators')
	    .waitFor(WAIT);
	assert.equal(await page.locator('article.node').count(), 0);
	await shot('capacity-member');
});

test('no console error, page error, dialog or CSP violation', () => {
	assert.deepEqual(problems, []);
});
