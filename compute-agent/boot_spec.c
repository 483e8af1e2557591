/* boot_spec.c - see boot_spec.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "boot_spec.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"

static const char *const spec_keys[] = { "id", "name", "flavor_name",
    "vcpus", "memory_mb", "disk_gb", "image_id", "disk_provisioning",
    "disk_bus", "vif_model", "user_data", "public_key", "metadata", "nics", NULL };
static const char *const nic_keys[] = { "port_id", "mac", "tap", "mtu",
    NULL };
static const char *const provs[] = { "thin", "thick", NULL };
static const char *const buses[] = { "virtio", "ide", "sata", NULL };
static const char *const vifs[] = { "virtio", "e1000", "rtl8139", NULL };

int
boot_spec_is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		int dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	}
	return s[36] == '\0';
}

/* A required UUID field, copied to out. */
static int
get_uuid(json_t *j, const char *key, char out[37])
{
	const char *v;

	if (gr_json_str(j, key, 1, 36, &v) < 0)
		return -1;
	if (!boot_spec_is_uuid(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must be a "
		    "lower-case UUID, not '%s'.", key, v);
		return -1;
	}
	memcpy(out, v, 37);
	return 0;
}

/* An optional member, one of the NULL-ended list (default: its first),
 * copied to out. */
static int
get_enum(json_t *j, const char *key, const char *const *allowed,
    char *out, size_t outlen, int *index)
{
	const char *v = allowed[0];

	if (gr_json_str(j, key, 0, outlen - 1, &v) < 0)
		goto bad;
	for (int i = 0; allowed[i]; i++)
		if (strcmp(allowed[i], v) == 0) {
			if (out)
				snprintf(out, outlen, "%s", v);
			if (index)
				*index = i;
			return 0;
		}
bad:
	gr_err_clear();
	gr_error(GR_ERR_BAD_REQUEST, "The field '%s' must be one of %s%s%s%s%s.",
	    key, allowed[0], allowed[1] ? ", " : "", allowed[1] ? allowed[1] :
	    "", allowed[2] ? ", " : "", allowed[2] ? allowed[2] : "");
	return -1;
}

/* user_data: base64 of at most BOOT_USER_DATA_MAX bytes, decoded. */
static int
get_user_data(json_t *j, struct boot_spec *out)
{
	const char *b64 = "";
	size_t n;
	int len;

	if (gr_json_str(j, "user_data", 0, BOOT_USER_DATA_MAX, &b64) < 0)
		return -1;
	if ((n = strlen(b64)) == 0)
		return 0;
	out->user_data = gr_xmalloc(n);
	len = n % 4 ? -1 : EVP_DecodeBlock(out->user_data,
	    (const unsigned char *)b64, (int)n);
	if (len < 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'user_data' must be "
		    "base64.");
		return -1;
	}
	/* EVP_DecodeBlock counts the '=' padding as zero bytes. */
	while (len > 0 && n > 0 && b64[--n] == '=')
		len--;
	out->user_data_len = (size_t)len;
	return 0;
}

/* metadata: at most BOOT_META_MAX pairs of short strings. */
static int
get_metadata(json_t *j, struct boot_spec *out)
{
	json_t *m = NULL, *v;
	const char *key;

	if (gr_json_object(j, "metadata", 0, &m) < 0)
		return -1;
	if (m == NULL) {
		out->metadata = json_object();
		return 0;
	}
	if (json_object_size(m) > BOOT_META_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'metadata' has %zu "
		    "items; at most %d are allowed.", json_object_size(m),
		    BOOT_META_MAX);
		return -1;
	}
	json_object_foreach(m, key, v) {
		if (gr_check_name("metadata key", key, BOOT_META_LEN) < 0)
			return -1;
		if (!json_is_string(v) || json_string_length(v) >
		    BOOT_META_LEN || strlen(json_string_value(v)) !=
		    json_string_length(v)) {
			gr_error(GR_ERR_BAD_REQUEST, "The field 'metadata' has "
			    "a value for '%s' that is not a string of at most "
			    "%d bytes.", key, BOOT_META_LEN);
			return -1;
		}
	}
	out->metadata = json_deep_copy(m);
	return 0;
}

/* nics[i].key, a required string of at most maxlen bytes. */
static int
nic_str(json_t *o, int i, const char *key, size_t maxlen, const char **out)
{
	json_t *v = json_object_get(o, key);

	if (v == NULL || json_is_null(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'nics[%d].%s' is "
		    "required.", i, key);
		return -1;
	}
	if (!json_is_string(v) || json_string_length(v) > maxlen ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'nics[%d].%s' must be "
		    "a string of at most %zu bytes.", i, key, maxlen);
		return -1;
	}
	*out = json_string_value(v);
	return 0;
}

/* Six lower-case hex pairs separated by ':', the group bit clear. */
static int
is_mac(const char *m)
{
	size_t i;

	for (i = 0; m[i] && i < 17; i++)
		if (i % 3 == 2 ? m[i] != ':' : !strchr("0123456789abcdef",
		    m[i]))
			return 0;
	return i == 17 && m[i] == '\0' && !(strtoul(m, NULL, 16) & 1);
}

/* nics[i]: port_id, mac, tap (the port's own: "tap" + port_id[:11], as
 * the network agent names it) and mtu. */
static int
get_nic(json_t *o, int i, struct boot_nic *n)
{
	const char *port, *mac, *tap;
	json_t *mtu;
	char label[24], want[16];

	snprintf(label, sizeof(label), "boot spec nics[%d]", i);
	if (!json_is_object(o)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'nics[%d]' must be an "
		    "object.", i);
		return -1;
	}
	if (gr_json_only(o, label, nic_keys) < 0 ||
	    nic_str(o, i, "port_id", 36, &port) < 0)
		return -1;
	if (!boot_spec_is_uuid(port)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'nics[%d].port_id' must "
		    "be a lower-case UUID, not '%s'.", i, port);
		return -1;
	}
	if (nic_str(o, i, "mac", 17, &mac) < 0)
		return -1;
	if (!is_mac(mac)) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'nics[%d].mac' must be "
		    "a lower-case unicast MAC address such as "
		    "'fa:16:3e:12:34:56', not '%s'.", i, mac);
		return -1;
	}
	snprintf(want, sizeof(want), "tap%.11s", port);
	if (nic_str(o, i, "tap", 15, &tap) < 0)
		return -1;
	if (strcmp(tap, want) != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'nics[%d].tap' must be "
		    "'%s' (the tap of port %s), not '%s'.", i, want, port, tap);
		return -1;
	}
	mtu = json_object_get(o, "mtu");
	if (!json_is_integer(mtu) || json_integer_value(mtu) < 68 ||
	    json_integer_value(mtu) > 9000) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'nics[%d].mtu' must be "
		    "an integer from 68 to 9000.", i);
		return -1;
	}
	memcpy(n->port_id, port, sizeof(n->port_id));
	memcpy(n->mac, mac, sizeof(n->mac));
	memcpy(n->tap, tap, strlen(tap) + 1);
	n->mtu = (int)json_integer_value(mtu);
	return 0;
}

/* nics: at most BOOT_NICS_MAX, each port and MAC once. */
static int
get_nics(json_t *j, struct boot_spec *out)
{
	json_t *nics = NULL;
	size_t count;

	if (gr_json_array(j, "nics", 0, &nics) < 0)
		return -1;
	if ((count = json_array_size(nics)) > BOOT_NICS_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'nics' has %zu entries; "
		    "at most %d are allowed.", count, BOOT_NICS_MAX);
		return -1;
	}
	for (int i = 0; i < (int)count; i++) {
		struct boot_nic *n = &out->nics[i];

		if (get_nic(json_array_get(nics, i), i, n) < 0)
			return -1;
		for (int k = 0; k < i; k++) {
			if (strcmp(out->nics[k].port_id, n->port_id) == 0 ||
			    strcmp(out->nics[k].mac, n->mac) == 0) {
				gr_error(GR_ERR_BAD_REQUEST, "The field "
				    "'nics[%d]' has the port or MAC of "
				    "nics[%d].", i, k);
				return -1;
			}
		}
	}
	out->nnics = (int)count;
	return 0;
}

int
boot_spec_parse(json_t *j, struct boot_spec *out)
{
	const char *name, *flavor = "", *key = "";
	long long vcpus, mem, disk;
	int prov = 0;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j)) {
		gr_error(GR_ERR_BAD_REQUEST, "The boot spec must be a JSON "
		    "object.");
		return -1;
	}
	if (gr_json_only(j, "boot spec", spec_keys) < 0 ||
	    get_uuid(j, "id", out->id) < 0 ||
	    gr_json_name(j, "name", 1, BOOT_NAME_MAX, &name) < 0 ||
	    gr_json_name(j, "flavor_name", 0, BOOT_NAME_MAX, &flavor) < 0 ||
	    gr_json_int(j, "vcpus", 1, 1, 256, &vcpus) < 0 ||
	    gr_json_int(j, "memory_mb", 1, 16, 1048576, &mem) < 0 ||
	    gr_json_int(j, "disk_gb", 1, 0, BOOT_DISK_GB_MAX, &disk) < 0 ||
	    get_uuid(j, "image_id", out->image_id) < 0 ||
	    get_enum(j, "disk_provisioning", provs, NULL, 8, &prov) < 0 ||
	    get_enum(j, "disk_bus", buses, out->disk_bus,
	    sizeof(out->disk_bus), NULL) < 0 ||
	    get_enum(j, "vif_model", vifs, out->vif_model,
	    sizeof(out->vif_model), NULL) < 0 ||
	    gr_json_str(j, "public_key", 0, BOOT_KEY_MAX, &key) < 0)
		return -1;
	if (get_nics(j, out) < 0) {
		memset(out, 0, sizeof(*out));
		return -1;
	}
	if (get_user_data(j, out) < 0 || get_metadata(j, out) < 0) {
		boot_spec_free(out);
		return -1;
	}
	out->name = gr_xstrdup(name);
	out->flavor_name = gr_xstrdup(flavor);
	out->public_key = gr_xstrdup(key);
	out->vcpus = (int)vcpus;
	out->memory_mb = (long)mem;
	out->disk_gb = (long)disk;
	out->prov = prov == 1 ? BOOT_THICK : BOOT_THIN;
	return 0;
}

int
boot_config_parse(json_t *j, const char *id, struct boot_spec *out)
{
	static const char *const keys[] = { "name", "user_data", "public_key",
	    "metadata", NULL };
	const char *name, *key = "";

	memset(out, 0, sizeof(*out));
	if (!json_is_object(j)) {
		gr_error(GR_ERR_BAD_REQUEST, "The config must be a JSON object.");
		return -1;
	}
	if (gr_json_only(j, "config", keys) < 0 ||
	    gr_json_name(j, "name", 1, BOOT_NAME_MAX, &name) < 0 ||
	    gr_json_str(j, "public_key", 0, BOOT_KEY_MAX, &key) < 0)
		return -1;
	if (get_user_data(j, out) < 0 || get_metadata(j, out) < 0) {
		boot_spec_free(out);
		return -1;
	}
	snprintf(out->id, sizeof(out->id), "%s", id);
	out->name = gr_xstrdup(name);
	out->flavor_name = gr_xstrdup("");
	out->public_key = gr_xstrdup(key);
	return 0;
}

void
boot_spec_free(struct boot_spec *s)
{
	if (s == NULL)
		return;
	free(s->name);
	free(s->flavor_name);
	free(s->user_data);
	free(s->public_key);
	json_decref(s->metadata);
	memset(s, 0, sizeof(*s));
}
