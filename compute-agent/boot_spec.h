/*
 * boot_spec.h - the boot spec the controller sends with POST
 * /v1/instances (controller/servers.c agent_spec()), parsed and checked
 * at the boundary, before any work starts: every field's type and bounds,
 * and no field the agent does not know. The boot pipeline (boot.c) uses
 * the struct only.
 *
 * Owns struct boot_spec: strings and the metadata are copies (the request
 * goes away before the boot ends), freed by boot_spec_free. Errors:
 * GR_ERR_BAD_REQUEST with a sentence naming the field, so the API answers
 * 400. Links only libgureum (the fuzz target fuzz/fuzz_boot_spec.c).
 */
#ifndef BOOT_SPEC_H
#define BOOT_SPEC_H

#include <stddef.h>

#include <jansson.h>

#define BOOT_NAME_MAX		255	/* bytes of name, flavor_name */
#define BOOT_USER_DATA_MAX	65535	/* bytes of base64, as Nova */
#define BOOT_KEY_MAX		16384	/* bytes of public_key */
#define BOOT_META_MAX		128	/* metadata pairs */
#define BOOT_META_LEN		255	/* bytes of a metadata key or value */
#define BOOT_DISK_GB_MAX	65536	/* disk_gb */
#define BOOT_NICS_MAX		8	/* nics, as vm_xml's VM_MAX_NICS */

/* One NIC on a port the network agent plugged: its tap exists (made
 * persistent, on its bridge) before the domain is defined. */
struct boot_nic {
	char		 port_id[37];	/* the port, a lower-case UUID */
	char		 mac[18];	/* lower-case unicast, "fa:16:3e:.." */
	char		 tap[16];	/* "tap" + port_id[:11] */
	int		 mtu;		/* 68..9000, the network's */
};

enum boot_prov { BOOT_THIN, BOOT_THICK };

struct boot_spec {
	char		 id[37];	/* the instance, a lower-case UUID */
	char		 image_id[37];	/* its base image, a UUID */
	char		*name;		/* the server's name, 1..255 bytes */
	char		*flavor_name;	/* "" when not given */
	int		 vcpus;		/* 1..256 */
	long		 memory_mb;	/* 16..1048576 */
	long		 disk_gb;	/* 0..65536; 0: the image's size */
	enum boot_prov	 prov;		/* disk_provisioning, default thin */
	char		 disk_bus[8];	/* virtio (default) | ide | sata */
	char		 vif_model[8];	/* virtio (default) | e1000 | rtl8139 */
	unsigned char	*user_data;	/* decoded user_data; NULL if none */
	size_t		 user_data_len;	/* bytes at user_data */
	char		*public_key;	/* "" when none */
	json_t		*metadata;	/* object of string pairs, own ref */
	struct boot_nic	 nics[BOOT_NICS_MAX]; /* the first nnics are used */
	int		 nnics;		/* 0: QEMU's user-mode network */
};

/*
 * Fills *out from the JSON object j. Returns 0 (free with
 * boot_spec_free), or -1 with GR_ERR_BAD_REQUEST naming the field; *out
 * then holds nothing to free (boot_spec_free on it is harmless).
 */
int boot_spec_parse(json_t *j, struct boot_spec *out);
/*
 * Fills the config-drive part of *out (name, user_data, public_key,
 * metadata) from j, for instance id: what a rebuild writes anew. Returns
 * 0 (free with boot_spec_free), or -1 with GR_ERR_BAD_REQUEST.
 */
int boot_config_parse(json_t *j, const char *id, struct boot_spec *out);
/* Frees what *s holds and zeroes it; accepts NULL. */
void boot_spec_free(struct boot_spec *s);
/* 1 when s is 36 lower-case UUID characters (8-4-4-4-12), else 0. */
int boot_spec_is_uuid(const char *s);

#endif
