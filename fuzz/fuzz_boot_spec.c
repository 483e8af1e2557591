/*
 * fuzz_boot_spec.c - libFuzzer target for the compute agent's boot spec
 * (compute-agent/boot_spec.c), the body of POST /v1/instances: the checks
 * of gr_req_json(), then boot_spec_parse().
 *
 * Besides the sanitizers, it checks the parser's contract and traps when
 * it fails: 0 means every field is in its bounds (ids are UUIDs, names
 * within length, user_data decoded within its size, metadata within its
 * count, each NIC's tap its port's); -1 means GR_ERR_BAD_REQUEST with a
 * message a fault body can carry, and a spec that holds nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "boot_spec.h"
#include "fuzz.h"
#include "gr_err.h"
#include "gr_util.h"

static int
one_of(const char *s, const char *a, const char *b, const char *c)
{
	return strcmp(s, a) == 0 || strcmp(s, b) == 0 || (c && strcmp(s, c) == 0);
}

static void
check_ok(const struct boot_spec *s)
{
	CHECK(boot_spec_is_uuid(s->id) && boot_spec_is_uuid(s->image_id));
	CHECK(s->name && strlen(s->name) >= 1 &&
	    strlen(s->name) <= BOOT_NAME_MAX);
	CHECK(s->flavor_name && strlen(s->flavor_name) <= BOOT_NAME_MAX);
	CHECK(s->vcpus >= 1 && s->vcpus <= 256);
	CHECK(s->memory_mb >= 16 && s->memory_mb <= 1048576);
	CHECK(s->disk_gb >= 0 && s->disk_gb <= BOOT_DISK_GB_MAX);
	CHECK(s->prov == BOOT_THIN || s->prov == BOOT_THICK);
	CHECK(one_of(s->disk_bus, "virtio", "ide", "sata"));
	CHECK(one_of(s->vif_model, "virtio", "e1000", "rtl8139"));
	CHECK(s->user_data_len <= BOOT_USER_DATA_MAX / 4 * 3);
	CHECK(s->user_data != NULL || s->user_data_len == 0);
	CHECK(s->public_key && strlen(s->public_key) <= BOOT_KEY_MAX);
	CHECK(json_is_object(s->metadata) &&
	    json_object_size(s->metadata) <= BOOT_META_MAX);
	CHECK(s->nnics >= 0 && s->nnics <= BOOT_NICS_MAX);
	for (int i = 0; i < s->nnics; i++) {
		const struct boot_nic *n = &s->nics[i];

		CHECK(boot_spec_is_uuid(n->port_id));
		CHECK(strlen(n->mac) == 17 && strncmp(n->tap, "tap", 3) == 0);
		CHECK(strncmp(n->tap + 3, n->port_id, 11) == 0 &&
		    strlen(n->tap) == 14);
		CHECK(n->mtu >= 68 && n->mtu <= 9000);
	}
}

FUZZ_JSON_SEEDED

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct boot_spec s;
	json_t *body = fuzz_json_body(data, size);

	if (body == NULL)
		return 0;
	gr_err_clear();
	if (boot_spec_parse(body, &s) == 0) {
		check_ok(&s);
		CHECK(gr_err_code() == GR_ERR_NONE);
	} else {
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST);
		CHECK(gr_err_msg()[0] != '\0');
		CHECK(s.name == NULL && s.metadata == NULL &&
		    s.user_data == NULL && s.nnics == 0);
		fuzz_check_fault();
	}
	boot_spec_free(&s);
	json_decref(body);
	return 0;
}
