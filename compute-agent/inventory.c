/* inventory.c - see inventory.h. */
#include <stdio.h>
#include <string.h>
#include <sys/statvfs.h>

#include <libvirt/virterror.h>

#include "gr_err.h"
#include "gr_log.h"
#include "inventory.h"

static const char *
virt_msg(void)
{
	const virError *e = virGetLastError();

	return e && e->message ? e->message : "unknown libvirt error";
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
		    "%s", ctx->uri, virt_msg());
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

	if (inv_connect(ctx) < 0)
		return NULL;
	if (virNodeGetInfo(ctx->conn, &ni) < 0) {
		gr_error(GR_ERR_UNAVAILABLE, "libvirt cannot read the node's "
		    "CPU and memory: %s", virt_msg());
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
	json_object_update_new(o, json_pack("{s:f,s:f,s:f,s:f,s:I,s:s}",
	    "cpu_allocation_ratio", ctx->ratios[0],
	    "ram_allocation_ratio", ctx->ratios[1],
	    "disk_allocation_ratio", ctx->ratios[2],
	    "thin_disk_allocation_ratio", ctx->ratios[3],
	    "reserved_vcpus", (json_int_t)ctx->reserved_vcpus,
	    "agent_url", ctx->agent_url));
	return o;
}
