/*
 * agent.h - the compute agent's signed HTTP API (agent_api.c): its route
 * table, the one place a controller's call to this node comes in. The
 * image cache routes are served there; the instance routes by
 * instances.c. The agent's modules, each with its header:
 *
 *	main.c		set-up, the heartbeat tick, teardown in reverse order
 *	inventory.c	what the node offers (libvirt, disk, settings)
 *	imgcache.c	base images downloaded once per node
 *	instances.c	the instance handlers and the operations' table
 *	boot_spec.c	the boot spec checked at the boundary
 *	boot.c		the boot pipeline: image, disk, config drive, domain
 *	disk.c		thin (qcow2 overlay) and thick (preallocated raw) disks
 *	config_drive.c	the OpenStack config drive
 *	domain.c	an instance's libvirt domain: lookup, power, stop
 *	snapshot.c	a paused copy of the disk uploaded as an image
 *	reconcile.c	resync after restart, orphans, power-state sync
 *	report.c	the calls to the controller: state reports, listing
 *	vm_xml.c	the libvirt domain XML
 */
#ifndef AGENT_H
#define AGENT_H

#include "gr_http.h"
#include "imgcache.h"

/* agent_api.c */
extern const struct gr_route agent_routes[];
extern const size_t agent_nroutes;
/* Sets the image cache the cache routes use (main.c owns it). */
void agent_api_init(struct imgcache *c);

#endif
