/*
 * vm_xml.h - the libvirt domain XML of one instance.
 *
 * Owns struct vm_spec: the description of a guest that the controller sends
 * as JSON, checked field by field (vm_spec_from_json), and its rendering as
 * libvirt domain XML (vm_xml). The XML is written by an element writer that
 * escapes every attribute value and text node, so no value from outside
 * reaches the XML unescaped, and the output is byte-for-byte deterministic
 * (tests/domxml/ holds golden files).
 *
 * Errors: vm_spec_from_json records GR_ERR_BAD_REQUEST with a sentence
 * naming the field and its value, and returns -1. vm_xml cannot fail: like
 * gr_xmalloc, it aborts the process when memory runs out.
 */
#ifndef VM_XML_H
#define VM_XML_H

#include <jansson.h>

#define VM_MAX_NICS	8	/* NICs per instance */

struct vm_nic {
	char	 mac[18];	/* lower-case unicast, "52:54:00:12:34:56" */
	char	*bridge;	/* Linux bridge libvirt plugs into, or NULL */
	char	*model;		/* virtio | e1000 | rtl8139 */
	char	*tap;		/* tap device; without a bridge, one that
				 * exists (type ethernet, managed=no) */
	int	 mtu;		/* 68..9000; 0 = the bridge's */
};

struct vm_spec {
	char	 uuid[37];	/* lower-case UUID, the domain's too */
	char	*name;		/* libvirt domain name, "instance-<uuid>" */
	char	*display_name;	/* the user's server name (metadata) */
	char	*flavor_name;	/* for the metadata; "" if not given */
	int	 vcpus;		/* 1..256 */
	long	 memory_mb;	/* 16..1048576, memory and currentMemory */
	char	*disk_path;	/* absolute path of the root disk */
	char	*disk_format;	/* qcow2 | raw */
	char	*disk_bus;	/* virtio | ide | sata */
	char	*config_drive;	/* absolute ISO path, or NULL */
	char	*console_log;	/* absolute path the serial port writes */
	char	*virt_type;	/* qemu (TCG) | kvm */
	struct vm_nic nics[VM_MAX_NICS]; /* the first nnics are used */
	int	 nnics;		/* 0..VM_MAX_NICS */
};

/*
 * Fills *out from the JSON object j: every member is checked, unknown ones
 * are refused. Returns 0 (the caller frees with vm_spec_free), or -1 with
 * GR_ERR_BAD_REQUEST (*out is then zeroed and needs no freeing, though
 * vm_spec_free on it is harmless). Strings are copied; j is not kept.
 */
int vm_spec_from_json(json_t *j, struct vm_spec *out);
/* Frees what *s holds and zeroes it; accepts NULL and a zeroed spec. */
void vm_spec_free(struct vm_spec *s);
/*
 * The domain XML of a spec from vm_spec_from_json: a new NUL-terminated
 * string the caller frees. Never NULL.
 */
char *vm_xml(const struct vm_spec *s);

#endif
