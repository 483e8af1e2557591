/*
 * inventory.h - what this node offers, read from libvirt and the disk that
 * holds instance files: pCPUs, memory, disk, hypervisor type and version,
 * the accelerator (TCG or KVM), and what the thin disks really use. The
 * compute agent is the only process that talks to libvirt.
 */
#ifndef INVENTORY_H
#define INVENTORY_H

#include <jansson.h>
#include <libvirt/libvirt.h>

#include "gr_conf.h"

struct inv_ctx {
	const char	*uri;		/* libvirt URI */
	const char	*state_dir;	/* instance files live here */
	const char	*virt_type;	/* "qemu" (TCG) or "kvm" */
	long		 reserved_mb;	/* reserved_host_memory_mb */
	long		 reserved_vcpus; /* vCPU slots kept back */
	double		 ratios[4];	/* cpu, ram, disk, thin disk overcommit */
	char		*agent_url;	/* where the controller reaches us */
	virConnectPtr	 conn;		/* reopened when it drops */
};

/*
 * Reads what the node offers and where from c: libvirt_uri, state_dir
 * (created), virt_type, reserved_host_memory_mb, reserved_vcpus and the
 * four overcommit ratios (DESIGN.md section 1). Returns 0, or -1 with the
 * error naming the setting.
 */
int inv_conf(struct inv_ctx *ctx, const struct gr_conf *c);
/* Opens the libvirt connection; -1 with GR_ERR_UNAVAILABLE on failure. */
int inv_connect(struct inv_ctx *ctx);
/* Closes the libvirt connection and frees agent_url. */
void inv_close(struct inv_ctx *ctx);
/* The message of libvirt's last error on this thread (never NULL). */
const char *inv_virt_msg(void);
/* The inventory object for a heartbeat (gr_agent inventory callback). */
json_t *inv_collect(void *ctx);

#endif
