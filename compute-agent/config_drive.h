/*
 * config_drive.h - the OpenStack config drive of an instance: an ISO
 * labelled "config-2" holding openstack/latest/meta_data.json (uuid,
 * hostname, name, public key, metadata, availability zone) and user_data,
 * made with genisoimage as Nova does.
 */
#ifndef CONFIG_DRIVE_H
#define CONFIG_DRIVE_H

#include "boot_spec.h"

/* Writes the config drive of spec to iso, using dir/config as scratch
 * space (removed again). Returns 0, or -1 with the error. */
int cdrive_make(const char *dir, const struct boot_spec *spec,
    const char *iso);

#endif
