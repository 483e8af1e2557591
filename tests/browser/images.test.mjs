// The images page in Debian's Chromium, driven by playwright-core. Run
// by tests/integration/19_web_images.sh; its environment:
//   GUREUM_WEB_URL      the web listener
//   GUREUM_ADMIN_TOKEN  an admin token; GUREUM_ADMIN_PASSWORD its password
//   GUREUM_PROJECT, GUREUM_USER, GUREUM_PASSWORD  a member's login
//   GUREUM_PUBLIC_IMAGE another project's public image (a hostile name)
//   GUREUM_HIDDEN_IMAGE another project's image, not public (shared)
//   GUREUM_FILES        a directory with small.qcow2 (its MD5 in
//                       small.qcow2.md5), notqcow.qcow2 (not qcow2),
//                       big.raw (48 MiB) and toolarge.raw (past the quota)
//   GUREUM_ARTIFACTS    where screenshots go
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import {
    env, fillLogin, openBrowser, shooter, storedToken, watch,
} from './session.mjs';

const URL = env('GUREUM_WEB_URL');
const PUBLIC = env('GUREUM_PUBLIC_IMAGE');
const HIDDEN = env('GUREUM_HIDDEN_IMAGE');
const FILES = env('GUREUM_FILES');
const WAIT = { timeout: 15000 };
const MIB = 1024 * 1024;

let browser, page;
const problems = [];	// console errors, page errors, CSP violations
const dialogs = [];

// Chromium logs every 4xx as a console error: a 400 is the bad qcow2's,
// a 403 the protected image's delete, a 413 the upload past the quota.
const EXPECTED = /^Failed to load resource: .* status of 4(00|03|13) /;

const watchPage = (p) => watch(p, problems, { expected: EXPECTED,
    dialogs });

before(async () => {
	browser = await openBrowser();
	page = await browser.newPage();
	await watchPage(page);
});

after(async () => {
	await browser?.close();
});

const shot = shooter(() => page, 'images-');
const activeId = () => page.evaluate(() => document.activeElement?.id ||
    document.activeElement?.textContent.trim());
const pageToken = () => storedToken(page);
const memberCall = async (method, path, body) => {
	const r = await fetch(URL + path, { method, headers: {
	    'X-Auth-Token': await pageToken(),
	    'Content-Type': 'application/json' },
	    body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await r.text();
	assert.ok(r.ok, `${method} ${path}: ${r.status} ${text}`);
	return text ? JSON.parse(text) : null;
};
const byName = async (name) => (await memberCall('GET',
    '/api/image/v2/images?name=' + encodeURIComponent(name))).images;
const cell = (name, p = page) => p.getByRole('cell', { name, exact: true });
const row = (name, p = page) => p.locator('tr', { has: cell(name, p) });
const form = () => page.locator('form.upload');

async function login(p, project, user, password) {
	await p.goto(URL + '/#/images');
	await fillLogin(p, project, user, password);
	await p.getByRole('heading', { name: 'Images' }).waitFor(WAIT);
}

// Chooses FILE in the form and submits it.
async function uploadFile(file) {
	await page.getByLabel('File').setInputFiles(`${FILES}/${file}`);
	await page.getByRole('button', { name: 'Upload', exact: true }).click();
}

test('the images page lists what the member may see, names as text',
    async () => {
	await login(page, env('GUREUM_PROJECT'), env('GUREUM_USER'),
	    env('GUREUM_PASSWORD'));
	assert.equal(await page.getByRole('link', { name: 'Images' })
	    .getAttribute('aria-current'), 'page');
	await cell(PUBLIC).waitFor(WAIT);
	assert.equal(await cell(PUBLIC).textContent(), PUBLIC);
	assert.equal(await page.locator('table img').count(), 0);
	const r = row(PUBLIC);
	assert.match(await r.textContent(), /active/);
	assert.match(await r.textContent(), /public \(another project\)/);
	assert.match(await r.textContent(), /not this project's/);
	assert.equal(await r.getByRole('button').count(), 0,
	    'no action on another project\'s image');
	assert.equal(await cell(HIDDEN).count(), 0,
	    'another project\'s private image is not listed');
	await shot('list');
	assert.deepEqual(problems, []);
});

test('the upload form opens on its file field and walks by Tab',
    async () => {
	await page.getByRole('button', { name: 'Upload image' }).click();
	await form().waitFor(WAIT);
	await page.locator('#upload-file:focus').waitFor(WAIT);
	const order = [];
	for (let i = 0; i < 8; i++) {
		await page.keyboard.press('Tab');
		order.push(await activeId());
	}
	assert.deepEqual(order, ['upload-name', 'upload-format',
	    'upload-min-disk', 'upload-min-ram', 'upload-visibility',
	    'upload-protected', 'Upload', 'Close'], 'in order');
	assert.deepEqual(await page.getByLabel('Visibility').locator('option')
	    .allTextContents(), ['private (this project)'],
	    'a member cannot publish');
	await page.getByRole('button', { name: 'Upload', exact: true }).click();
	assert.equal(await form().getByRole('alert').textContent(),
	    'Give the image a name.');
	await shot('form');
});

test('a qcow2 file is uploaded: its name and format from the file, its row '
    + 'active', async () => {
	await page.getByLabel('File').setInputFiles(`${FILES}/small.qcow2`);
	assert.equal(await page.getByLabel('Name').inputValue(), 'small');
	assert.equal(await page.getByLabel('Disk format').inputValue(),
	    'qcow2');
	await page.getByLabel('Minimum disk (GiB)').fill('1');
	await page.getByRole('button', { name: 'Upload', exact: true }).click();
	const done = form().getByText(/^Image small is uploaded \(/);
	await done.waitFor(WAIT);
	await row('small').getByText('active', { exact: true }).waitFor(WAIT);
	assert.match(await row('small').textContent(), /1 GiB disk/);
	const [img] = await byName('small');
	assert.equal(img.status, 'active');
	assert.equal(img.checksum, readFileSync(`${FILES}/small.qcow2.md5`,
	    'utf8').trim(), 'the bytes arrived whole');
	assert.equal(img.min_disk, 1);
	assert.equal(img.visibility, 'private');
	assert.equal(await page.getByLabel('Name').inputValue(), '',
	    'the form is ready for the next file');
	await page.locator('#upload-file:focus').waitFor(WAIT);
	await shot('uploaded');
});

test('data that is not what its format says: the fault at the form, no '
    + 'image left', async () => {
	await uploadFile('notqcow.qcow2');
	const alert = form().getByRole('alert');
	await alert.waitFor(WAIT);
	const text = await alert.textContent();
	assert.match(text, /^The data is not a qcow2 image/);
	assert.ok(!text.includes('{'), 'a sentence, not JSON');
	await shot('bad-format');
	assert.deepEqual(await byName('notqcow'), [], 'the empty image is gone');
	await cell('notqcow').waitFor({ ...WAIT, state: 'detached' });
});

test('an upload past the quota: its sentence at the form', async () => {
	await page.getByLabel('Name').fill('');
	await uploadFile('toolarge.raw');
	assert.equal(await page.getByLabel('Disk format').inputValue(), 'raw');
	const alert = form().getByRole('alert');
	await alert.waitFor({ ...WAIT, state: 'attached' });
	await page.waitForFunction(() => !document.querySelector(
	    'form.upload button[type=submit]').disabled, null, WAIT);
	assert.match(await alert.textContent(),
	    /would pass the project's image storage quota/);
	assert.deepEqual(await byName('toolarge'), []);
	await shot('quota');
});

test('a slow upload shows its progress and can be cancelled', async () => {
	// 4 MiB/s: the 48 MiB file takes about 12 s.
	const cdp = await page.context().newCDPSession(page);
	await cdp.send('Network.enable');
	await cdp.send('Network.emulateNetworkConditions', { offline: false,
	    latency: 0, downloadThroughput: -1, uploadThroughput: 4 * MIB });
	try {
		await page.getByLabel('Name').fill('');
		await uploadFile('big.raw');
		const bar = form().locator('progress');
		await bar.waitFor(WAIT);
		await page.waitForFunction(() => {
			const p = document.querySelector('form.upload progress');
			return p && p.value > 0 && p.value < p.max;
		}, null, WAIT);
		assert.equal(Number(await bar.getAttribute('max')), 48 * MIB);
		assert.match(await form().locator('.progress span').textContent(),
		    /^\d+\.\d of 48\.0 MiB \(\d+%\)$/);
		// Made before its data, saving once the data flows.
		await row('big').getByText('saving', { exact: true })
		    .waitFor(WAIT);
		await shot('progress');
		await page.getByRole('button', { name: 'Cancel upload' }).click();
		const alert = form().getByRole('alert');
		await alert.waitFor(WAIT);
		assert.equal(await alert.textContent(), 'The upload of big was ' +
		    'cancelled; the empty image was removed.');
		await cell('big').waitFor({ ...WAIT, state: 'detached' });
		assert.deepEqual(await byName('big'), []);
		await shot('cancelled');
	} finally {
		await cdp.send('Network.emulateNetworkConditions', {
		    offline: false, latency: 0, downloadThroughput: -1,
		    uploadThroughput: -1 });
		await cdp.detach();
	}
});

test('a row\'s edit changes only what changed, as one JSON patch',
    async () => {
	await page.getByRole('button', { name: 'Close' }).click();
	await page.getByRole('button', { name: 'Edit small' }).click();
	const edit = page.getByRole('form', { name: 'Edit small' });
	await edit.waitFor(WAIT);
	await edit.locator('input[name=name]:focus').waitFor(WAIT);
	assert.equal(await edit.getByLabel('Minimum disk (GiB)').inputValue(),
	    '1');
	assert.equal(await edit.getByLabel('Visibility').inputValue(),
	    'private');
	assert.deepEqual(await edit.getByLabel('Visibility').locator('option')
	    .allTextContents(), ['private', 'shared', 'community']);
	await edit.getByLabel('Minimum RAM (MiB)').fill('-1');
	await edit.getByRole('button', { name: 'Save' }).click();
	assert.equal(await edit.getByRole('alert').textContent(),
	    'The minimum RAM is a whole number, 0 or more.');
	await edit.getByLabel('Name').fill('renamed');
	await edit.getByLabel('Minimum RAM (MiB)').fill('64');
	await edit.getByLabel('Visibility').selectOption('community');
	await shot('edit');
	await edit.getByLabel('Name').press('Enter');
	await row('renamed').getByText('community').waitFor(WAIT);
	assert.match(await row('renamed').textContent(),
	    /1 GiB disk, 64 MiB RAM/);
	const [img] = await byName('renamed');
	assert.deepEqual([img.min_disk, img.min_ram, img.visibility],
	    [1, 64, 'community']);
	// Back, with RAM left empty: 0.
	await page.getByRole('button', { name: 'Edit renamed' }).click();
	const back = page.getByRole('form', { name: 'Edit renamed' });
	await back.getByLabel('Name').fill('small');
	await back.getByLabel('Minimum RAM (MiB)').fill('');
	await back.getByLabel('Visibility').selectOption('private');
	await back.getByRole('button', { name: 'Save' }).click();
	await row('small').getByText('private').waitFor(WAIT);
	assert.equal((await byName('small'))[0].min_ram, 0);
	assert.equal(await page.getByRole('form', { name: /^Edit / }).count(),
	    0, 'the edit closed');
});

test('a protected image refuses its delete in its row; unprotected it goes',
    async () => {
	await page.getByRole('button', { name: 'Protect small' }).click();
	await row('small').getByText('protected', { exact: true }).waitFor(WAIT);
	assert.equal((await byName('small'))[0].protected, true);
	await page.getByRole('button', { name: 'Delete small' }).click();
	await page.getByRole('button', { name: 'Yes, delete small' }).click();
	const alert = row('small').getByRole('alert');
	await alert.waitFor(WAIT);
	assert.match(await alert.textContent(),
	    /is protected and cannot be deleted/);
	await shot('protected');
	await page.getByRole('button', { name: 'Cancel' }).click();
	await page.getByRole('button', { name: 'Unprotect small' }).click();
	await page.getByRole('button', { name: 'Protect small' }).waitFor(WAIT);
	await page.getByRole('button', { name: 'Delete small' }).click();
	await page.getByRole('button', { name: 'Yes, delete small' }).click();
	await cell('small').waitFor({ ...WAIT, state: 'detached' });
	assert.deepEqual(await byName('small'), []);
	assert.deepEqual(dialogs, [], 'no window.confirm');
});

test('an image made elsewhere appears by the poll, without a reload',
    async () => {
	await page.evaluate(() => { window.notReloaded = true; });
	const img = await memberCall('POST', '/api/image/v2/images', {
	    name: 'from-cli', disk_format: 'raw', container_format: 'bare' });
	await row('from-cli').getByText('queued', { exact: true }).waitFor(WAIT);
	assert.equal(await page.evaluate(() => window.notReloaded), true);
	await memberCall('DELETE', `/api/image/v2/images/${img.id}`);
	await cell('from-cli').waitFor({ ...WAIT, state: 'detached' });
});

test('an admin may publish, and sees other projects\' images', async () => {
	const p = await browser.newPage();
	await watch(p);
	try {
		await login(p, 'admin', 'admin', env('GUREUM_ADMIN_PASSWORD'));
		await cell(HIDDEN, p).waitFor(WAIT);
		assert.match(await row(HIDDEN, p).textContent(),
		    /shared \(another project\)/,
		    'Glance\'s default visibility');
		await row(HIDDEN, p).getByRole('button', { name:
		    `Edit ${HIDDEN}` }).click();
		assert.deepEqual(await row(HIDDEN, p).getByLabel('Visibility')
		    .locator('option').allTextContents(),
		    ['private', 'shared', 'community', 'public']);
		await row(HIDDEN, p).getByRole('button', { name: 'Cancel' })
		    .click();
		await p.getByRole('button', { name: 'Upload image' }).click();
		assert.deepEqual(await p.getByLabel('Visibility').locator('option')
		    .allTextContents(), ['private (this project)',
		    'public (every project)']);
		await shot('admin', p);
	} finally {
		await p.close();
	}
});

test('no CSP violation, console error or dialog in the whole run',
    async () => {
	assert.deepEqual(problems, []);
	assert.deepEqual(dialogs, []);
});
