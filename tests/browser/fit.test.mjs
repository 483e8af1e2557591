// web/lib/fit.mjs in node: which flavors fit an image and the nodes, the
// dropdowns' labels, user data as base64 of UTF-8, console text made safe,
// the live console's screen and keys.
// Run by tests/integration/17_web.sh beside web.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { base64Utf8, cleanConsole, flavorLabel, flavorProblem, imageLabel,
    smallestFlavor, termFeed, termKey } from '../../web/lib/fit.mjs';

const MIB = 1024 * 1024;
const f = (vcpus, ram, disk) => ({ name: 'f', vcpus, ram, disk });

test('fit: a flavor too small for the image says why', () => {
	const img = { min_ram: 128, min_disk: 2, virtual_size: 3 * 1024 * MIB };
	assert.equal(flavorProblem(f(1, 64, 5), img, null),
	    'needs 128 MiB RAM for this image');
	assert.equal(flavorProblem(f(1, 128, 1), img, null),
	    'needs 2 GiB disk for this image');
	assert.equal(flavorProblem(f(1, 128, 2), img, null),
	    'disk smaller than the image (3072 MiB)');
	assert.equal(flavorProblem(f(1, 128, 3), img, null), null);
	assert.equal(flavorProblem(f(1, 128, 0), img, null), null,
	    'disk 0: the image\'s size');
	assert.equal(flavorProblem(f(1, 64, 1), { min_ram: 0 }, null), null);
});

test('fit: a flavor no node can hold says so, unknown nodes do not', () => {
	const hvs = [{ vcpus: 2, memory_mb: 1024 }, { vcpus: 4, memory_mb: 512 }];
	assert.equal(flavorProblem(f(4, 512, 1), null, hvs), null);
	assert.equal(flavorProblem(f(8, 512, 1), null, hvs),
	    'no node has 8 vCPUs');
	assert.equal(flavorProblem(f(1, 2048, 1), null, hvs),
	    'no node has 2048 MiB RAM');
	assert.equal(flavorProblem(f(64, 1 << 20, 1), null, null), null);
	assert.equal(flavorProblem(f(64, 1 << 20, 1), null, []), null);
});

test('fit: the smallest flavor: RAM, then vCPUs, then disk, then name',
    () => {
	const n = (name, vcpus, ram, disk) => ({ name, vcpus, ram, disk });
	const big = n('a.big', 4, 1024, 10), mid = n('b.mid', 2, 256, 5);
	const cpu = n('c.cpu', 1, 256, 5), disk = n('d.disk', 1, 256, 1);
	const twin = n('a.twin', 1, 256, 1);
	assert.equal(smallestFlavor([big, mid]), mid);
	assert.equal(smallestFlavor([big, mid, cpu]), cpu);
	assert.equal(smallestFlavor([cpu, big, disk, mid]), disk);
	assert.equal(smallestFlavor([disk, twin]), twin);
	assert.equal(smallestFlavor([twin, disk]), twin);
	assert.equal(smallestFlavor([]), undefined);
});

test('fit: labels', () => {
	assert.equal(imageLabel({ name: 'cirros', os_distro: 'cirros',
	    size: 16 * MIB }), 'cirros · cirros · 16 MiB');
	assert.equal(imageLabel({ id: 'x', size: MIB / 2 }), 'x · 0.5 MiB');
	assert.equal(flavorLabel(f(1, 64, 1), null),
	    'f: 1 vCPU, 64 MiB RAM, 1 GiB disk');
	assert.equal(flavorLabel(f(1, 64, 1), 'why'),
	    'f: 1 vCPU, 64 MiB RAM, 1 GiB disk (unavailable: why)');
});

test('fit: user data is base64 of its UTF-8 bytes', () => {
	for (const s of ['', '#!/bin/sh\necho 구름 ☁\n', 'é'.repeat(70000)])
		assert.equal(Buffer.from(base64Utf8(s), 'base64').toString(), s);
});

test('fit: console text keeps newlines and tabs, drops controls', () => {
	assert.equal(cleanConsole('a\r\nb\rc\td\x1b[31mred\x07\x00\x9b'),
	    'a\nb\nc\td[31mred');
});

test('termFeed: the live console as a plain terminal shows it', () => {
	assert.equal(termFeed('', 'login: \r\n/ # ls\r\n'), 'login: \n/ # ls\n');
	assert.equal(termFeed('/ # ', 'ecx\b \bho'), '/ # echo',
	    'backspace, space, backspace erases a character');
	assert.equal(termFeed('a\n', '\x7f'), 'a\n', 'never past a line start');
	assert.equal(termFeed('', '\x1b[1;31mred\x1b[0m\x1b[?25l\x07\x00 ok'),
	    'red ok', 'escape sequences and other controls are dropped');
	assert.equal(termFeed('x', 'lone\rcr'), 'xlonecr');
	assert.equal(termFeed('12345', '678', 4), '5678', 'the newest kept');
	assert.equal(termFeed('', 'é ✓'), 'é ✓');
});

test('termKey: what a key press sends', () => {
	assert.equal(termKey({ key: 'a' }), 'a');
	assert.equal(termKey({ key: 'Enter' }), '\r');
	assert.equal(termKey({ key: 'Backspace' }), '\x7f');
	assert.equal(termKey({ key: 'ArrowUp' }), '\x1b[A');
	assert.equal(termKey({ key: 'c', ctrlKey: true }), '\x03');
	assert.equal(termKey({ key: 'D', ctrlKey: true }), '\x04');
	assert.equal(termKey({ key: 'Shift' }), null);
	assert.equal(termKey({ key: 'F5' }), null);
	assert.equal(termKey({ key: 'v', metaKey: true }), null);
	assert.equal(termKey({ key: 'é' }), 'é');
});
