/* vm_xml.c - see vm_xml.h. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "vm_xml.h"

static int
one_of(const char *field, const char *v, const char *const *ok)
{
	for (const char *const *o = ok; *o; o++)
		if (strcmp(v, *o) == 0)
			return 0;
	gr_error(GR_ERR_BAD_REQUEST, "The %s '%s' is not supported.", field, v);
	return -1;
}

/* An absolute path without ".." components or control characters. */
static int
check_path(const char *field, const char *p)
{
	if (p[0] != '/' || strstr(p, "/../") || (strlen(p) >= 3 &&
	    strcmp(p + strlen(p) - 3, "/..") == 0)) {
		gr_error(GR_ERR_BAD_REQUEST, "The %s '%s' must be an absolute "
		    "path without '..'.", field, p);
		return -1;
	}
	return gr_check_name(field, p, 4096);
}

static int
check_uuid(const char *u)
{
	if (strlen(u) != 36 || u[8] != '-' || u[13] != '-' || u[18] != '-' ||
	    u[23] != '-' || strspn(u, "0123456789abcdef-") != 36) {
		gr_error(GR_ERR_BAD_REQUEST, "The uuid '%s' is not a lower-case "
		    "UUID.", u);
		return -1;
	}
	return 0;
}

static int
check_mac(const char *m)
{
	unsigned b[6];
	char tail;

	if (strlen(m) != 17 || sscanf(m, "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0],
	    &b[1], &b[2], &b[3], &b[4], &b[5], &tail) != 6 ||
	    strspn(m, "0123456789abcdef:") != 17 || (b[0] & 1)) {
		gr_error(GR_ERR_BAD_REQUEST, "The MAC address '%s' is not a "
		    "lower-case unicast MAC.", m);
		return -1;
	}
	return 0;
}

static int
nic_from_json(json_t *j, struct vm_nic *n)
{
	static const char *const known[] = { "mac", "bridge", "model", "tap",
	    "mtu", NULL };
	static const char *const models[] = { "virtio", "e1000", "rtl8139",
	    NULL };
	const char *mac, *model, *bridge = NULL, *tap = NULL;
	long long mtu = 0;

	if (!json_is_object(j)) {
		gr_error(GR_ERR_BAD_REQUEST, "Each NIC must be an object.");
		return -1;
	}
	if (gr_json_only(j, "NIC", known) < 0 ||
	    gr_json_str(j, "mac", 1, 17, &mac) < 0 || check_mac(mac) < 0 ||
	    gr_json_str(j, "model", 1, 16, &model) < 0 ||
	    one_of("NIC model", model, models) < 0 ||
	    gr_json_name(j, "bridge", 0, 15, &bridge) < 0 ||
	    gr_json_str(j, "tap", 0, 64, &tap) < 0 ||
	    gr_json_int(j, "mtu", 0, 68, 9000, &mtu) < 0)
		return -1;
	if (tap && (strlen(tap) == 0 || strlen(tap) > 15 ||
	    strspn(tap, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(tap))) {
		gr_error(GR_ERR_BAD_REQUEST, "The tap name '%s' must be 1 to 15 "
		    "characters of a-z, 0-9 and '-'.", tap);
		return -1;
	}
	snprintf(n->mac, sizeof(n->mac), "%s", mac);
	n->model = gr_xstrdup(model);
	n->bridge = bridge ? gr_xstrdup(bridge) : NULL;
	n->tap = tap ? gr_xstrdup(tap) : NULL;
	n->mtu = (int)mtu;
	return 0;
}

int
vm_spec_from_json(json_t *j, struct vm_spec *s)
{
	static const char *const known[] = { "uuid", "name", "display_name",
	    "flavor_name", "vcpus", "memory_mb", "disk_path", "disk_format",
	    "disk_bus", "config_drive", "console_log", "virt_type", "nics",
	    NULL };
	static const char *const formats[] = { "qcow2", "raw", NULL };
	static const char *const buses[] = { "virtio", "ide", "sata", NULL };
	static const char *const virts[] = { "qemu", "kvm", NULL };
	const char *uuid, *name, *disp, *flavor = "", *disk, *fmt, *bus,
	    *cd = NULL, *log, *virt;
	long long vcpus, mem;
	json_t *nics = NULL;

	memset(s, 0, sizeof(*s));
	if (!json_is_object(j)) {
		gr_error(GR_ERR_BAD_REQUEST, "The spec must be an object.");
		return -1;
	}
	if (gr_json_only(j, "instance spec", known) < 0 ||
	    gr_json_str(j, "uuid", 1, 36, &uuid) < 0 || check_uuid(uuid) < 0 ||
	    gr_json_name(j, "name", 1, 64, &name) < 0 ||
	    gr_json_name(j, "display_name", 1, 255, &disp) < 0 ||
	    gr_json_name(j, "flavor_name", 0, 255, &flavor) < 0 ||
	    gr_json_int(j, "vcpus", 1, 1, 256, &vcpus) < 0 ||
	    gr_json_int(j, "memory_mb", 1, 16, 1048576, &mem) < 0 ||
	    gr_json_str(j, "disk_path", 1, 4096, &disk) < 0 ||
	    check_path("disk_path", disk) < 0 ||
	    gr_json_str(j, "disk_format", 1, 8, &fmt) < 0 ||
	    one_of("disk_format", fmt, formats) < 0 ||
	    gr_json_str(j, "disk_bus", 1, 8, &bus) < 0 ||
	    one_of("disk_bus", bus, buses) < 0 ||
	    gr_json_str(j, "config_drive", 0, 4096, &cd) < 0 ||
	    (cd && check_path("config_drive", cd) < 0) ||
	    gr_json_str(j, "console_log", 1, 4096, &log) < 0 ||
	    check_path("console_log", log) < 0 ||
	    gr_json_str(j, "virt_type", 1, 8, &virt) < 0 ||
	    one_of("virt_type", virt, virts) < 0 ||
	    gr_json_array(j, "nics", 0, &nics) < 0)
		return -1;
	if (json_array_size(nics) > VM_MAX_NICS) {
		gr_error(GR_ERR_BAD_REQUEST, "An instance may have at most %d "
		    "NICs, not %zu.", VM_MAX_NICS, json_array_size(nics));
		return -1;
	}
	for (size_t i = 0; i < json_array_size(nics); i++) {
		if (nic_from_json(json_array_get(nics, i), &s->nics[i]) < 0) {
			vm_spec_free(s);
			return -1;
		}
		s->nnics++;
	}
	snprintf(s->uuid, sizeof(s->uuid), "%s", uuid);
	s->name = gr_xstrdup(name);
	s->display_name = gr_xstrdup(disp);
	s->flavor_name = gr_xstrdup(flavor);
	s->vcpus = (int)vcpus;
	s->memory_mb = (long)mem;
	s->disk_path = gr_xstrdup(disk);
	s->disk_format = gr_xstrdup(fmt);
	s->disk_bus = gr_xstrdup(bus);
	s->config_drive = cd ? gr_xstrdup(cd) : NULL;
	s->console_log = gr_xstrdup(log);
	s->virt_type = gr_xstrdup(virt);
	return 0;
}

void
vm_spec_free(struct vm_spec *s)
{
	for (int i = 0; i < s->nnics; i++) {
		free(s->nics[i].bridge);
		free(s->nics[i].model);
		free(s->nics[i].tap);
	}
	free(s->name);
	free(s->display_name);
	free(s->flavor_name);
	free(s->disk_path);
	free(s->disk_format);
	free(s->disk_bus);
	free(s->config_drive);
	free(s->console_log);
	free(s->virt_type);
	memset(s, 0, sizeof(*s));
}

/* Appends s escaped for XML text and attribute values. */
static void
esc(struct gr_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': gr_buf_puts(b, "&amp;"); break;
		case '<': gr_buf_puts(b, "&lt;"); break;
		case '>': gr_buf_puts(b, "&gt;"); break;
		case '"': gr_buf_puts(b, "&quot;"); break;
		case '\'': gr_buf_puts(b, "&apos;"); break;
		default: gr_buf_add(b, s, 1);
		}
	}
}

/* Writes fmt, where each %s is an escaped string argument: the only way
 * values reach the XML. */
static void
put(struct gr_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	for (const char *f = fmt; *f; f++) {
		if (f[0] == '%' && f[1] == 's') {
			esc(b, va_arg(ap, const char *));
			f++;
		} else if (f[0] == '%' && f[1] == 'd') {
			gr_buf_printf(b, "%d", va_arg(ap, int));
			f++;
		} else if (f[0] == '%' && f[1] == 'l') {
			gr_buf_printf(b, "%ld", va_arg(ap, long));
			f++;
		} else {
			gr_buf_add(b, f, 1);
		}
	}
	va_end(ap);
}

static const char *
disk_dev(const char *bus)
{
	if (strcmp(bus, "ide") == 0)
		return "hda";
	if (strcmp(bus, "sata") == 0)
		return "sda";
	return "vda";
}

char *
vm_xml(const struct vm_spec *s)
{
	struct gr_buf b = GR_BUF_INIT(0);
	long kib = s->memory_mb * 1024;

	put(&b, "<domain type='%s'>\n", s->virt_type);
	put(&b, "  <name>%s</name>\n", s->name);
	put(&b, "  <uuid>%s</uuid>\n", s->uuid);
	put(&b, "  <metadata>\n");
	put(&b, "    <gureum:instance xmlns:gureum='https://gureum.invalid/xmlns/instance/1'>\n");
	put(&b, "      <gureum:name>%s</gureum:name>\n", s->display_name);
	put(&b, "      <gureum:flavor>%s</gureum:flavor>\n", s->flavor_name);
	put(&b, "    </gureum:instance>\n");
	put(&b, "  </metadata>\n");
	put(&b, "  <memory unit='KiB'>%l</memory>\n", kib);
	put(&b, "  <currentMemory unit='KiB'>%l</currentMemory>\n", kib);
	put(&b, "  <vcpu placement='static'>%d</vcpu>\n", s->vcpus);
	put(&b, "  <os>\n");
	put(&b, "    <type arch='x86_64' machine='pc'>hvm</type>\n");
	put(&b, "    <boot dev='hd'/>\n");
	put(&b, "  </os>\n");
	put(&b, "  <features>\n    <acpi/>\n    <apic/>\n  </features>\n");
	if (strcmp(s->virt_type, "kvm") == 0)
		put(&b, "  <cpu mode='host-model'/>\n");
	else
		put(&b, "  <cpu mode='custom' match='exact'>\n"
		    "    <model fallback='allow'>qemu64</model>\n  </cpu>\n");
	put(&b, "  <clock offset='utc'/>\n");
	put(&b, "  <on_poweroff>destroy</on_poweroff>\n");
	put(&b, "  <on_reboot>restart</on_reboot>\n");
	put(&b, "  <on_crash>destroy</on_crash>\n");
	put(&b, "  <devices>\n");
	put(&b, "    <disk type='file' device='disk'>\n");
	put(&b, "      <driver name='qemu' type='%s'/>\n", s->disk_format);
	put(&b, "      <source file='%s'/>\n", s->disk_path);
	put(&b, "      <target dev='%s' bus='%s'/>\n", disk_dev(s->disk_bus),
	    s->disk_bus);
	put(&b, "    </disk>\n");
	if (s->config_drive) {
		put(&b, "    <disk type='file' device='cdrom'>\n");
		put(&b, "      <driver name='qemu' type='raw'/>\n");
		put(&b, "      <source file='%s'/>\n", s->config_drive);
		put(&b, "      <target dev='hdd' bus='ide'/>\n");
		put(&b, "      <readonly/>\n");
		put(&b, "    </disk>\n");
	}
	for (int i = 0; i < s->nnics; i++) {
		const struct vm_nic *n = &s->nics[i];

		if (n->bridge) {
			put(&b, "    <interface type='bridge'>\n");
			put(&b, "      <source bridge='%s'/>\n", n->bridge);
		} else {
			put(&b, "    <interface type='user'>\n");
		}
		put(&b, "      <mac address='%s'/>\n", n->mac);
		if (n->tap)
			put(&b, "      <target dev='%s'/>\n", n->tap);
		put(&b, "      <model type='%s'/>\n", n->model);
		if (n->mtu)
			put(&b, "      <mtu size='%d'/>\n", n->mtu);
		put(&b, "    </interface>\n");
	}
	put(&b, "    <serial type='file'>\n");
	put(&b, "      <source path='%s' append='on'/>\n", s->console_log);
	put(&b, "      <target port='0'/>\n");
	put(&b, "    </serial>\n");
	put(&b, "    <console type='file'>\n");
	put(&b, "      <source path='%s' append='on'/>\n", s->console_log);
	put(&b, "      <target type='serial' port='0'/>\n");
	put(&b, "    </console>\n");
	put(&b, "    <video>\n      <model type='none'/>\n    </video>\n");
	put(&b, "    <memballoon model='virtio'/>\n");
	put(&b, "  </devices>\n");
	put(&b, "</domain>\n");
	return gr_buf_steal(&b);
}
