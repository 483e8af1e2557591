/*
 * domain.h - an instance's libvirt domain: its name ("instance-<uuid>"),
 * lookup, power state as Nova numbers it, a stop that asks the guest
 * first, and removal with the instance's directory. Every call goes
 * through the context's libvirt connection, reopened when it dropped.
 * Lookups that find nothing return NULL without an error; the libvirt
 * message of the last failure is inv_virt_msg().
 */
#ifndef DOMAIN_H
#define DOMAIN_H

#include <libvirt/libvirt.h>

#include "node.h"

/* libvirt power states as Nova numbers them (the reports' power_state). */
enum domain_power {
	DOMAIN_NOSTATE = 0,
	DOMAIN_RUNNING = 1,
	DOMAIN_PAUSED = 3,
	DOMAIN_SHUTDOWN = 4,
	DOMAIN_CRASHED = 6,
};

/* Writes "instance-<id>" to out. */
void domain_name(const char *id, char out[64]);
/* The instance's domain (the caller frees it), or NULL. */
virDomainPtr domain_lookup(struct node_ctx *c, const char *id);
/* The instance id of a domain named "instance-<uuid>", or NULL. */
const char *domain_instance(virDomainPtr d);
enum domain_power domain_power(virDomainPtr d);
/* The vm_state a domain reports: running is active, paused is paused, an
 * inactive domain with a managed save image is suspended, else stopped. */
const char *domain_vm_state(virDomainPtr d);
/* Asks the guest to shut down (the ACPI power button); forces it off
 * after shutdown_timeout. The log says which it was. */
void domain_stop(struct node_ctx *c, virDomainPtr d);
/* Destroys and undefines the instance's domain (if any, with its managed
 * save image) and removes its directory: disk, base link, config drive,
 * console log. */
void domain_remove(struct node_ctx *c, const char *id);

#endif
