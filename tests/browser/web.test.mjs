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
import { mkdirSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { chromium } from 'playwright-core';

const env = (k) => {
	if (!process.env[k])
		throw new Error(`${k} is not set`);
	return process.env[k];
};
const URL = env('GUREUM_WEB_URL');
const PROJECT = env('GUREUM_PROJECT');
const USER = env('GUREUM_USER');
const PASSWORD = env('GUREUM_PASSWORD');
const SERVER = env('GUREUM_SERVER_NAME');
const IMAGE = env('GUREUM_IMAGE_NAME');
const ART = process.env.GUREUM_ARTIFACTS || 'tests/artifacts';
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; " +
    "img-src 'self' data:; connect-src 'self'; object-src 'none'; " +
    "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";
const EXPIRED = 'Your session expired; log in again.';
const WAIT = { timeout: 15000 };

let browser, page;
const problems = [];	// console errors, page errors, CSP violations
const dialogs = [];

before(async () => {
	mkdirSync(ART, { recursive: true });
	browser = await chromium.launch({ executablePath: '/usr/bin/chromium',
	    headless: true, args: ['--disable-gpu', '--disable-quic',
	    '--no-first-run', '--disable-background-networking',
	    '--disable-component-update', '--disable-sync'] });
	page = await browser.newPage();
	// Chromium logs every 4xx as a console error; a 401 is what a wrong
	// password and a revoked token are meant to get.
	const expected = /^Failed to load resource: .* status of 401 /;
	page.on('console', (m) => {
		if (m.type() === 'error' && !expected.test(m.text()))
			problems.push(`console: ${m.text()}`);
	});
	page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		d.dismiss();
	});
	// Reported to the test through a binding, not a script in the page.
	await page.exposeBinding('reportViolation', (_src, what) =>
	    problems.push(`CSP violation: ${what}`));
	await page.addInitScript(() => document.addEventListener(
	    'securitypolicyviolation', (e) => window.reportViolation(
	    `${e.violatedDirective} ${e.blockedURI}`)));
});

after(async () => {
	await browser?.close();
});

const shot = (name) => page.screenshot({ path: `${ART}/${name}.png`,
    fullPage: true });
const activeId = () => page.evaluate(() => document.activeElement?.id);
const storedToken = () => page.evaluate(() =>
    JSON.parse(sessionStorage.getItem('gureum.session') || 'null')?.token);

async function loginWithMouse(password) {
	await page.getByLabel('Project').fill(PROJECT);
	await page.getByLabel('User name').fill(USER);
	await page.getByLabel('Password').fill(password);
	await page.getByRole('button', { name: 'Log in' }).click();
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
	assert.equal(await storedToken(), undefined);
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
	assert.match(await storedToken(), /^[0-9a-f]{64}$/);
	assert.equal(await page.evaluate(() => document.cookie), '');
	assert.ok(!page.url().includes(await storedToken()));
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
	await shot('instances');
	assert.deepEqual(dialogs, [], 'no dialog opened');
	assert.deepEqual(problems, []);
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
	const token = await storedToken();
	await page.getByRole('button', { name: 'Log out' }).click();
	await page.getByText('You have logged out.').waitFor(WAIT);
	assert.equal(await storedToken(), undefined);
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
	    'X-Subject-Token': await storedToken() } });
	assert.equal(r.status, 204);
	await page.getByText(EXPIRED).waitFor(WAIT);
	await page.getByLabel('Project').waitFor(WAIT);
	assert.equal(await storedToken(), undefined);
	await shot('expired');
});

test('no CSP violation, console error or dialog in the whole run',
    async () => {
	assert.deepEqual(problems, []);
	assert.deepEqual(dialogs, []);
});
