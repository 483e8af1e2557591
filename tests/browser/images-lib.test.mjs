// web/lib/images.mjs in node: sizes and upload progress for people, the
// disk format and name a file suggests, which images are still changing,
// whose an image is, the upload form's fields checked and the edit
// form's turned into a JSON patch. Run by
// tests/integration/19_web_images.sh beside images.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareImages, createBody, editPatch, formatSize,
    guessDiskFormat, imageChanging, imageOwner, nameFromFile, progressText }
    from '../../web/lib/images.mjs';

const MIB = 1024 * 1024;

test('images: sizes in the largest unit that keeps them readable', () => {
	assert.equal(formatSize(0), '0 bytes');
	assert.equal(formatSize(1), '1 byte');
	assert.equal(formatSize(1023), '1023 bytes');
	assert.equal(formatSize(1536), '1.5 KiB');
	assert.equal(formatSize(16 * MIB), '16 MiB');
	assert.equal(formatSize(20 * 1024 * MIB), '20 GiB');
	assert.equal(formatSize(null), '', 'a queued image has no size yet');
	assert.equal(formatSize(-1), '');
});

test('images: progress in the total\'s unit, never past 100%', () => {
	assert.equal(progressText(12 * MIB, 48 * MIB), '12.0 of 48.0 MiB (25%)');
	assert.equal(progressText(0, 512), '0 of 512 bytes (0%)');
	assert.equal(progressText(600, 512), '512 of 512 bytes (100%)');
	assert.equal(progressText(1536, 0), '1.5 KiB', 'no total known');
});

test('images: a file name suggests the format and the name', () => {
	assert.equal(guessDiskFormat('debian-12.QCOW2'), 'qcow2');
	assert.equal(guessDiskFormat('cd.iso'), 'iso');
	assert.equal(guessDiskFormat('root.img'), 'raw');
	assert.equal(guessDiskFormat('root.raw'), 'raw');
	assert.equal(guessDiskFormat('notes.txt'), null);
	assert.equal(guessDiskFormat('noext'), null);
	assert.equal(nameFromFile('C:\\fakepath\\debian-12.qcow2'), 'debian-12');
	assert.equal(nameFromFile('cd.iso'), 'cd');
	assert.equal(nameFromFile('archive.tar'), 'archive.tar');
	assert.equal(nameFromFile('.qcow2'), '.qcow2');
});

test('images: only saving, uploading, importing and pending_delete change',
    () => {
	for (const s of ['saving', 'uploading', 'importing', 'pending_delete'])
		assert.equal(imageChanging({ status: s }), true, s);
	for (const s of ['queued', 'active', 'killed', 'deactivated'])
		assert.equal(imageChanging({ status: s }), false, s);
});

test('images: the owner is this project, a public one or another', () => {
	assert.equal(imageOwner({ owner: 'p1', visibility: 'public' }, 'p1'),
	    'mine');
	assert.equal(imageOwner({ owner: 'p2', visibility: 'public' }, 'p1'),
	    'public');
	assert.equal(imageOwner({ owner: 'p2', visibility: 'private' }, 'p1'),
	    'other');
	const rows = [{ id: 'b', name: 'x' }, { id: 'a', name: 'x' },
	    { id: 'c', name: null }];
	assert.deepEqual(rows.sort(compareImages).map((r) => r.id),
	    ['c', 'a', 'b'], 'by name, then id; no name first');
});

test('images: the form\'s fields become the create body or a sentence',
    () => {
	assert.deepEqual(createBody({ name: ' deb ', diskFormat: 'qcow2',
	    minDisk: '2', minRam: '', visibility: 'private', protect: true }),
	    { body: { name: 'deb', disk_format: 'qcow2',
	    container_format: 'bare', visibility: 'private', min_disk: 2,
	    protected: true } });
	assert.deepEqual(createBody({ name: 'r', diskFormat: 'raw' }).body,
	    { name: 'r', disk_format: 'raw', container_format: 'bare',
	    visibility: 'private' });
	assert.equal(createBody({ name: '  ', diskFormat: 'raw' }).error,
	    'Give the image a name.');
	assert.equal(createBody({ name: 'x'.repeat(256), diskFormat: 'raw' })
	    .error, 'The name is at most 255 characters.');
	assert.equal(createBody({ name: 'a', diskFormat: 'vmdk' }).error,
	    'Choose the disk format: qcow2, raw or iso.');
	assert.equal(createBody({ name: 'a', diskFormat: 'raw', minRam: '1.5' })
	    .error, 'The minimum RAM is a whole number, 0 or more.');
	assert.equal(createBody({ name: 'a', diskFormat: 'raw', minDisk: '-1' })
	    .error, 'The minimum disk is a whole number, 0 or more.');
});

test('images: the edit form\'s fields become a patch of what changed', () => {
	const img = { name: 'deb', min_disk: 2, min_ram: 0,
	    visibility: 'private' };
	assert.deepEqual(editPatch(img, { name: 'deb', minDisk: '2',
	    minRam: '' }), { ops: [] }, 'nothing changed');
	assert.deepEqual(editPatch(img, { name: ' deb-12 ', minDisk: '',
	    minRam: '512', visibility: 'public' }), { ops: [
	    { op: 'replace', path: '/name', value: 'deb-12' },
	    { op: 'replace', path: '/min_disk', value: 0 },
	    { op: 'replace', path: '/min_ram', value: 512 },
	    { op: 'replace', path: '/visibility', value: 'public' }] });
	assert.equal(editPatch(img, { name: '' }).error,
	    'Give the image a name.');
	assert.equal(editPatch(img, { name: 'a', minDisk: 'two' }).error,
	    'The minimum disk is a whole number, 0 or more.');
});
