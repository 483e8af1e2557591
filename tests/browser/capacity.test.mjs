// web/lib/capacity.mjs in node: a hypervisor's "gureum:capacity" as the
// Capacity page's three gauges (their sentences and bar geometry) and the
// thin disks' line. Run by tests/integration/19_web_capacity.sh beside
// capacity-web.test.mjs.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSize } from '../../web/lib/images.mjs';
import { accelerator, diskGauge, memoryGauge, ratioText,
    thinGauge, thinText, vcpuGauge } from '../../web/lib/capacity.mjs';

const MIB = 1024 * 1024;
const cap = (o = {}) => ({
	vcpus: { physical: 2, reserved: 0, allocation_ratio: 4, limit: 8,
	    used: 3, max_unit: 2, ...o.vcpus },
	memory_mb: { physical: 4096, reserved: 512, allocation_ratio: 1,
	    limit: 3584, used: 1024, ...o.memory_mb },
	disk_gb: { physical: 50, real_used: 10,
	    thick: { allocation_ratio: 1, limit: 50, used: 5 },
	    thin: { allocation_ratio: 2, limit: 100, used: 20, disks: 2,
	    virtual_bytes: 20 * 1024 * MIB, real_bytes: 210 * MIB,
	    ...o.thin } },
});

test('capacity: ratios and sizes as people write them', () => {
	assert.equal(ratioText(4), '4.0');
	assert.equal(ratioText(1.5), '1.5');
	assert.equal(ratioText(0.75), '0.75');
	assert.equal(formatSize(512), '512 bytes');
	assert.equal(formatSize(1536), '1.5 KiB');
	assert.equal(formatSize(210 * MIB), '210 MiB');
	assert.equal(formatSize(3 * 1024 * MIB), '3 GiB');
});

test('capacity: the vCPU gauge says slots, pCPUs and the ratio', () => {
	const g = vcpuGauge(cap());
	assert.equal(g.text, '3 of 8 vCPU slots used (2 pCPUs × 4.0)');
	assert.deepEqual([g.used, g.physical, g.limit], [3, 2, 8]);
	// The track is the limit (the longest), the mark at 2 of 8.
	assert.deepEqual([g.track, g.mark, g.over], [100, 25, false]);
	assert.deepEqual(g.parts, [{ cls: 'used', x: 0, width: 37.5 }]);
	assert.equal(g.realWidth, null);
	const one = vcpuGauge(cap({ vcpus: { physical: 1, reserved: 1,
	    limit: 3, used: 4 } }));
	assert.equal(one.text,
	    '4 of 3 vCPU slots used (1 pCPU × 4.0, 1 reserved)');
	assert.equal(one.over, true, 'past the limit (a ratio lowered)');
	assert.deepEqual([one.track, one.parts[0].width], [75, 100]);
});

test('capacity: memory keeps the host\'s share apart', () => {
	const g = memoryGauge(cap());
	assert.equal(g.text, '1024 of 3584 MiB used by instances (4096 MiB ' +
	    '− 512 MiB kept for the host, × 1.0)');
	assert.deepEqual([g.used, g.physical, g.limit], [1536, 4096, 4096]);
	assert.deepEqual(g.parts, [{ cls: 'host', x: 0, width: 12.5 },
	    { cls: 'used', x: 12.5, width: 25 }]);
	assert.deepEqual([g.track, g.mark], [100, 100]);
});

test('capacity: disk, thick then thin claims, real use beneath', () => {
	const g = diskGauge(cap());
	assert.equal(g.text, '20 of 100 GiB of thin virtual size claimed ' +
	    '(50 GiB × 2.0), 5 of 50 GiB thick (× 1.0); 10 of 50 GiB really ' +
	    'used');
	assert.deepEqual([g.used, g.physical, g.limit], [25, 50, 100]);
	assert.deepEqual(g.parts, [{ cls: 'thick', x: 0, width: 5 },
	    { cls: 'used', x: 5, width: 20 }]);
	assert.deepEqual([g.track, g.mark, g.realWidth], [100, 50, 10]);
});

test('capacity: the thin disks\' real bytes against their virtual size',
    () => {
	assert.equal(thinText(cap()),
	    '2 thin disks: 210 MiB really written of 20 GiB virtual');
	assert.equal(thinText(cap({ thin: { disks: 1, real_bytes: 196 * 1024,
	    virtual_bytes: 1024 * MIB } })),
	    '1 thin disk: 196 KiB really written of 1 GiB virtual');
	assert.equal(thinText(cap({ thin: { disks: 0 } })),
	    'No thin disk on this node.');
	const g = thinGauge(cap());
	assert.deepEqual([g.kind, g.used, g.limit, g.physical],
	    ['thin', 210 * MIB, 20 * 1024 * MIB, 20 * 1024 * MIB]);
	assert.equal(g.text, thinText(cap()));
	assert.deepEqual(g.parts, [{ cls: 'used', x: 0, width: 210 / 20480 * 100 }]);
	assert.equal(thinGauge(cap({ thin: { disks: 0 } })), null);
});

test('capacity: an empty node draws nothing past its ends', () => {
	const g = vcpuGauge(cap({ vcpus: { physical: 0, limit: 0, used: 0 } }));
	assert.deepEqual([g.track, g.mark, g.parts[0].width], [0, 0, 0]);
});

test('capacity: the accelerator from cpu_info, string or object', () => {
	assert.equal(accelerator({ cpu_info: '{"accelerator":"tcg"}' }), 'tcg');
	assert.equal(accelerator({ cpu_info: { accelerator: 'kvm' } }), 'kvm');
	assert.equal(accelerator({ cpu_info: 'not json' }), null);
	assert.equal(accelerator({}), null);
});
