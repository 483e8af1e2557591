// The portal with a compute node: an instance launched from the Launch
// form turns ACTIVE without a reload, its console log shows the guest's
// ready line, its live console echoes keys typed, and its row's snapshot, reboot, stop and delete work. Run by
// tests/integration/18_web_compute.sh; its environment:
//   GUREUM_WEB_URL      the web listener
//   GUREUM_PROJECT, GUREUM_USER, GUREUM_PASSWORD  a member's login
//   GUREUM_IMAGE_NAME, GUREUM_FLAVOR_NAME  what to launch
//   GUREUM_ARTIFACTS    where screenshots go
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
    env, fillLogin, openBrowser, shooter, watch,
} from './session.mjs';

const URL = env('GUREUM_WEB_URL');
const IMAGE = env('GUREUM_IMAGE_NAME');
const FLAVOR = env('GUREUM_FLAVOR_NAME');
const VM = 'vm-web';
const WAIT = { timeout: 15000 };
const BOOT = { timeout: 90000 };

let browser, page;
const problems = [];

before(async () => {
	browser = await openBrowser();
	page = await browser.newPage();
	await watch(page, problems, { csp: false });
});

after(async () => {
	await browser?.close();
});

const shot = shooter(() => page);
const row = () => page.locator('tr', { has: page.getByRole('cell',
    { name: VM, exact: true }) });

test('a member launches an instance and it turns ACTIVE', async () => {
	await page.goto(URL + '/');
	await fillLogin(page);
	await page.getByRole('button', { name: 'Launch instance' }).click();
	const image = page.getByLabel('Image', { exact: true });
	const opt = image.locator('option', { hasText: IMAGE });
	await opt.waitFor({ ...WAIT, state: 'attached' });
	await image.selectOption({ label: await opt.textContent() });
	const flavor = page.getByLabel('Flavor', { exact: true });
	const fopt = flavor.locator('option', { hasText: FLAVOR + ':' });
	await fopt.waitFor({ ...WAIT, state: 'attached' });
	await flavor.selectOption({ label: await fopt.textContent() });
	await page.evaluate(() => { window.notReloaded = true; });
	await page.getByLabel('Name', { exact: true }).fill(VM);
	await page.getByLabel('Name', { exact: true }).press('Enter');
	await row().waitFor(WAIT);
	await row().locator('.status-active').waitFor(BOOT);
	assert.equal(await page.evaluate(() => window.notReloaded), true);
	await shot('compute-active');
});

test('its console log shows the guest\'s ready line', async () => {
	await row().getByRole('button', { name: `Console ${VM}` }).click();
	const pre = row().locator('pre');
	await pre.filter({ hasText: `gureum-guest ready: ${VM}` })
	    .waitFor(BOOT);
	// Text only, control characters gone.
	assert.doesNotMatch(await pre.textContent(),
	    /[\u0000-\u0008\u000b-\u001f\u007f]/);
	await shot('compute-console');
	await row().getByRole('button', { name: `Hide console ${VM}` })
	    .click();
});

test('its live console takes keys and shows what the guest sends back',
    async () => {
	await row().getByRole('button', { name: `Terminal ${VM}` }).click();
	await row().getByText('Serial console: Connected').waitFor(WAIT);
	const pre = row().getByLabel(`Live console of ${VM}`);
	await pre.focus();
	// The guest's tty echoes what it receives: the keys went through
	// the proxy, the agent and libvirt's stream, and came back.
	await page.keyboard.type('gureum-live-42');
	await pre.filter({ hasText: 'gureum-live-42' }).waitFor(WAIT);
	await shot('compute-live-console');
	await row().getByRole('button', { name: `Hide terminal ${VM}` })
	    .click();
});

test('a snapshot asks a name in the row, a soft reboot keeps it ACTIVE',
    async () => {
	await row().getByRole('button', { name: `Snapshot ${VM}` }).click();
	const name = row().getByLabel('Snapshot name');
	await name.fill(`${VM}-snap`);
	await name.press('Enter');
	await row().getByText(`Snapshot ${VM}-snap requested.`).waitFor(WAIT);
	const snapped = async () => (await (await fetch(URL +
	    '/api/image/v2/images?name=' + encodeURIComponent(`${VM}-snap`),
	    { headers: { 'X-Auth-Token': await page.evaluate(() =>
	    JSON.parse(sessionStorage.getItem('gureum.session')).token) } }))
	    .json()).images.some((i) => i.status === 'active');
	const until = Date.now() + BOOT.timeout;
	while (!await snapped()) {
		assert.ok(Date.now() < until, 'the snapshot image became active');
		await page.waitForTimeout(500);
	}
	await row().locator('.task').waitFor({ ...BOOT, state: 'detached' });
	await row().getByRole('button', { name: `Reboot ${VM}` }).click();
	await row().locator('.task').waitFor({ ...BOOT, state: 'detached' });
	await row().locator('.status-active').waitFor(WAIT);
	assert.equal(await row().getByRole('alert').count(), 0);
	await shot('compute-snapshot-reboot');
});

test('stop turns it SHUTOFF, delete removes it', async () => {
	await row().getByRole('button', { name: `Stop ${VM}` }).click();
	await row().locator('.status-shutoff').waitFor(BOOT);
	assert.equal(await row().getByRole('alert').count(), 0);
	await row().getByRole('button', { name: `Delete ${VM}` }).click();
	await row().getByRole('button', { name: `Yes, delete ${VM}` }).click();
	await row().waitFor({ ...BOOT, state: 'detached' });
	await shot('compute-deleted');
});

test('no console error, page error or dialog', async () => {
	assert.deepEqual(problems, []);
});
