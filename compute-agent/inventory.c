/* inventory.c - see inventory.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include <libvirt/virterror.h>

#include "disk.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "inventory.h"

const char *
inv_virt_msg(void)
{
	const virError *e = virGetLastError();

	return e && e->message ? e->message : "unknown libvirt error";
}

/* Overcommit settings this node reports (DESIGN.md section 1). */
static int
conf_ratios(struct inv_ctx *inv, const struct gr_conf *c)
{
	static const char *const keys[4] = { "cpu_allocation_ratio",
	    "ram_allocation_ratio", "disk_allocation_ratio",
	    "thin_disk_allocation_ratio" };
	static const double defaults[4] = { 4.0, 1.0, 1.0, 2.0 };

	for (int i = 0; i < 4; i++) {
		const char *v = gr_conf_get(c, keys[i], NULL);
		char *end;

		inv->ratios[i] = defaults[i];
		if (v == NULL)
			continue;
		inv->ratios[i] = strtod(v, &end);
		if (*end || end == v || inv->ratios[i] <= 0 ||
		    inv->ratios[i] > 1000) {
			gr_error(GR_ERR_BAD_REQUEST, "%s: '%s' must be a number "
			    "above 0, not '%s'.", c->path, keys[i], v);
			return -1;
		}
	}
	return 0;
}

int
inv_conf(struct inv_ctx *inv, const struct gr_conf *c)
{
	if (gr_conf_int(c, "reserved_host_memory_mb", 512, 0, 1 << 30,
	    &inv->reserved_mb) < 0 || conf_ratios(inv, c) < 0 ||
	    gr_conf_int(c, "reserved_vcpus", 0, 0, 4096,
	    &inv->reserved_vcpus) < 0)
		return -1;
	inv->uri = gr_conf_get(c, "libvirt_uri", "qemu:///system");
	inv->state_dir = gr_conf_get(c, "state_dir", "/var/lib/gureum/compute");
	inv->virt_type = gr_conf_get(c, "virt_type", "qemu");
	if (strcmp(inv->virt_type, "qemu") != 0 && strcmp(inv->virt_type,
	    "kvm") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "%s: virt_type must be 'qemu' (TCG) "
		    "or 'kvm', not '%s'.", c->path, inv->virt_type);
		return -1;
	}
	if (mkdir(inv->state_dir, 0755) < 0 && errno != EEXIST) {
		gr_error(GR_ERR_SYSTEM, "Cannot create the state directory '%s': "
		    "%s.", inv->state_dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
inv_connect(struct inv_ctx *ctx)
{
	if (ctx->conn && virConnectIsAlive(ctx->conn) == 1)
		return 0;
	if (ctx->conn) {
		virConnectClose(ctx->conn);
		ctx->conn = NULL;
	}
	ctx->conn = virConnectOpen(ctx->uri);
	if (ctx->conn == NULL) {
		gr_error(GR_ERR_UNAVAILABLE, "Cannot connect to libvirt at '%s': "
		    "%s", ctx->uri, inv_virt_msg());
		return -1;
	}
	return 0;
}

void
inv_close(struct inv_ctx *ctx)
{
	if (ctx->conn)
		virConnectClose(ctx->conn);
	ctx->conn = NULL;
	free(ctx->agent_url);
	ctx->agent_url = NULL;
}

json_t *
inv_collect(void *p)
{
	struct inv_ctx *ctx = p;
	virNodeInfo ni;
	unsigned long hvver = 0;
	const char *type;
	struct statvfs sv;
	unsigned long long total, avail;
	struct disk_usage thin;
	GR_AUTOFREE char *idir = NULL;

	if (inv_connect(ctx) < 0)
		return NULL;
	if (virNodeGetInfo(ctx->conn, &ni) < 0) {
		gr_error(GR_ERR_UNAVAILABLE, "libvirt cannot read the node's "
		    "CPU and memory: %s", inv_virt_msg());
		return NULL;
	}
	virConnectGetVersion(ctx->conn, &hvver);
	type = virConnectGetType(ctx->conn);
	if (statvfs(ctx->state_dir, &sv) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot read the size of the disk holding "
		    "'%s'.", ctx->state_dir);
		return NULL;
	}
	total = (unsigned long long)sv.f_blocks * sv.f_frsize;
	avail = (unsigned long long)sv.f_bavail * sv.f_frsize;
	idir = gr_xasprintf("%s/instances", ctx->state_dir);
	disk_thin_usage(idir, &thin);
	json_t *o = json_pack("{s:i,s:I,s:I,s:I,s:I,s:I,s:s,s:s,s:{s:s,s:s,s:s,"
	    "s:{s:i,s:i,s:i},s:[]}}",
	    "pcpus", (int)ni.cpus,
	    "memory_mb", (json_int_t)(ni.memory / 1024),
	    "disk_gb", (json_int_t)(total >> 30),
	    "disk_used_gb", (json_int_t)((total - avail) >> 30),
	    "reserved_host_memory_mb", (json_int_t)ctx->reserved_mb,
	    "hypervisor_version", (json_int_t)hvver,
	    "hypervisor_type", type ? type : "QEMU",
	    "virt_type", ctx->virt_type,
	    "cpu_info", "arch", ni.model, "model", "qemu64",
	    "accelerator", strcmp(ctx->virt_type, "kvm") == 0 ? "kvm" : "tcg",
	    "topology", "sockets", (int)(ni.sockets * ni.nodes),
	    "cores", (int)ni.cores, "threads", (int)ni.threads,
	    "features");
	json_object_update_new(o, json_pack("{s:f,s:f,s:f,s:f,s:I,s:s,"
	    "s:{s:I,s:I,s:I}}",
	    "cpu_allocation_ratio", ctx->ratios[0],
	    "ram_allocation_ratio", ctx->ratios[1],
	    "disk_allocation_ratio", ctx->ratios[2],
	    "thin_disk_allocation_ratio", ctx->ratios[3],
	    "reserved_vcpus", (json_int_t)ctx->reserved_vcpus,
	    "agent_url", ctx->agent_url,
	    "thin_disks", "count", (json_int_t)thin.count,
	    "virtual_bytes", (json_int_t)thin.virtual_bytes,
	    "real_bytes", (json_int_t)thin.real_bytes));
	return o;
}
