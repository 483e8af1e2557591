/* vm_xml.c - see vm_xml.h. */
#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "vm_xml.h"

#define PATH_MAXLEN	4096	/* bytes of a path in the spec */
#define NAME_MAXLEN	255	/* bytes of a display or flavor name */
#define DOMNAME_MAXLEN	64	/* bytes of a libvirt domain name */
#define IFNAME_MAXLEN	15	/* IFNAMSIZ - 1 */

#define GUREUM_NS	"https://gureum.invalid/xmlns/instance/1"

static const char *const spec_keys[] = { "uuid", "name", "display_name",
    "flavor_name", "vcpus", "memory_mb", "disk_path", "disk_format",
    "disk_bus", "config_drive", "console_log", "virt_type", "nics", NULL };
static const char *const nic_keys[] = { "mac", "bridge", "model", "tap",
    "mtu", NULL };
static const char *const disk_formats[] = { "qcow2", "raw", NULL };
static const char *const disk_buses[] = { "virtio", "ide", "sata", NULL };
static const char *const nic_models[] = { "virtio", "e1000", "rtl8139",
    NULL };
static const char *const virt_types[] = { "qemu", "kvm", NULL };

/*
 * Checking the JSON. Fields are labelled as the controller wrote them:
 * "vcpus" at the top level, "nics[1].mac" inside a NIC (pfx "nics[1].").
 */

/* A string member: UTF-8, no control characters, no U+FFFE or U+FFFF,
 * 1..maxlen bytes. Returns 1 (*out set), 0 when absent or null and not
 * required (*out NULL), -1. */
static int
get_str(json_t *o, const char *pfx, const char *key, int required,
    size_t maxlen, const char **out)
{
	json_t *v = json_object_get(o, key);
	char label[48];

	*out = NULL;
	snprintf(label, sizeof(label), "%s%s", pfx, key);
	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' is required.",
		    label);
		return -1;
	}
	if (!json_is_string(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must be a string.",
		    label);
		return -1;
	}
	if (strlen(json_string_value(v)) != json_string_length(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' contains a NUL "
		    "character.", label);
		return -1;
	}
	if (gr_check_name(label, json_string_value(v), maxlen) < 0)
		return -1;
	/* The two code points UTF-8 allows and XML 1.0 does not. */
	if (strstr(json_string_value(v), "\xef\xbf\xbe") ||
	    strstr(json_string_value(v), "\xef\xbf\xbf")) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' contains U+FFFE or "
		    "U+FFFF, which XML cannot hold.", label);
		return -1;
	}
	*out = json_string_value(v);
	return 1;
}

/* An integer member in min..max; 1, 0 (absent, not required) or -1. */
static int
get_int(json_t *o, const char *pfx, const char *key, int required,
    long long min, long long max, long long *out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v)) {
		if (!required)
			return 0;
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s%s' is required.",
		    pfx, key);
		return -1;
	}
	if (!json_is_integer(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s%s' must be an "
		    "integer from %lld to %lld.", pfx, key, min, max);
		return -1;
	}
	*out = json_integer_value(v);
	if (*out < min || *out > max) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s%s' is %lld; it "
		    "must be from %lld to %lld.", pfx, key, *out, min, max);
		return -1;
	}
	return 1;
}

/* A required string member that must be one of the NULL-ended list. */
static int
get_enum(json_t *o, const char *pfx, const char *key,
    const char *const *allowed, const char **out)
{
	struct gr_buf list = GR_BUF_INIT(0);

	if (get_str(o, pfx, key, 1, NAME_MAXLEN, out) < 0)
		return -1;
	for (const char *const *a = allowed; *a; a++)
		if (strcmp(*out, *a) == 0)
			return 1;
	for (const char *const *a = allowed; *a; a++)
		gr_buf_printf(&list, "%s%s", a == allowed ? "" : a[1] ? ", " :
		    " or ", *a);
	gr_error(GR_ERR_BAD_REQUEST, "The field '%s%s' is '%s'; it must be %s.",
	    pfx, key, *out, list.data);
	gr_buf_free(&list);
	return -1;
}

/* 8-4-4-4-12 lower-case hex digits. */
static int
check_uuid(const char *label, const char *u)
{
	size_t i;

	for (i = 0; u[i] && i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? u[i] != '-' : !strchr("0123456789abcdef", u[i]))
			break;
	}
	if (i == 36 && u[i] == '\0')
		return 0;
	gr_error(GR_ERR_BAD_REQUEST, "The field '%s' is '%s'; it must be a "
	    "lower-case UUID.", label, u);
	return -1;
}

/* Six lower-case hex pairs separated by ':', the group bit clear. */
static int
check_mac(const char *label, const char *m)
{
	size_t i;

	for (i = 0; m[i] && i < 17; i++) {
		if (i % 3 == 2 ? m[i] != ':' : !strchr("0123456789abcdef",
		    m[i]))
			break;
	}
	if (i == 17 && m[i] == '\0' && !(strtoul(m, NULL, 16) & 1))
		return 0;
	gr_error(GR_ERR_BAD_REQUEST, "The field '%s' is '%s'; it must be a "
	    "lower-case unicast MAC address such as '52:54:00:12:34:56'.",
	    label, m);
	return -1;
}

/* An absolute path with no ".." component (control characters and bad
 * UTF-8 are already refused by get_str). Quotes and '<' are fine: the
 * writer escapes them. */
static int
check_path(const char *label, const char *p)
{
	if (p[0] != '/') {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' is '%s'; it must "
		    "be an absolute path.", label, p);
		return -1;
	}
	for (const char *c = p; c; c = strchr(c + 1, '/')) {
		if (strncmp(c, "/..", 3) != 0 || (c[3] != '/' && c[3] != '\0'))
			continue;
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' is '%s'; it must "
		    "not contain a '..' component.", label, p);
		return -1;
	}
	return 0;
}

/* A network interface name we create: 1..15 of a-z, 0-9 and '-'. */
static int
check_ifname(const char *label, const char *s)
{
	size_t n = strlen(s);

	if (n <= IFNAME_MAXLEN &&
	    strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789-") == n)
		return 0;
	gr_error(GR_ERR_BAD_REQUEST, "The field '%s' is '%s'; it must be 1 to "
	    "%d characters of a-z, 0-9 and '-'.", label, s, IFNAME_MAXLEN);
	return -1;
}

/* A NIC's own members; the checks across NICs are in get_nics. */
static int
get_nic(json_t *o, const char *pfx, struct vm_nic *n)
{
	char label[48];
	const char *mac, *bridge, *model, *tap;
	long long mtu = 0;

	/* pfx is "nics[N]."; the NIC itself is "nics[N]". */
	if (!json_is_object(o)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%.*s' must be an "
		    "object.", (int)strlen(pfx) - 1, pfx);
		return -1;
	}
	snprintf(label, sizeof(label), "NIC %.*s", (int)strlen(pfx) - 1, pfx);
	if (gr_json_only(o, label, nic_keys) < 0 ||
	    get_str(o, pfx, "mac", 1, NAME_MAXLEN, &mac) < 0)
		return -1;
	snprintf(label, sizeof(label), "%smac", pfx);
	if (check_mac(label, mac) < 0 ||
	    get_str(o, pfx, "bridge", 0, NAME_MAXLEN, &bridge) < 0)
		return -1;
	snprintf(label, sizeof(label), "%sbridge", pfx);
	if ((bridge && check_ifname(label, bridge) < 0) ||
	    get_enum(o, pfx, "model", nic_models, &model) < 0 ||
	    get_str(o, pfx, "tap", 0, NAME_MAXLEN, &tap) < 0)
		return -1;
	snprintf(label, sizeof(label), "%stap", pfx);
	if (tap && check_ifname(label, tap) < 0)
		return -1;
	if (get_int(o, pfx, "mtu", 0, 68, 9000, &mtu) < 0)
		return -1;
	memcpy(n->mac, mac, sizeof(n->mac));
	n->bridge = bridge ? gr_xstrdup(bridge) : NULL;
	n->model = gr_xstrdup(model);
	n->tap = tap ? gr_xstrdup(tap) : NULL;
	n->mtu = (int)mtu;
	return 0;
}

/* NIC i has a MAC and a tap name of its own. */
static int
nic_unique(const struct vm_spec *s, int i, const char *pfx)
{
	const struct vm_nic *n = &s->nics[i];

	for (int k = 0; k < i; k++) {
		const struct vm_nic *o = &s->nics[k];

		if (strcmp(n->mac, o->mac) == 0) {
			gr_error(GR_ERR_BAD_REQUEST, "The field '%smac' is "
			    "'%s', the same as nics[%d].mac.", pfx, n->mac, k);
			return -1;
		}
		if (n->tap && o->tap && strcmp(n->tap, o->tap) == 0) {
			gr_error(GR_ERR_BAD_REQUEST, "The field '%stap' is "
			    "'%s', the same as nics[%d].tap.", pfx, n->tap, k);
			return -1;
		}
	}
	return 0;
}

/* The optional "nics" list: at most VM_MAX_NICS, MACs and taps unique. */
static int
get_nics(json_t *j, struct vm_spec *s)
{
	json_t *nics = NULL;
	char pfx[32];

	if (gr_json_array(j, "nics", 0, &nics) < 0)
		return -1;
	if (json_array_size(nics) > VM_MAX_NICS) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'nics' has %zu "
		    "entries; at most %d are allowed.", json_array_size(nics),
		    VM_MAX_NICS);
		return -1;
	}
	for (int i = 0; i < (int)json_array_size(nics); i++) {
		struct vm_nic *n = &s->nics[i];

		snprintf(pfx, sizeof(pfx), "nics[%d].", i);
		if (get_nic(json_array_get(nics, i), pfx, n) < 0)
			return -1;
		s->nnics++;
		if (nic_unique(s, i, pfx) < 0)
			return -1;
	}
	return 0;
}

/* A required or optional path member, checked and copied into *out. */
static int
get_path(json_t *j, const char *key, int required, char **out)
{
	const char *p;
	int r = get_str(j, "", key, required, PATH_MAXLEN, &p);

	if (r <= 0)
		return r;
	if (check_path(key, p) < 0)
		return -1;
	*out = gr_xstrdup(p);
	return 1;
}

/* Copies a checked string member (or "" / NULL when absent). */
static int
get_copy(json_t *j, const char *key, int required, size_t maxlen,
    const char *dflt, char **out)
{
	const char *v;
	int r = get_str(j, "", key, required, maxlen, &v);

	if (r < 0)
		return -1;
	*out = r ? gr_xstrdup(v) : dflt ? gr_xstrdup(dflt) : NULL;
	return 0;
}

static int
get_enum_copy(json_t *j, const char *key, const char *const *allowed,
    char **out)
{
	const char *v;

	if (get_enum(j, "", key, allowed, &v) < 0)
		return -1;
	*out = gr_xstrdup(v);
	return 0;
}

int
vm_spec_from_json(json_t *j, struct vm_spec *out)
{
	const char *uuid;
	long long vcpus, mem;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j)) {
		gr_error(GR_ERR_BAD_REQUEST, "The instance spec must be a JSON "
		    "object.");
		return -1;
	}
	if (gr_json_only(j, "instance spec", spec_keys) < 0 ||
	    get_str(j, "", "uuid", 1, NAME_MAXLEN, &uuid) < 0 ||
	    check_uuid("uuid", uuid) < 0)
		return -1;
	memcpy(out->uuid, uuid, sizeof(out->uuid));
	if (get_copy(j, "name", 1, DOMNAME_MAXLEN, NULL, &out->name) < 0)
		goto fail;
	if (strchr(out->name, '/')) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'name' is '%s'; a "
		    "domain name must not contain '/'.", out->name);
		goto fail;
	}
	if (get_copy(j, "display_name", 1, NAME_MAXLEN, NULL,
	    &out->display_name) < 0 ||
	    get_copy(j, "flavor_name", 0, NAME_MAXLEN, "",
	    &out->flavor_name) < 0 ||
	    get_int(j, "", "vcpus", 1, 1, 256, &vcpus) < 0 ||
	    get_int(j, "", "memory_mb", 1, 16, 1048576, &mem) < 0 ||
	    get_path(j, "disk_path", 1, &out->disk_path) < 0 ||
	    get_enum_copy(j, "disk_format", disk_formats,
	    &out->disk_format) < 0 ||
	    get_enum_copy(j, "disk_bus", disk_buses, &out->disk_bus) < 0 ||
	    get_path(j, "config_drive", 0, &out->config_drive) < 0 ||
	    get_path(j, "console_log", 1, &out->console_log) < 0 ||
	    get_enum_copy(j, "virt_type", virt_types, &out->virt_type) < 0 ||
	    get_nics(j, out) < 0)
		goto fail;
	out->vcpus = (int)vcpus;
	out->memory_mb = (long)mem;
	return 0;
fail:
	vm_spec_free(out);
	return -1;
}

void
vm_spec_free(struct vm_spec *s)
{
	if (s == NULL)
		return;
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

/*
 * The element writer: one element per line, two spaces per level. Element
 * and attribute names are literals of this file; every attribute value and
 * text goes through xw_escape. Attributes are name/value pairs ending with
 * NULL.
 */
#define XW_DEPTH	8

struct xw {
	struct gr_buf	 b;		/* the document so far */
	const char	*open[XW_DEPTH]; /* names of the open elements */
	int		 depth;		/* how many are open */
};

/* Appends s escaped for both text and single- or double-quoted values. */
static void
xw_escape(struct gr_buf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&':  gr_buf_puts(b, "&amp;"); break;
		case '<':  gr_buf_puts(b, "&lt;"); break;
		case '>':  gr_buf_puts(b, "&gt;"); break;
		case '"':  gr_buf_puts(b, "&quot;"); break;
		case '\'': gr_buf_puts(b, "&apos;"); break;
		default:   gr_buf_add(b, s, 1);
		}
	}
}

/* Indentation, '<' name and the attributes, without the closing '>'. */
static void
xw_tag(struct xw *w, const char *name, va_list ap)
{
	const char *attr, *val;

	for (int i = 0; i < w->depth; i++)
		gr_buf_puts(&w->b, "  ");
	gr_buf_printf(&w->b, "<%s", name);
	while ((attr = va_arg(ap, const char *)) != NULL) {
		val = va_arg(ap, const char *);
		gr_buf_printf(&w->b, " %s='", attr);
		xw_escape(&w->b, val);
		gr_buf_puts(&w->b, "'");
	}
}

/* <name a='v'> on its own line; children follow until xw_end. */
__attribute__((sentinel)) static void
xw_start(struct xw *w, const char *name, ...)
{
	va_list ap;

	assert(w->depth < XW_DEPTH);
	va_start(ap, name);
	xw_tag(w, name, ap);
	va_end(ap);
	gr_buf_puts(&w->b, ">\n");
	w->open[w->depth++] = name;
}

/* <name a='v'/> */
__attribute__((sentinel)) static void
xw_empty(struct xw *w, const char *name, ...)
{
	va_list ap;

	va_start(ap, name);
	xw_tag(w, name, ap);
	va_end(ap);
	gr_buf_puts(&w->b, "/>\n");
}

/* <name a='v'>text</name> */
__attribute__((sentinel)) static void
xw_text(struct xw *w, const char *name, const char *text, ...)
{
	va_list ap;

	va_start(ap, text);
	xw_tag(w, name, ap);
	va_end(ap);
	gr_buf_puts(&w->b, ">");
	xw_escape(&w->b, text);
	gr_buf_printf(&w->b, "</%s>\n", name);
}

/* Closes the innermost open element. */
static void
xw_end(struct xw *w)
{
	assert(w->depth > 0);
	w->depth--;
	for (int i = 0; i < w->depth; i++)
		gr_buf_puts(&w->b, "  ");
	gr_buf_printf(&w->b, "</%s>\n", w->open[w->depth]);
}

/* v as decimal text in buf, for attribute values and text. */
static const char *
num(char buf[24], long long v)
{
	snprintf(buf, 24, "%lld", v);
	return buf;
}

/*
 * Writing the domain: name, metadata and resources, then the platform
 * (firmware, CPU model, clock, lifecycle), then the devices.
 */

static void
put_identity(struct xw *w, const struct vm_spec *s)
{
	char kib[24], vcpus[24];

	xw_text(w, "name", s->name, NULL);
	xw_text(w, "uuid", s->uuid, NULL);
	xw_start(w, "metadata", NULL);
	xw_start(w, "gureum:instance", "xmlns:gureum", GUREUM_NS, NULL);
	xw_text(w, "gureum:name", s->display_name, NULL);
	xw_text(w, "gureum:flavor", s->flavor_name, NULL);
	xw_end(w);
	xw_end(w);
	num(kib, (long long)s->memory_mb * 1024);
	xw_text(w, "memory", kib, "unit", "KiB", NULL);
	xw_text(w, "currentMemory", kib, "unit", "KiB", NULL);
	xw_text(w, "vcpu", num(vcpus, s->vcpus), "placement", "static", NULL);
}

/* TCG emulates a plain qemu64 CPU; KVM passes the host's model through. */
static void
put_platform(struct xw *w, const struct vm_spec *s)
{
	xw_start(w, "os", NULL);
	xw_text(w, "type", "hvm", "arch", "x86_64", "machine", "pc", NULL);
	xw_empty(w, "boot", "dev", "hd", NULL);
	xw_end(w);
	xw_start(w, "features", NULL);
	xw_empty(w, "acpi", NULL);
	xw_empty(w, "apic", NULL);
	xw_end(w);
	if (strcmp(s->virt_type, "kvm") == 0) {
		xw_empty(w, "cpu", "mode", "host-model", NULL);
	} else {
		xw_start(w, "cpu", "mode", "custom", "match", "exact", NULL);
		xw_text(w, "model", "qemu64", "fallback", "allow", NULL);
		xw_end(w);
	}
	xw_empty(w, "clock", "offset", "utc", NULL);
	xw_text(w, "on_poweroff", "destroy", NULL);
	xw_text(w, "on_reboot", "restart", NULL);
	xw_text(w, "on_crash", "destroy", NULL);
}

/* The root disk, and the config drive as a read-only IDE CD-ROM. */
static void
put_disks(struct xw *w, const struct vm_spec *s)
{
	const char *dev = strcmp(s->disk_bus, "ide") == 0 ? "hda" :
	    strcmp(s->disk_bus, "sata") == 0 ? "sda" : "vda";

	xw_start(w, "disk", "type", "file", "device", "disk", NULL);
	xw_empty(w, "driver", "name", "qemu", "type", s->disk_format, NULL);
	xw_empty(w, "source", "file", s->disk_path, NULL);
	xw_empty(w, "target", "dev", dev, "bus", s->disk_bus, NULL);
	xw_end(w);
	if (s->config_drive == NULL)
		return;
	xw_start(w, "disk", "type", "file", "device", "cdrom", NULL);
	xw_empty(w, "driver", "name", "qemu", "type", "raw", NULL);
	xw_empty(w, "source", "file", s->config_drive, NULL);
	xw_empty(w, "target", "dev", "hdd", "bus", "ide", NULL);
	xw_empty(w, "readonly", NULL);
	xw_end(w);
}

/*
 * A tap libvirt makes on a bridge; a tap someone else made (the network
 * agent: persistent, already on its bridge), which libvirt only opens
 * (type ethernet, managed='no'); or QEMU's user-mode NAT when there is
 * neither bridge nor tap.
 */
static void
put_nic(struct xw *w, const struct vm_nic *n)
{
	const char *type = n->bridge ? "bridge" : n->tap ? "ethernet" : "user";
	char mtu[24];

	xw_start(w, "interface", "type", type, NULL);
	xw_empty(w, "mac", "address", n->mac, NULL);
	if (n->bridge)
		xw_empty(w, "source", "bridge", n->bridge, NULL);
	if (n->tap && n->bridge)
		xw_empty(w, "target", "dev", n->tap, NULL);
	else if (n->tap)
		xw_empty(w, "target", "dev", n->tap, "managed", "no", NULL);
	xw_empty(w, "model", "type", n->model, NULL);
	if (n->mtu)
		xw_empty(w, "mtu", "size", num(mtu, n->mtu), NULL);
	xw_end(w);
}

/* The serial port is a pty, which libvirt's console streams attach to
 * (the live console), and everything the guest writes to it is also
 * appended to the log file (the console log); the console is that port.
 * No graphics: the video model is none. */
static void
put_console(struct xw *w, const struct vm_spec *s)
{
	xw_start(w, "serial", "type", "pty", NULL);
	xw_empty(w, "log", "file", s->console_log, "append", "on", NULL);
	xw_empty(w, "target", "port", "0", NULL);
	xw_end(w);
	xw_start(w, "console", "type", "pty", NULL);
	xw_empty(w, "log", "file", s->console_log, "append", "on", NULL);
	xw_empty(w, "target", "type", "serial", "port", "0", NULL);
	xw_end(w);
}

char *
vm_xml(const struct vm_spec *s)
{
	struct xw w = { .b = GR_BUF_INIT(0) };

	xw_start(&w, "domain", "type", s->virt_type, NULL);
	put_identity(&w, s);
	put_platform(&w, s);
	xw_start(&w, "devices", NULL);
	put_disks(&w, s);
	for (int i = 0; i < s->nnics; i++)
		put_nic(&w, &s->nics[i]);
	put_console(&w, s);
	xw_empty(&w, "memballoon", "model", "virtio", NULL);
	xw_start(&w, "video", NULL);
	xw_empty(&w, "model", "type", "none", NULL);
	xw_end(&w);
	xw_end(&w);
	xw_end(&w);
	assert(w.depth == 0);
	return gr_buf_steal(&w.b);
}
