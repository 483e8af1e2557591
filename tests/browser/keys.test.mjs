// The Key pairs page in Debian's Chromium, driven by playwright-core.
// Run by tests/integration/19_web_keys.sh; its environment:
//   GUREUM_WEB_URL      the web listener
//   GUREUM_PROJECT, GUREUM_USER, GUREUM_PASSWORD  a member's login
//   GUREUM_ODD_NAME     a key pair the member has (an odd, allowed name)
//   GUREUM_PUBLIC_KEY   an ed25519 public key line (ssh-keygen's .pub)
//   GUREUM_PUBLIC_FP    its MD5 fingerprint as ssh-keygen prints it
//   GUREUM_ARTIFACTS    where screenshots go
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
    env, fillLogin, openBrowser, shooter, storedToken, watch,
} from './session.mjs';

const URL = env('GUREUM_WEB_URL');
const ODD = env('GUREUM_ODD_NAME');
const PUBLIC_KEY = env('GUREUM_PUBLIC_KEY');
const PUBLIC_FP = env('GUREUM_PUBLIC_FP');
const WAIT = { timeout: 15000 };
const HOSTILE = '<img src=x onerror=alert(1)>';

let browser, page;
const problems = [];	// console errors, page errors, CSP violations
const dialogs = [];

// Chromium logs every 4xx as a console error: the 400s are the bad
// public key's and the hostile name's, the 409 the duplicate's.
const EXPECTED = /^Failed to load resource: .* status of 4(00|09) /;


before(async () => {
	browser = await openBrowser();
	page = await browser.newPage({ acceptDownloads: true });
	await watch(page, problems, { expected: EXPECTED, dialogs });
});

after(async () => {
	await browser?.close();
});

const shot = shooter(() => page, 'keys-');
const activeText = () => page.evaluate(() => document.activeElement?.id ||
    document.activeElement?.textContent.trim());
const pageToken = () => storedToken(page);
// The member's own call through the web listener: [status, body].
const memberCall = async (method, path) => {
	const r = await fetch(URL + '/api/compute/v2.1' + path, { method,
	    headers: { 'X-Auth-Token': await pageToken() } });
	const text = await r.text();
	return [r.status, text ? JSON.parse(text) : null];
};
const apiNames = async () => (await memberCall('GET', '/os-keypairs'))[1]
    .keypairs.map((k) => k.keypair.name);
const apiKeypair = async (name) => (await memberCall('GET',
    `/os-keypairs/${encodeURIComponent(name)}`))[1].keypair;
const cell = (name) => page.getByRole('cell', { name, exact: true });
const row = (name) => page.locator('tr', { has: cell(name) });
const form = () => page.locator('form.keypair');
const formAlert = () => form().getByRole('alert');

// Opens the form in MODE by its button, fills the name (and key), submits.
async function submitForm(mode, name, key) {
	const verb = mode === 'import' ? 'Import' : 'Create';
	await page.getByRole('button', { name: `${verb} key pair` }).click();
	await page.locator('#kp-name:focus').waitFor(WAIT);
	await page.getByLabel('Key pair name').fill(name);
	if (key !== undefined)
		await page.getByLabel('Public key').fill(key);
	await form().getByRole('button', { name: `${verb} key pair` }).click();
}

test('the Key pairs page, after Images, lists the member\'s key pairs',
    async () => {
	await page.goto(URL + '/');
	await fillLogin(page);
	await page.getByRole('heading', { name: 'Instances' }).waitFor(WAIT);
	const links = await page.getByRole('navigation', { name: 'Pages' })
	    .getByRole('link').allTextContents();
	assert.equal(links[links.indexOf('Images') + 1], 'Key pairs');
	await page.getByRole('link', { name: 'Key pairs' }).click();
	await page.getByRole('heading', { name: 'Key pairs' }).waitFor(WAIT);
	assert.ok(page.url().endsWith('#/keypairs'));
	await cell(ODD).waitFor(WAIT);
	assert.equal(await cell(ODD).textContent(), ODD, 'the name as text');
	const kp = await apiKeypair(ODD);
	assert.equal(await row(ODD).locator('td.fingerprint').textContent(),
	    kp.fingerprint);
	assert.equal(await row(ODD).locator('td').nth(1).textContent(), 'RSA');
	assert.equal(await page.locator('tbody tr').count(), 1);
	await shot('list');
	assert.deepEqual(problems, []);
});

test('the create form is reached and sent by the keyboard only',
    async () => {
	await page.locator('#keypairs-title').click();
	let reached = false;
	for (let i = 0; i < 20 && !reached; i++) {
		await page.keyboard.press('Tab');
		reached = await activeText() === 'Create key pair';
	}
	assert.ok(reached, 'Tab reaches Create key pair');
	await page.keyboard.press('Enter');
	await page.locator('#kp-name:focus').waitFor(WAIT);
	await page.keyboard.type('web-made');
	await page.keyboard.press('Enter');
	const box = page.getByLabel('Private key of web-made');
	await box.waitFor(WAIT);
	assert.equal(await form().count(), 0, 'the form closed');
	const text = await box.inputValue();
	assert.match(text, /^-----BEGIN [A-Z ]*PRIVATE KEY-----\n/);
	assert.match(text, /-----END [A-Z ]*PRIVATE KEY-----\n?$/);
	assert.equal(await box.evaluate((e) => e.readOnly), true);
	assert.equal(await activeText(), 'pk-text', 'the box has the focus');
	assert.match(await page.locator('.private-key').textContent(),
	    /will not be shown again/);
	await cell('web-made').waitFor(WAIT);
	const kp = await apiKeypair('web-made');
	assert.equal(await row('web-made').locator('td.fingerprint')
	    .textContent(), kp.fingerprint);
	assert.equal(kp.private_key, undefined);
	await shot('created');
	assert.deepEqual(problems, []);
});

test('the private key downloads from its Blob URL under the CSP',
    async () => {
	const text = await page.getByLabel('Private key of web-made')
	    .inputValue();
	const link = page.getByRole('link', { name: 'Download web-made.pem' });
	assert.match(await link.getAttribute('href'), /^blob:/);
	const [dl] = await Promise.all([page.waitForEvent('download', WAIT),
	    link.click()]);
	assert.equal(dl.suggestedFilename(), 'web-made.pem');
	assert.equal(await dl.failure(), null);
	assert.equal(readFileSync(await dl.path(), 'utf8'), text);
	assert.deepEqual(problems, [], 'no CSP violation');
});

test('the private key is shown only once', async () => {
	await page.getByRole('button', { name: 'I have saved it' }).click();
	assert.equal(await page.locator('.private-key').count(), 0);
	await page.getByRole('link', { name: 'Images' }).click();
	await page.getByRole('heading', { name: 'Images' }).waitFor(WAIT);
	await page.getByRole('link', { name: 'Key pairs' }).click();
	await cell('web-made').waitFor(WAIT);
	assert.equal(await page.locator('.private-key').count(), 0);
	assert.equal(await page.getByText('-----BEGIN').count(), 0);
});

test('a real ed25519 public key is imported with its fingerprint',
    async () => {
	await submitForm('import', 'web-imported', PUBLIC_KEY + '\n');
	await cell('web-imported').waitFor(WAIT);
	assert.equal(await form().count(), 0, 'the form closed');
	assert.equal(await page.locator('.private-key').count(), 0,
	    'no private key for an imported one');
	const kp = await apiKeypair('web-imported');
	assert.equal(kp.fingerprint, PUBLIC_FP, 'the API\'s is ssh-keygen\'s');
	const r = row('web-imported');
	assert.equal(await r.locator('td.fingerprint').textContent(),
	    PUBLIC_FP);
	assert.equal(await r.locator('td').nth(1).textContent(), 'Ed25519');
	assert.deepEqual(problems, []);
});

test('a row\'s details show when it was made and its public key',
    async () => {
	await page.getByRole('button', { name: 'Details of web-imported' })
	    .click();
	const pub = page.getByLabel('Public key of web-imported');
	await pub.waitFor(WAIT);
	assert.equal(await pub.inputValue(), PUBLIC_KEY.trim());
	const kp = await apiKeypair('web-imported');
	const created = row('web-imported').locator('dl dd').first();
	assert.equal(await created.textContent(),
	    await page.evaluate((t) => new Date(t).toLocaleString(),
	    kp.created_at));
	await shot('details');
	await page.getByRole('button', { name: 'Hide details of web-imported' })
	    .click();
	assert.equal(await pub.count(), 0);
});

test('a bad public key is refused at the form, making nothing',
    async () => {
	await submitForm('import', 'web-bad', 'ssh-ed25519 AAAAnotakey');
	await formAlert().waitFor(WAIT);
	assert.match(await formAlert().textContent(),
	    /^Keypair data is invalid: .* The public key must be one OpenSSH /);
	assert.equal(await page.getByLabel('Key pair name').inputValue(),
	    'web-bad', 'the form keeps what was typed');
	assert.equal((await memberCall('GET', '/os-keypairs/web-bad'))[0], 404);
	assert.equal(await cell('web-bad').count(), 0);
	await shot('bad-key');
	await form().getByRole('button', { name: 'Cancel' }).click();
	assert.equal(await form().count(), 0);
});

test('a duplicate name is refused at the form, changing nothing',
    async () => {
	const before = await apiKeypair('web-made');
	await submitForm('create', 'web-made');
	await formAlert().waitFor(WAIT);
	assert.equal(await formAlert().textContent(),
	    'Key pair \'web-made\' already exists.');
	assert.equal(await page.locator('.private-key').count(), 0);
	assert.deepEqual(await apiKeypair('web-made'), before);
	assert.deepEqual(await apiNames(), [ODD, 'web-imported', 'web-made']);
	await form().getByRole('button', { name: 'Cancel' }).click();
});

test('a name with markup is refused with its sentence, shown as text',
    async () => {
	await submitForm('create', HOSTILE);
	await formAlert().waitFor(WAIT);
	const said = await formAlert().textContent();
	assert.ok(said.startsWith(`Keypair name '${HOSTILE}' is not allowed:`),
	    said);
	assert.equal(await page.locator('img').count(), 0, 'no element made');
	assert.deepEqual(await apiNames(), [ODD, 'web-imported', 'web-made']);
	await shot('hostile-name');
	await form().getByRole('button', { name: 'Cancel' }).click();
	assert.deepEqual(dialogs, [], 'no dialog opened');
	assert.deepEqual(problems, []);
});

test('a delete is asked in the row, and removes the key pair', async () => {
	await page.getByRole('button', { name: `Delete ${ODD}` }).click();
	const ask = page.getByRole('group', { name: `Confirm delete ${ODD}` });
	await ask.waitFor(WAIT);
	assert.equal(await ask.textContent().then((t) => t.includes(
	    `Delete ${ODD}?`)), true);
	await shot('delete-confirm');
	await ask.getByRole('button', { name: 'Cancel' }).click();
	assert.equal(await ask.count(), 0);
	assert.ok((await apiNames()).includes(ODD), 'Cancel deletes nothing');
	await page.getByRole('button', { name: `Delete ${ODD}` }).click();
	await page.getByRole('button', { name: `Yes, delete ${ODD}` }).click();
	await cell(ODD).waitFor({ ...WAIT, state: 'detached' });
	assert.equal((await memberCall('GET',
	    `/os-keypairs/${encodeURIComponent(ODD)}`))[0], 404);
	assert.deepEqual(await apiNames(), ['web-imported', 'web-made']);
	await shot('deleted');
	assert.deepEqual(dialogs, []);
	assert.deepEqual(problems, []);
});
