/*
 * boot.h - the boot pipeline of one instance, on its own task: the base
 * image from the node cache, the disk (disk.c), the config drive
 * (config_drive.c), the domain XML (vm_xml.c), then libvirt's define and
 * start of the persistent domain "instance-<uuid>". The log gives each
 * phase's time; the controller gets an "spawned" report, or "error" with
 * the reason, and a failed boot leaves no domain and no directory.
 */
#ifndef BOOT_H
#define BOOT_H

#include "boot_spec.h"
#include "node.h"

/*
 * Starts booting spec on a task of c. On success the task owns *spec
 * (it is moved out; *spec is zeroed). Returns 0, or -1 with the error
 * (the agent is stopping, or no thread) with *spec still the caller's.
 */
int boot_start(struct node_ctx *c, struct boot_spec *spec);

#endif
