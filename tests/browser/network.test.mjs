// The portal's Networks and Topology pages: a network and subnet made in
// one form, a refused CIDR shown as Neutron's sentence with no network
// left, a router to `public` with an interface, floating IPs allocated,
// associated, forwarded and released, and the topology's SVG with the
// right labels (a port named like markup shown as text). Run by
// tests/integration/19_web_network.sh (the admin made `public`); its
// environment:
//   GUREUM_WEB_URL      the web listener
//   GUREUM_PROJECT, GUREUM_USER, GUREUM_PASSWORD  a member's login
//   GUREUM_IMAGE_ID, GUREUM_FLAVOR_ID  for a server (on no node: it
//                       goes to ERROR, its port made and kept)
//   GUREUM_ARTIFACTS    where screenshots go
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
    env, fillLogin, openBrowser, shooter, watch,
} from './session.mjs';

const URL = env('GUREUM_WEB_URL');
const WAIT = { timeout: 15000 };
const XSS = '<img src=x onerror=alert(1)>';
const NET = 'net-web', CIDR = '10.20.0.0/24';

let browser, page;
const problems = [];	// console errors, page errors, CSP violations

before(async () => {
	browser = await openBrowser();
	page = await browser.newPage();
	// Chromium logs every 4xx as a console error; the refused subnet's
	// and forward's 400s and the refused deletions' 409s are what this
	// test asks for.
	await watch(page, problems,
	    { expected: /^Failed to load resource: .* status of 40[09] / });
});

after(async () => {
	await browser?.close();
});

const shot = shooter(() => page);

// An API as the page's member, from the test: api('network/v2.0', ...).
async function api(base, method, path, body) {
	const token = await page.evaluate(() =>
	    JSON.parse(sessionStorage.getItem('gureum.session')).token);
	const resp = await fetch(`${URL}/api/${base}${path}`, { method,
	    headers: { 'X-Auth-Token': token,
	    'Content-Type': 'application/json' },
	    body: body === undefined ? undefined : JSON.stringify(body) });
	const text = await resp.text();
	assert.ok(resp.ok, `${method} ${path}: ${resp.status} ${text}`);
	return text ? JSON.parse(text) : null;
}
const net = (...a) => api('network/v2.0', ...a);

const SECTIONS = { Networks: 'networks-title', Routers: 'routers-title',
    'Floating IPs': 'fips-title' };
const section = (title) =>
    page.locator(`section[aria-labelledby="${SECTIONS[title]}"]`);
const rowOf = (title, name) => section(title).locator('tbody tr', { has:
    page.getByRole('cell', { name, exact: true }) });
const fipRows = () => section('Floating IPs').locator('tbody tr');
let netId, portA, portX, vm, fipA, fipB, fipC;

test('a member creates a network and its subnet in one form', async () => {
	await page.goto(URL + '/');
	await fillLogin(page);
	await page.getByRole('link', { name: 'Networks' }).click();
	await section('Networks').waitFor(WAIT);
	const pub = section('Networks').locator('tr', { hasText: 'public' });
	await pub.getByText('external', { exact: true }).waitFor(WAIT);
	await page.getByLabel('Name', { exact: true }).first().fill(NET);
	await page.getByLabel('Subnet CIDR').fill(CIDR);
	await page.getByRole('button', { name: 'Create network' }).click();
	const row = rowOf('Networks', NET);
	await row.getByText(CIDR).waitFor(WAIT);
	await row.getByText('gateway 10.20.0.1 · pool 10.20.0.2–10.20.0.254 ' +
	    '· DHCP').waitFor(WAIT);
	// The form is empty again, DHCP still on.
	assert.equal(await page.getByLabel('Subnet CIDR').inputValue(), '');
	assert.equal(await page.getByLabel('DHCP').isChecked(), true);
	netId = await row.getAttribute('data-id');
	assert.match(netId, /^[0-9a-f-]{36}$/);
});

test('a refused CIDR shows Neutron\'s sentence and leaves no network',
    async () => {
	const form = page.locator('form', { has: page.getByRole('button',
	    { name: 'Create network' }) });
	await form.getByLabel('Name', { exact: true }).fill('net-bad');
	await form.getByLabel('Subnet CIDR').fill('10.0.0.300/24');
	await form.getByRole('button', { name: 'Create network' }).click();
	const alert = form.getByRole('alert');
	await alert.waitFor(WAIT);
	const text = await alert.textContent();
	assert.match(text, new RegExp('^The subnet was refused: Invalid ' +
	    'input for cidr\\. .*is not a valid IP subnet\\.'));
	assert.match(text, /The network net-bad was not kept\.$/);
	assert.doesNotMatch(text, /[{}]/);
	assert.deepEqual((await net('GET', '/networks?name=net-bad')).networks,
	    []);
	assert.equal(await rowOf('Networks', 'net-bad').count(), 0);
});

test('a router to public (preselected) gets an interface on the subnet',
    async () => {
	const form = page.locator('form', { has: page.getByRole('button',
	    { name: 'Create router' }) });
	const ext = form.getByLabel('External network');
	assert.equal(await ext.locator('option:checked').textContent(),
	    'public');
	await form.getByLabel('Name', { exact: true }).fill('r-web');
	await form.getByRole('button', { name: 'Create router' }).click();
	const row = rowOf('Routers', 'r-web');
	await row.getByText(/^public 172\.24\.4\.\d+$/).waitFor(WAIT);
	await row.getByLabel('Add interface', { exact: true }).selectOption({ label:
	    `${NET}: ${NET}-subnet (${CIDR})` });
	await row.getByRole('button', { name: 'Add interface to r-web' })
	    .click();
	await row.locator('ul.subnets li', { hasText: CIDR })
	    .getByText('10.20.0.1', { exact: true }).waitFor(WAIT);
	assert.equal(await row.getByRole('alert').count(), 0);
});

test('floating IPs: allocate, associate with an instance and a port, ' +
    'forward', async () => {
	vm = (await api('compute/v2.1', 'POST', '/servers', { server: {
	    name: 'vm-web', imageRef: env('GUREUM_IMAGE_ID'),
	    flavorRef: env('GUREUM_FLAVOR_ID'), networks: [{ uuid: netId }] } }))
	    .server;
	const vmPorts = (await net('GET', `/ports?device_id=${vm.id}`)).ports;
	assert.equal(vmPorts.length, 1);
	const ipV = vmPorts[0].fixed_ips[0].ip_address;
	portA = (await net('POST', '/ports', { port: { name: 'port-a',
	    network_id: netId } })).port;
	portX = (await net('POST', '/ports', { port: { name: XSS,
	    network_id: netId } })).port;
	const ipA = portA.fixed_ips[0].ip_address;
	const ipX = portX.fixed_ips[0].ip_address;
	const allocate = page.getByRole('button',
	    { name: 'Allocate floating IP' });
	assert.equal(await section('Floating IPs')
	    .getByLabel('External network').locator('option:checked')
	    .textContent(), 'public');
	await allocate.click();
	await fipRows().nth(0).waitFor(WAIT);
	await allocate.click();
	await fipRows().nth(1).waitFor(WAIT);
	await allocate.click();
	await fipRows().nth(2).waitFor(WAIT);
	[fipA, fipB, fipC] = await Promise.all([0, 1, 2].map((i) =>
	    fipRows().nth(i).getAttribute('data-address')));
	assert.match(fipA, /^172\.24\.4\.\d+$/);
	const fipRow = (a) => section('Floating IPs').locator(
	    `tr[data-address="${a}"]`);
	const rowA = fipRow(fipA), rowB = fipRow(fipB), rowC = fipRow(fipC);
	const associate = async (row, addr, label, shown) => {
		await row.getByLabel('Map to').selectOption({ label });
		await row.getByRole('button', { name: `Associate ${addr}` })
		    .click();
		await row.getByRole('button', { name: `Disassociate ${addr}` })
		    .waitFor(WAIT);
		await row.getByText(shown).waitFor(WAIT);
		await row.getByText('ACTIVE', { exact: true }).waitFor(WAIT);
	};
	// With vm-web, picked by name (its port found by device_id), and
	// with port-a, a port of no instance.
	await associate(rowA, fipA, 'vm-web', `vm-web · ${ipV}`);
	await associate(rowC, fipC, `port-a · ${ipA}`, `port-a · ${ipA}`);
	const fips = (await net('GET', '/floatingips')).floatingips;
	const portOf = (a) => fips.find((f) => f.floating_ip_address === a)
	    .port_id;
	assert.equal(portOf(fipA), vmPorts[0].id);
	assert.equal(portOf(fipC), portA.id);

	// Two forwards on the other, to the port named like markup.
	const forward = async (inner, outer, proto) => {
		await rowB.getByLabel('Internal IP').selectOption({ label:
		    `${XSS} · ${ipX}` });
		await rowB.getByLabel('Internal port').fill(String(inner));
		await rowB.getByLabel('External port').fill(String(outer));
		await rowB.getByLabel('Protocol').selectOption(proto);
		await rowB.getByRole('button',
		    { name: `Add port forward on ${fipB}` }).click();
		await rowB.getByText(`${proto} ${outer} → ${ipX}:${inner}`)
		    .waitFor(WAIT);
	};
	await forward(22, 2222, 'tcp');
	await forward(53, 5353, 'udp');
	const doc = await net('GET', `/floatingips?floating_ip_address=${fipB}`);
	assert.deepEqual(doc.floatingips[0].port_forwardings.map((p) =>
	    [p.protocol, p.external_port, p.internal_port,
	    p.internal_port_id]).sort(), [['tcp', 2222, 22, portX.id],
	    ['udp', 5353, 53, portX.id]]);

	// A duplicate forward: Neutron's sentence in the row.
	await rowB.getByLabel('Internal IP').selectOption({ label:
	    `${XSS} · ${ipX}` });
	await rowB.getByLabel('Internal port').fill('22');
	await rowB.getByLabel('External port').fill('2222');
	await rowB.getByLabel('Protocol').selectOption('tcp');
	await rowB.getByRole('button', { name: `Add port forward on ${fipB}` })
	    .click();
	await rowB.getByRole('alert').filter({ hasText:
	    /duplicate port forwarding entry/ }).waitFor(WAIT);

	// Deleting one, confirmed in the row.
	const udp = `forward udp 5353 → ${ipX}:53`;
	await rowB.getByRole('button', { name: `Delete ${udp}` }).click();
	await rowB.getByRole('button', { name: `Yes, delete ${udp}` }).click();
	await rowB.getByText(`udp 5353 → ${ipX}:53`)
	    .waitFor({ ...WAIT, state: 'detached' });
	await rowB.getByText(`tcp 2222 → ${ipX}:22`).waitFor(WAIT);
	await shot('networks');
});

test('the topology draws the network, router, instance, ports and ' +
    'floating IPs',
    async () => {
	await page.getByRole('link', { name: 'Topology' }).click();
	const svg = page.locator('svg.topology');
	await svg.waitFor(WAIT);
	const netG = svg.locator(`g[data-kind="network"][data-id="${netId}"]`);
	assert.deepEqual(await netG.locator('text').allTextContents(),
	    [NET, CIDR]);
	assert.equal(await netG.locator('title').textContent(),
	    `network ${NET} ${CIDR}`);
	const pub = svg.locator('g[data-kind="network"]', { hasText: 'public' });
	assert.equal(await pub.locator('text').first().textContent(), 'public');
	const router = svg.locator('g[data-kind="router"]');
	assert.equal(await router.locator('text').first().textContent(),
	    'r-web');
	const rid = await router.getAttribute('data-id');
	// The router joins net-web at its gateway address and public.
	const joins = svg.locator(`g[data-kind="join"][data-id="${rid}"]`);
	assert.equal(await joins.count(), 2);
	assert.equal(await svg.locator(`g[data-kind="join"][data-id="${rid}"]` +
	    `[data-network="${netId}"] text`).textContent(), '10.20.0.1');
	// The ports, one named like markup: its label is that text.
	const px = svg.locator(`g[data-kind="port"][data-id="${portX.id}"]`);
	assert.equal(await px.locator('text').first().textContent(), XSS);
	assert.equal(await px.locator('title').textContent(), `port ${XSS}`);
	assert.equal(await page.locator('img').count(), 0);
	assert.equal(await svg.locator(`g[data-kind="join"][data-id=` +
	    `"${portA.id}"][data-network="${netId}"]`).count(), 1);
	// The instance, on no node: ERROR, joined to net-web.
	const vmG = svg.locator(`g[data-kind="instance"][data-id="${vm.id}"]`);
	assert.deepEqual(await vmG.locator('text').allTextContents(),
	    ['vm-web', 'ERROR']);
	assert.equal(await svg.locator(`g[data-kind="join"][data-id=` +
	    `"${vm.id}"][data-network="${netId}"]`).count(), 1);
	// The floating IPs beside what they map to.
	const fa = svg.locator(`g[data-kind="floatingip"][data-address="${fipA}"]`);
	assert.equal(await fa.locator('text').textContent(), fipA);
	assert.equal(await fa.locator('line').count(), 1);
	const fc = svg.locator(`g[data-kind="floatingip"][data-address="${fipC}"]`);
	assert.equal(await fc.locator('text').textContent(), fipC);
	const fb = svg.locator(`g[data-kind="floatingip"][data-address="${fipB}"]`);
	assert.equal(await fb.locator('text').textContent(), `${fipB}:2222/tcp`);
	const centre = async (loc) => {
		const b = await loc.boundingBox();
		return b.y + b.height / 2;
	};
	const pa = svg.locator(`g[data-kind="port"][data-id="${portA.id}"] rect`);
	assert.ok(Math.abs(await centre(fa.locator('rect')) -
	    await centre(vmG.locator('rect'))) < 2,
	    'the floating IP is beside vm-web');
	assert.ok(Math.abs(await centre(fc.locator('rect')) -
	    await centre(pa)) < 2, 'the floating IP is beside port-a');
	assert.ok(Math.abs(await centre(fb.locator('rect')) -
	    await centre(px.locator('rect'))) < 2,
	    'the forwarded floating IP is beside its port');
	await shot('topology');
});

test('disassociate and release from the rows', async () => {
	await page.getByRole('link', { name: 'Networks' }).click();
	const rowA = section('Floating IPs').locator(
	    `tr[data-address="${fipA}"]`);
	await rowA.getByRole('button', { name: `Disassociate ${fipA}` }).click();
	await rowA.getByRole('button', { name: `Associate ${fipA}` })
	    .waitFor(WAIT);
	await rowA.getByRole('button', { name: `Release ${fipA}` }).click();
	await rowA.getByRole('button', { name: `Yes, release ${fipA}` })
	    .click();
	await rowA.waitFor({ ...WAIT, state: 'detached' });
	const doc = await net('GET', '/floatingips');
	assert.deepEqual(doc.floatingips.map((f) => f.floating_ip_address)
	    .sort(), [fipB, fipC]);
});

test('twenty instances on five networks stay readable', async () => {
	const nets = [netId];
	for (const i of [1, 2, 3]) {
		const n = (await net('POST', '/networks', { network: {
		    name: `net-${i}` } })).network;
		await net('POST', '/subnets', { subnet: { network_id: n.id,
		    cidr: `10.3${i}.0.0/24`, ip_version: 4 } });
		nets.push(n.id);
	}
	for (let i = 1; i < 20; i++) {
		const on = [nets[i % 4]];
		if (i % 5 === 0)
			on.push(nets[(i + 1) % 4]);
		await api('compute/v2.1', 'POST', '/servers', { server: {
		    name: `vm-${String(i).padStart(2, '0')}`,
		    imageRef: env('GUREUM_IMAGE_ID'),
		    flavorRef: env('GUREUM_FLAVOR_ID'),
		    networks: on.map((uuid) => ({ uuid })) } });
	}
	await page.getByRole('link', { name: 'Networks' }).click();
	await page.getByRole('link', { name: 'Topology' }).click();
	const svg = page.locator('svg.topology');
	await svg.locator('g[data-kind="instance"]').nth(19).waitFor(WAIT);
	assert.equal(await svg.locator('g[data-kind="instance"]').count(), 20);
	assert.equal(await svg.locator('g[data-kind="network"]').count(), 5);
	// Boxes and tags apart; each label inside its box.
	const boxes = [];
	for (const g of await svg.locator('g[data-kind="instance"], ' +
	    'g[data-kind="port"], g[data-kind="router"], ' +
	    'g[data-kind="floatingip"]').all()) {
		const box = await g.locator('rect').boundingBox();
		for (const t of await g.locator('text').all()) {
			const tb = await t.boundingBox();
			assert.ok(tb.x >= box.x && tb.x + tb.width <= box.x + box.width +
			    1, `"${await t.textContent()}" fits its box`);
		}
		boxes.push(box);
	}
	const apart = (a, b) => a.x + a.width <= b.x || b.x + b.width <= a.x ||
	    a.y + a.height <= b.y || b.y + b.height <= a.y;
	for (let i = 0; i < boxes.length; i++)
		for (let j = i + 1; j < boxes.length; j++)
			assert.ok(apart(boxes[i], boxes[j]), `boxes ${i} and ${j} apart`);
	const size = await svg.boundingBox();
	// Within a 1280 px window (Playwright's default), no scrolling.
	assert.ok(size.width <= 1200, `${size.width} px wide`);
	// vm-05 is on net-1 and net-2: two joins.
	const vm5 = svg.locator('g[data-kind="instance"]', { hasText: 'vm-05' });
	assert.equal(await svg.locator(`g[data-kind="join"][data-id=` +
	    `"${await vm5.getAttribute('data-id')}"]`).count(), 2);
	await shot('topology-20');
});

test('refusals are shown in the row; then everything is taken down',
    async () => {
	await page.getByRole('link', { name: 'Networks' }).click();
	const rowB = section('Floating IPs').locator(
	    `tr[data-address="${fipB}"]`);
	const rowC = section('Floating IPs').locator(
	    `tr[data-address="${fipC}"]`);
	const router = rowOf('Routers', 'r-web');
	const network = rowOf('Networks', NET);
	const iface = `interface ${NET}-subnet (${CIDR}) from r-web`;
	const confirm = async (row, verb, what) => {
		await row.getByRole('button', { name: `${verb} ${what}` }).click();
		await row.getByRole('button', { name:
		    `Yes, ${verb.toLowerCase()} ${what}` }).click();
	};
	const refused = async (row, re) => {
		const alert = row.getByRole('alert').filter({ hasText: re });
		await alert.waitFor(WAIT);
		assert.doesNotMatch(await alert.textContent(), /[{}]/);
	};
	await confirm(rowB, 'Release', fipB);
	await refused(rowB, /port forwarding/);
	await confirm(router, 'Remove', iface);
	await refused(router, /required by one or more floating IPs/);
	await confirm(router, 'Delete', 'router r-web');
	await refused(router, /still has ports/);
	await confirm(network, 'Delete', `network ${NET}`);
	await refused(network, /one or more ports still in use/);

	const tcp = `forward tcp 2222 → ${portX.fixed_ips[0].ip_address}:22`;
	await confirm(rowB, 'Delete', tcp);
	await rowB.getByText(tcp.slice('forward '.length))
	    .waitFor({ ...WAIT, state: 'detached' });
	await confirm(rowB, 'Release', fipB);
	await rowB.waitFor({ ...WAIT, state: 'detached' });
	await confirm(rowC, 'Release', fipC);
	await rowC.waitFor({ ...WAIT, state: 'detached' });
	await confirm(router, 'Remove', iface);
	await router.locator('ul.subnets li', { hasText: CIDR })
	    .waitFor({ ...WAIT, state: 'detached' });
	await confirm(router, 'Delete', 'router r-web');
	await router.waitFor({ ...WAIT, state: 'detached' });
	assert.deepEqual((await net('GET', '/routers')).routers, []);
	assert.deepEqual((await net('GET', '/floatingips')).floatingips, []);
});

test('no console error, page error, dialog or CSP violation', async () => {
	assert.deepEqual(problems, []);
});
