/*
 * vm_xml.h - libvirt domain XML for an instance. A spec (from the
 * controller's JSON, checked field by field) becomes the XML text through
 * an escaping writer: no value from outside is pasted unescaped.
 * Errors: vm_spec_from_json records GR_ERR_BAD_REQUEST naming the field.
 */
#ifndef VM_XML_H
#define VM_XML_H

#include <jansson.h>

#define VM_MAX_NICS	8

struct vm_nic {
	char	 mac[18];	/* "52:54:00:12:34:56" */
	char	*bridge;	/* Linux bridge, or NULL for user-mode NAT */
	char	*model;		/* virtio | e1000 | rtl8139 */
	char	*tap;		/* tap device name, or NULL */
	int	 mtu;		/* 0 = default */
};

struct vm_spec {
	char		 uuid[37];
	char		*name;		/* libvirt domain name */
	char		*display_name;	/* the user's server name (metadata) */
	char		*flavor_name;
	int		 vcpus;
	long		 memory_mb;
	char		*disk_path;
	char		*disk_format;	/* qcow2 | raw */
	char		*disk_bus;	/* virtio | ide | sata */
	char		*config_drive;	/* ISO path, or NULL */
	char		*console_log;	/* serial console file */
	char		*virt_type;	/* qemu (TCG) | kvm */
	struct vm_nic	 nics[VM_MAX_NICS];
	int		 nnics;
};

/* Fills s from JSON; 0, or -1 with the error (s then needs no freeing). */
int vm_spec_from_json(json_t *j, struct vm_spec *s);
void vm_spec_free(struct vm_spec *s);
/* The domain XML (a new string; never NULL). */
char *vm_xml(const struct vm_spec *s);

#endif
