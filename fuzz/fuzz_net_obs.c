/*
 * fuzz_net_obs.c - libFuzzer target for a network agent's port
 * observations (controller/net_state.c), the body of POST
 * /internal/v1/hosts/{host}/ports: the checks of gr_req_json(), then
 * net_obs_parse().
 *
 * Besides the sanitizers, it checks the parser's contract and traps when
 * it fails: 0 means every port is a lower-case UUID seen once, its status
 * ACTIVE or DOWN, its reason NULL or at most NET_REASON_MAX bytes, its
 * diagnostics NULL or an object, and at most NET_OBS_MAX ports; -1 means
 * GR_ERR_BAD_REQUEST with a message a fault body can carry, and an
 * observation that holds nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "agent_rpc.h"
#include "auth.h"
#include "fuzz.h"
#include "gr_err.h"
#include "net_state.h"
#include "net_state_priv.h"

/* net_state.c's calls into the rest of the controller (auth.c,
 * agent_rpc.c), which net_obs_parse() never makes. */
int
auth_node_speaks(struct gr_req *req, const char *host)
{
	__builtin_trap();
}

void
agent_rpc_network_hint(const char *host, const char *path, long timeout_s)
{
	__builtin_trap();
}

static void
check_ok(const struct observation *o)
{
	CHECK(o->generation >= 0);
	CHECK(o->nports <= NET_OBS_MAX);
	CHECK(o->nports == 0 || o->ports != NULL);
	for (size_t i = 0; i < o->nports; i++) {
		const struct port_obs *p = &o->ports[i];

		CHECK(strlen(p->id) == 36 && strspn(p->id,
		    "0123456789abcdef-") == 36);
		CHECK(strcmp(p->status, "ACTIVE") == 0 ||
		    strcmp(p->status, "DOWN") == 0);
		CHECK(p->reason == NULL || strlen(p->reason) <= NET_REASON_MAX);
		CHECK(p->diagnostics == NULL || json_is_object(p->diagnostics));
		for (size_t k = 0; k < i; k++)
			CHECK(strcmp(p->id, o->ports[k].id) != 0);
	}
}

FUZZ_JSON_SEEDED

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct observation o;
	json_t *body = fuzz_json_body(data, size);

	if (body == NULL)
		return 0;
	if (!json_is_object(body)) {
		json_decref(body);
		return 0;
	}
	gr_err_clear();
	if (net_obs_parse(body, &o) == 0) {
		check_ok(&o);
		CHECK(gr_err_code() == GR_ERR_NONE);
	} else {
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST);
		CHECK(gr_err_msg()[0] != '\0');
		CHECK(o.ports == NULL && o.nports == 0);
		fuzz_check_fault();
	}
	net_obs_free(&o);
	json_decref(body);
	return 0;
}
