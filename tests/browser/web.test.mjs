// The web portal in Debian's Chromium, driven by playwright-core (no
// browser download). tests/integration/17_web.sh starts the cloud and
// runs this with node --test; its environment:
//   GUREUM_WEB_URL      the web listener, "http://127.0.0.1:PORT"
//   GUREUM_ID_URL       the identity listener (to revoke a token)
//   GUREUM_ADMIN_TOKEN  an admin token
//   GUREUM_PROJECT, GUREUM_USER, GUREUM_PASSWORD  a member's login
//   GUREUM_SERVER_NAME  a server of that project, made through the API
//   GUREUM_IMAGE_NAME   its image's name
//   GUREUM_ARTIFACTS    where screenshots go
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
    env, fillLogin, openBrowser, shooter, storedToken, watch,
} from './session.mjs';

const URL = env('GUREUM_WEB_URL');
const PROJECT = env('GUREUM_PROJECT');
const USER = env('GUREUM_USER');
const PASSWORD = env('GUREUM_PASSWORD');
const SERVER = env('GUREUM_SERVER_NAME');
const IMAGE = env('GUREUM_IMAGE_NAME');
const CSP = env('GUREUM_CSP');	// with the console proxy's origin
const EXPIRED = 'Your session expired; log in again.';
const WAIT = { timeout: 15000 };

let browser, page;
const problems = [];	// console errors, page errors, CSP violations
const dialogs = [];

before(async () => {
	browser = await openBrowser();
	page = await browser.newPage();
	// Chromium logs every 4xx as a console error; a 401 is what a wrong
	// password and a revoked token are meant to get, a 403 what a launch
	// past the quota gets, a 409 the console of a server on no node.
	await watch(page, problems, { dialogs,
	    expected: /^Failed to load resource: .* status of 40[139] / });
});

after(async () => {
	await browser?.close();
});

const shot = shooter(() => page);
const activeId = () => page.evaluate(() => document.activeElement?.id);
const pageToken = () => storedToken(page);

async function loginWithMouse(password) {
	await fillLogin(page, PROJECT, USER, password);
}

test('the page loads with its CSP and no console error', async () => {
	const resp = await page.goto(URL + '/');
	assert.equal(resp.status(), 200);
	const h = resp.headers();
	assert.equal(h['content-security-policy'], CSP);
	assert.equal(h['x-content-type-options'], 'nosniff');
	assert.equal(h['referrer-policy'], 'no-referrer');
	assert.equal(h['access-control-allow-origin'], undefined);
	await page.getByLabel('Project').waitFor(WAIT);
	await shot('login');
	assert.deepEqual(problems, []);
});

test('a wrong password shows a sentence at the form', async () => {
	await loginWithMouse('not-' + PASSWORD);
	const alert = page.getByRole('alert');
	await alert.waitFor(WAIT);
	assert.match(await alert.textContent(),
	    /^The project, user name or password is not right/);
	assert.equal(await pageToken(), undefined);
	await shot('login-wrong-password');
});

test('a member logs in with the keyboard only', async () => {
	await page.reload();
	await page.getByLabel('Project').waitFor(WAIT);
	assert.equal(await activeId(), 'login-project', 'Project has focus');
	await page.keyboard.type(PROJECT);
	await page.keyboard.press('Tab');
	assert.equal(await activeId(), 'login-user');
	await page.keyboard.type(USER);
	await page.keyboard.press('Tab');
	assert.equal(await activeId(), 'login-password');
	await page.keyboard.type(PASSWORD);
	await page.keyboard.press('Enter');
	await page.getByRole('heading', { name: 'Instances' }).waitFor(WAIT);
	assert.match(await pageToken(), /^[0-9a-f]{64}$/);
	assert.equal(await page.evaluate(() => document.cookie), '');
	assert.ok(!page.url().includes(await pageToken()));
});

test('the instances page shows a server\'s name as text only', async () => {
	const cell = page.getByRole('cell', { name: SERVER, exact: true });
	await cell.waitFor(WAIT);
	assert.equal(await cell.textContent(), SERVER);
	assert.equal(await page.locator('table img').count(), 0);
	const row = page.locator('tr', { has: cell });
	assert.match(await row.textContent(), /ERROR|BUILD|ACTIVE/);
	// Its image by name: the image API through /api/image.
	await row.getByRole('cell', { name: IMAGE, exact: true }).waitFor(WAIT);
	assert.equal(await page.getByRole('columnheader', { name: 'Node' })
	    .count(), 0, 'a member has no Node column');
	await shot('instances');
	assert.deepEqual(dialogs, [], 'no dialog opened');
	assert.deepEqual(problems, []);
});

// The admin's calls that set the scene, through the web listener.
async function adminCall(method, path, body, type) {
	const r = await fetch(URL + path, { method, headers: {
	    'X-Auth-Token': env('GUREUM_ADMIN_TOKEN'),
	    'Content-Type': type || 'application/json' },
	    body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await r.text();
	assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
	return text ? JSON.parse(text) : null;
}
const memberCall = async (path) => (await fetch(URL + path, { headers: {
    'X-Auth-Token': await pageToken() } })).json();
const launchForm = () => page.locator('form.launch');
const optionTexts = (label) => page.getByLabel(label, { exact: true })
    .locator('option').allTextContents();
let projectId;

test('the Launch form is filled from the APIs', async () => {
	// A flavor with too little RAM for the image once its min_ram is 64,
	// and a shared network the member may use.
	await adminCall('POST', '/api/compute/v2.1/flavors', { flavor: {
	    name: 'web.small', ram: 32, vcpus: 1, disk: 1 } });
	// A big one listed first (flavors come in the order of their ids):
	// the form still picks the smallest that fits.
	await adminCall('POST', '/api/compute/v2.1/flavors', { flavor: {
	    id: '0-web-big', name: 'web.big', ram: 256, vcpus: 2, disk: 2 } });
	const imgs = await adminCall('GET', '/api/image/v2/images');
	const img = imgs.images.find((i) => i.name === IMAGE);
	await adminCall('PATCH', `/api/image/v2/images/${img.id}`,
	    [{ op: 'add', path: '/min_ram', value: 64 }],
	    'application/openstack-images-v2.1-json-patch');
	await adminCall('POST', '/api/network/v2.0/networks', { network: {
	    name: 'web-shared', shared: true } });
	const ps = await adminCall('GET', '/api/identity/v3/projects?name=' +
	    encodeURIComponent(PROJECT));
	projectId = ps.projects[0].id;

	await page.getByRole('button', { name: 'Launch instance' }).click();
	await launchForm().waitFor(WAIT);
	await page.locator('#launch-name:focus').waitFor(WAIT);
	const imageSel = page.getByLabel('Image', { exact: true });
	await imageSel.locator('option', { hasText: IMAGE }).waitFor(
	    { ...WAIT, state: 'attached' });
	await imageSel.selectOption({ label: await imageSel.locator('option',
	    { hasText: IMAGE }).textContent() });
	const flavor = page.getByLabel('Flavor', { exact: true });
	await flavor.locator('option', { hasText: 'unavailable: needs 64 MiB' })
	    .waitFor({ ...WAIT, state: 'attached' });
	const images = await optionTexts('Image');
	assert.ok(images.some((t) => t.startsWith(IMAGE + ' · ') &&
	    / MiB$/.test(t)), `image options: ${images}`);
	const small = flavor.locator('option', { hasText: 'web.small' });
	assert.equal(await small.textContent(), 'web.small: 1 vCPU, 32 MiB ' +
	    'RAM, 1 GiB disk (unavailable: needs 64 MiB RAM for this image)');
	assert.equal(await small.isDisabled(), true);
	const tiny = flavor.locator('option', { hasText: 'web.tiny' });
	assert.equal(await tiny.isDisabled(), false);
	const picked = await flavor.locator('option:checked').textContent();
	assert.match(picked, /^(w1|web\.tiny): 1 vCPU, 64 MiB RAM, 1 GiB disk$/,
	    'the smallest flavor that fits is chosen');
	assert.equal((await optionTexts('Flavor'))[0],
	    'web.big: 2 vCPU, 256 MiB RAM, 2 GiB disk');
	await page.getByLabel('Network').locator('option',
	    { hasText: 'web-shared (shared)' }).waitFor(
	    { ...WAIT, state: 'attached' });
	assert.equal((await optionTexts('Network'))[0], 'default / auto');
	assert.deepEqual(await optionTexts('Key pair'), ['none']);
	// Every field in order from the keyboard.
	await page.getByLabel('Name', { exact: true }).focus();
	const order = [];
	for (let i = 0; i < 9; i++) {
		await page.keyboard.press('Tab');
		order.push(await page.evaluate(() => document.activeElement.id ||
		    document.activeElement.textContent));
	}
	assert.deepEqual(order, ['launch-image', 'launch-flavor',
	    'launch-network', 'launch-key', 'Create key pair',
	    'Import key pair', 'launch-userdata', 'launch-count', 'Launch']);
	await shot('launch-form');
});

test('a key pair is created in place and its private key shown once',
    async () => {
	await page.getByRole('button', { name: 'Create key pair' }).click();
	await page.locator('#kp-name:focus').waitFor(WAIT);
	await page.keyboard.type('webkey');
	await page.keyboard.press('Enter');
	const pre = page.locator('.private-key pre');
	await pre.waitFor(WAIT);
	assert.match(await pre.textContent(), /PRIVATE KEY-----/);
	assert.equal(await page.getByLabel('Key pair').inputValue(), 'webkey');
	await shot('launch-keypair');
});

test('a public key is imported in place', async () => {
	const kp = await memberCall('/api/compute/v2.1/os-keypairs/webkey');
	await page.getByRole('button', { name: 'Import key pair' }).click();
	await page.locator('#kp-name:focus').waitFor(WAIT);
	await page.keyboard.type('webkey-imported');
	await page.getByLabel('Public key').fill(kp.keypair.public_key);
	await page.getByRole('button', { name: 'Import key pair' }).last()
	    .click();
	await page.locator('form.keypair').waitFor({ ...WAIT,
	    state: 'detached' });
	assert.equal(await page.getByLabel('Key pair').inputValue(),
	    'webkey-imported');
	assert.deepEqual(await optionTexts('Key pair'),
	    ['none', 'webkey', 'webkey-imported']);
	assert.equal(await page.locator('.private-key').count(), 0,
	    'no private key for an imported one');
	await page.getByLabel('Key pair').selectOption('webkey');
});

test('a launch appears in the list at once, without a reload', async () => {
	await page.evaluate(() => { window.notReloaded = true; });
	await page.getByLabel('Flavor', { exact: true }).selectOption(
	    { label: 'web.tiny: 1 vCPU, 64 MiB RAM, 1 GiB disk' });
	await page.getByLabel('User data (optional)').fill('#!/bin/sh\necho 구름\n');
	await page.getByLabel('Name', { exact: true }).focus();
	await page.keyboard.type('web-launched');
	await page.keyboard.press('Enter');
	const cell = page.getByRole('cell', { name: 'web-launched',
	    exact: true });
	await cell.waitFor(WAIT);
	const row = page.locator('tr', { has: cell });
	assert.match(await row.textContent(), /BUILD|ERROR|ACTIVE/);
	assert.equal(await page.evaluate(() => window.notReloaded), true);
	const id = await row.getAttribute('data-id');
	const doc = await memberCall(`/api/compute/v2.1/servers/${id}`);
	assert.equal(doc.server.key_name, 'webkey');
	assert.equal(await page.getByLabel('Name', { exact: true })
	    .inputValue(), '', 'the form is ready for the next one');
	await shot('launched');
});

test('a row\'s delete is confirmed in the page and the row goes',
    async () => {
	const cell = page.getByRole('cell', { name: 'web-launched',
	    exact: true });
	await page.getByRole('button', { name: 'Delete web-launched' }).click();
	const yes = page.getByRole('button', { name: 'Yes, delete web-launched' });
	await yes.waitFor(WAIT);
	await shot('delete-confirm');
	await yes.click();
	await cell.waitFor({ ...WAIT, state: 'detached' });
	assert.deepEqual(dialogs, [], 'no window.confirm');
});

test('a count of 2 makes NAME-1 and NAME-2, both listed at once',
    async () => {
	await page.getByLabel('Count').fill('2');
	await page.getByLabel('Name', { exact: true }).fill('pair');
	await page.getByLabel('Name', { exact: true }).press('Enter');
	for (const n of ['pair-1', 'pair-2'])
		await page.getByRole('cell', { name: n, exact: true })
		    .waitFor(WAIT);
	await shot('launched-pair');
	for (const n of ['pair-1', 'pair-2']) {
		await page.getByRole('button', { name: `Delete ${n}` }).click();
		await page.getByRole('button', { name: `Yes, delete ${n}` })
		    .click();
		await page.getByRole('cell', { name: n, exact: true })
		    .waitFor({ ...WAIT, state: 'detached' });
	}
	assert.equal(await page.getByLabel('Count').inputValue(), '1');
});

test('a launch past the quota shows the fault\'s sentence at the form',
    async () => {
	// No room for one more: the limit is what the project uses.
	const used = (await memberCall('/api/compute/v2.1/servers'))
	    .servers.length;
	await adminCall('PUT', `/api/compute/v2.1/os-quota-sets/${projectId}`,
	    { quota_set: { instances: used } });
	try {
		await page.getByLabel('Name', { exact: true }).fill('over');
		await page.getByLabel('Name', { exact: true }).press('Enter');
		const alert = launchForm().getByRole('alert');
		await alert.waitFor(WAIT);
		const text = await alert.textContent();
		assert.match(text, /^Quota exceeded for instances/);
		assert.ok(!text.includes('{'), 'a sentence, not JSON');
		await shot('launch-quota');
		assert.equal(await page.getByRole('cell', { name: 'over',
		    exact: true }).count(), 0);
	} finally {
		await adminCall('DELETE',
		    `/api/compute/v2.1/os-quota-sets/${projectId}`);
	}
});

test('a server in ERROR shows its fault, an action\'s fault its row\'s',
    async () => {
	// 17_web has no compute node: the server made through the API ends
	// in ERROR, and its console cannot be read.
	const row = page.locator('tr', { has: page.getByRole('cell',
	    { name: SERVER, exact: true }) });
	const fault = row.locator('p.fault');
	await fault.waitFor(WAIT);
	assert.match(await fault.textContent(), /^No valid host was found/);
	await row.getByRole('button', { name: `Console ${SERVER}` }).click();
	const alert = row.getByRole('alert');
	await alert.waitFor(WAIT);
	assert.match(await alert.textContent(), /is not on a node yet\.$/);
	assert.equal(await row.locator('pre').count(), 0);
	await shot('action-fault');
	await row.getByRole('button', { name: `Hide console ${SERVER}` })
	    .click();
	await alert.waitFor({ ...WAIT, state: 'detached' });
});

test('a session near its expiry says when it ends', async () => {
	// As if the token had two minutes left: the page reads expires_at
	// from what it stored at login.
	await page.evaluate(() => {
		const s = JSON.parse(sessionStorage.getItem('gureum.session'));
		s.expiresAt = new Date(Date.now() + 120000).toISOString();
		sessionStorage.setItem('gureum.session', JSON.stringify(s));
	});
	await page.reload();
	const warn = page.getByText(/^Your session ends at /);
	await warn.waitFor(WAIT);
	await page.getByRole('cell', { name: SERVER, exact: true }).waitFor(WAIT);
	await shot('expiry-warning');
});

test('logout revokes the token and returns to login', async () => {
	const token = await pageToken();
	await page.getByRole('button', { name: 'Log out' }).click();
	await page.getByText('You have logged out.').waitFor(WAIT);
	assert.equal(await pageToken(), undefined);
	const r = await fetch(env('GUREUM_ID_URL') + '/v3/auth/tokens', {
	    headers: { 'X-Auth-Token': env('GUREUM_ADMIN_TOKEN'),
	    'X-Subject-Token': token } });
	assert.equal(r.status, 404, 'the token is no longer valid');
});

test('a revoked token sends the user back to login', async () => {
	await loginWithMouse(PASSWORD);
	await page.getByRole('heading', { name: 'Instances' }).waitFor(WAIT);
	const r = await fetch(env('GUREUM_ID_URL') + '/v3/auth/tokens', {
	    method: 'DELETE', headers: {
	    'X-Auth-Token': env('GUREUM_ADMIN_TOKEN'),
	    'X-Subject-Token': await pageToken() } });
	assert.equal(r.status, 204);
	await page.getByText(EXPIRED).waitFor(WAIT);
	await page.getByLabel('Project').waitFor(WAIT);
	assert.equal(await pageToken(), undefined);
	await shot('expired');
});

test('no CSP violation, console error or dialog in the whole run',
    async () => {
	assert.deepEqual(problems, []);
	assert.deepEqual(dialogs, []);
});
