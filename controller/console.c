/*
 * console.c - the remote console API: the 2.1-2.5 actions, 2.6's
 * remote-consoles, the one-time tokens behind their URLs, and the
 * admin's look at a token (see console.h). Bodies are checked as Nova's
 * JSON schemas check them, with their sentences.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "ctl.h"
#include "gr_conf.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_util.h"
#include "microversion.h"
#include "servers.h"

#define TOKEN_BYTES	32	/* 256 random bits, 64 hex digits */

int
console_conf(const struct gr_conf *c)
{
	ctl.console_listen = gr_xstrdup(gr_conf_get(c, "console_listen",
	    "127.0.0.1:6083"));
	ctl.console_port = gr_listen_port(ctl.console_listen);
	ctl.console_origins = gr_xstrdup(gr_conf_get(c,
	    "console_allowed_origins", ""));
	return gr_conf_int(c, "console_token_ttl", 600, 10, 86400,
	    &ctl.console_token_ttl);
}

void
console_conf_free(void)
{
	free(ctl.console_listen);
	free(ctl.console_origins);
}

/* Nova's schema failure: "Invalid input for field/attribute FIELD.
 * Value: VALUE. WHY" (value shown as JSON, cut at 64 bytes). */
static int __attribute__((format(printf, 3, 4)))
invalid(const char *field, json_t *value, const char *fmt, ...)
{
	GR_AUTOFREE char *v = json_dumps(value, JSON_COMPACT |
	    JSON_ENCODE_ANY);
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field/attribute %s. "
	    "Value: %.64s. %s", field, v ? v : "null", why);
	return -1;
}

/* obj (the value of `field`) is an object whose members are all in
 * known; Nova's sentences otherwise. */
static int
check_object(const char *field, json_t *obj, const char *const *known)
{
	const char *key;
	json_t *v;

	if (!json_is_object(obj)) {
		GR_AUTOFREE char *d = json_dumps(obj, JSON_COMPACT |
		    JSON_ENCODE_ANY);

		return invalid(field, obj, "%.64s is not of type 'object'",
		    d ? d : "None");
	}
	json_object_foreach(obj, key, v) {
		size_t i;

		for (i = 0; known[i] && strcmp(known[i], key) != 0; i++)
			;
		if (known[i] == NULL) {
			gr_error(GR_ERR_BAD_REQUEST, "Additional properties are "
			    "not allowed ('%.64s' was unexpected)", key);
			return -1;
		}
	}
	return 0;
}

/* The required string member key of obj (the value of `field`), one of
 * allowed[0..n): *out, or -1 with Nova's sentence. */
static int
check_enum(const char *field, json_t *obj, const char *key,
    const char *const *allowed, size_t n, const char **out)
{
	json_t *v = json_object_get(obj, key);
	char list[256] = "";

	if (v == NULL)
		return invalid(field, obj, "'%s' is a required property", key);
	if (!json_is_string(v)) {
		GR_AUTOFREE char *d = json_dumps(v, JSON_COMPACT |
		    JSON_ENCODE_ANY);

		return invalid(key, v, "%.64s is not of type 'string'",
		    d ? d : "None");
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(json_string_value(v), allowed[i]) == 0) {
			*out = allowed[i];
			return 0;
		}
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
		    "%s'%s'", i ? ", " : "", allowed[i]);
	}
	return invalid(key, v, "'%.64s' is not one of [%s]",
	    json_string_value(v), list);
}

/*
 * A console URL for instance r (SERVER_COLS) of protocol and type, both
 * valid by the schema: a new string, or NULL with Nova's 409 (not on a
 * node, not running) or 400 (a console this cloud has not).
 */
static char *
issue(PGresult *r, const char *protocol, const char *type)
{
	const char *id = PQgetvalue(r, 0, I_ID), *vm = PQgetvalue(r, 0, I_VM);
	char token[2 * TOKEN_BYTES + 1], hash[GR_SHA256_HEX], ttl[24];

	if (PQgetisnull(r, 0, I_HOST)) {
		gr_error(GR_ERR_CONFLICT, "Instance %s is not ready", id);
		return NULL;
	}
	if (strcmp(protocol, "serial") != 0) {
		/* Domains have no graphics: Nova's ConsoleTypeUnavailable. */
		gr_error(GR_ERR_BAD_REQUEST, "Unavailable console type %s.",
		    type);
		return NULL;
	}
	if (strcmp(type, "serial") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid console type %s", type);
		return NULL;
	}
	/* Only a running (or paused) guest has a console to attach to. */
	if (strcmp(vm, "active") != 0 && strcmp(vm, "paused") != 0) {
		gr_error(GR_ERR_CONFLICT, "Instance %s is not ready", id);
		return NULL;
	}
	if (gr_random_hex(token, TOKEN_BYTES) < 0)
		return NULL;
	gr_sha256_hex(token, strlen(token), hash);
	snprintf(ttl, sizeof(ttl), "%ld", ctl.console_token_ttl);
	const char *p[4] = { hash, id, PQgetvalue(r, 0, I_HOST), ttl };
	/* Expired tokens go as new ones come: the table stays small. */
	if (gr_db_exec("DELETE FROM console_tokens WHERE expires_at < now()",
	    0, NULL) < 0 || gr_db_exec("INSERT INTO console_tokens "
	    "(token_hash, instance_id, host, console_type, expires_at) VALUES "
	    "($1, $2, $3, 'serial', now() + make_interval(secs => $4::int))",
	    4, p) < 0)
		return NULL;
	return gr_xasprintf("ws://%s:%ld/?token=%s", ctl.public_host,
	    ctl.console_port, token);
}

/* The 2.1-2.5 actions and the types their schemas take. */
static const struct {
	const char		*action;
	const char		*protocol;
	const char *const	 types[3];
} legacy[] = {
	{ "os-getSerialConsole",	"serial",	{ "serial" } },
	{ "os-getVNCConsole",		"vnc",		{ "novnc", "xvpvnc" } },
	{ "os-getSPICEConsole",		"spice",	{ "spice-html5" } },
};

int
console_action(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const char *action, json_t *arg)
{
	static const char *const known[] = { "type", NULL };
	GR_AUTOFREE char *url = NULL;
	const char *type = NULL;
	size_t i, n;

	for (i = 0; strcmp(legacy[i].action, action) != 0; i++)
		;
	if (compute_microversion(req) >= 6) {
		gr_error(GR_ERR_NOT_FOUND, "The resource could not be found.");
		return -1;
	}
	for (n = 0; n < 3 && legacy[i].types[n]; n++)
		;
	if (check_object(action, arg, known) < 0 ||
	    check_enum(action, arg, "type", legacy[i].types, n, &type) < 0 ||
	    (url = issue(r, legacy[i].protocol, type)) == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:{s:s,s:s}}", "console", "type",
	    type, "url", url));
	return 0;
}

int
console_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const top[] = { "remote_console", NULL };
	static const char *const known[] = { "protocol", "type", NULL };
	static const char *const protocols[] = { "vnc", "spice", "serial",
	    "rdp", "mks" };
	static const char *const types[] = { "novnc", "xvpvnc", "spice-html5",
	    "serial", "rdp-html5", "webmks" };
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTOFREE char *url = NULL;
	const char *protocol = NULL, *type = NULL;
	int mv = compute_microversion(req);
	json_t *body, *rc;

	if (mv < 6) {
		gr_error(GR_ERR_NOT_FOUND, "The resource could not be found.");
		return -1;
	}
	/* mks and webmks are in the enums from 2.8. */
	if ((body = gr_req_json(req)) == NULL ||
	    check_object("request", body, top) < 0)
		return -1;
	if ((rc = json_object_get(body, "remote_console")) == NULL)
		return invalid("request", body, "'remote_console' is a "
		    "required property");
	if (check_object("remote_console", rc, known) < 0 ||
	    check_enum("remote_console", rc, "protocol", protocols,
	    mv >= 8 ? 5 : 4, &protocol) < 0 ||
	    check_enum("remote_console", rc, "type", types, mv >= 8 ? 6 : 5,
	    &type) < 0 ||
	    (r = server_load(req, req->params[0])) == NULL)
		return -1;
	if (strcmp(protocol, "rdp") == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Unavailable console type %s.",
		    protocol);
		return -1;
	}
	if ((url = issue(r, protocol, type)) == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:{s:s,s:s,s:s}}",
	    "remote_console", "protocol", protocol, "type", type, "url", url));
	return 0;
}

int
console_token_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char hash[GR_SHA256_HEX];
	const char *p[1] = { hash };
	json_t *c;

	if (compute_microversion(req) < 31) {
		/* Nova: only rdp-html5 tokens before 2.31, and none remain. */
		gr_error(GR_ERR_BAD_REQUEST, "The server could not comply with "
		    "the request since it is either malformed or otherwise "
		    "incorrect.");
		return -1;
	}
	gr_sha256_hex(req->params[0], strlen(req->params[0]), hash);
	r = gr_db_query("SELECT t.instance_id, t.host, substring(n.agent_url "
	    "FROM ':([0-9]+)$')::int FROM console_tokens t LEFT JOIN "
	    "compute_nodes n ON n.host = t.host WHERE t.token_hash = $1 AND "
	    "t.expires_at > now()", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Token not found");
		return -1;
	}
	c = json_pack("{s:s,s:s,s:n,s:s++}", "instance_uuid",
	    PQgetvalue(r, 0, 0), "host", PQgetvalue(r, 0, 1), "port",
	    "internal_access_path", "/v1/instances/", PQgetvalue(r, 0, 0),
	    "/serial");
	if (!PQgetisnull(r, 0, 2))
		json_object_set_new(c, "port",
		    json_integer(atoll(PQgetvalue(r, 0, 2))));
	gr_resp_json(resp, 200, json_pack("{s:o}", "console", c));
	return 0;
}
