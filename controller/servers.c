/*
 * servers.c - Compute v2.1 servers: their documents, create (validate,
 * claim through the scheduler, hand to the node's agent; the scheduler
 * hint "group" makes the instance a member of a server group), list, show
 * and delete. Actions are in server_actions.c, the agents' reports in
 * internal_api.c; see servers.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <openssl/evp.h>

#include "actions.h"
#include "agent_rpc.h"
#include "ctl.h"
#include "flavors.h"
#include "gr_buf.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "hypervisors.h"
#include "image_client.h"
#include "keypairs.h"
#include "microversion.h"
#include "quotas.h"
#include "sched.h"
#include "server_groups.h"
#include "server_nets.h"
#include "server_tags.h"
#include "servers.h"

#define NAME_MAX_LEN		255
#define USER_DATA_MAX		65535	/* bytes of base64, as Nova */
#define METADATA_MAX		128
#define MAX_COUNT		32

/* ---- documents ---- */

static long long
jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* Nova's bookmark of a flavor or image named in a server: the link
 * without the version. */
static json_t *
bookmark(const char *kind, const char *id)
{
	char book[256];

	snprintf(book, sizeof(book), "http://%s:%ld/%s/%s", ctl.public_host,
	    ctl.compute_port, kind, id);
	return json_pack("[{s:s,s:s}]", "rel", "bookmark", "href", book);
}

/* A server's self link, then its bookmark. */
static json_t *
links(const char *kind, const char *id)
{
	json_t *l = bookmark(kind, id);
	char self[256];

	snprintf(self, sizeof(self), "http://%s:%ld/v2.1/%s/%s", ctl.public_host,
	    ctl.compute_port, kind, id);
	json_array_insert_new(l, 0, json_pack("{s:s,s:s}", "rel", "self",
	    "href", self));
	return l;
}

json_t *
server_links(const char *id)
{
	return links("servers", id);
}

/* hostId: an opaque hash of project and host, as Nova shows it. */
static json_t *
host_id(PGresult *r, int i)
{
	char buf[200], out[GR_SHA256_HEX];

	if (PQgetisnull(r, i, I_HOST))
		return json_string("");
	snprintf(buf, sizeof(buf), "%s%s", PQgetvalue(r, i, I_PROJECT),
	    PQgetvalue(r, i, I_HOST));
	gr_sha256_hex(buf, strlen(buf), out);
	out[56] = '\0';
	return json_string(out);
}

/* The flavor as 2.47 embeds it: the copy taken at boot, not today's. */
static json_t *
flavor_embedded(PGresult *r, int i)
{
	json_t *f = json_loads(PQgetvalue(r, i, I_FLAVOR_DOC), 0, NULL);
	json_t *es = json_object_get(f, "extra_specs");
	json_t *swap = json_object_get(f, "swap");
	json_t *out;

	out = json_pack("{s:I,s:I,s:I,s:I,s:I,s:s,s:O}",
	    "vcpus", jint(f, "vcpus"), "ram", jint(f, "ram"),
	    "disk", jint(f, "disk"),
	    "ephemeral", jint(f, "OS-FLV-EXT-DATA:ephemeral"),
	    /* The flavor document's "" (no swap) is 0 here. */
	    "swap", json_is_integer(swap) ? json_integer_value(swap) : 0,
	    "original_name", json_string_value(json_object_get(f, "name")) ?
	    json_string_value(json_object_get(f, "name")) : "",
	    "extra_specs", es ? es : json_object());
	json_decref(f);
	return out;
}

/*
 * 2.16's host_status, admins only: UP, DOWN (forced down), MAINTENANCE
 * (its compute service disabled), UNKNOWN (no heartbeat lately), or ""
 * when the server has no node, as Nova's get_instance_host_status. The
 * nodes are read once per view.
 */
static json_t *
host_status(struct server_view *v, PGresult *r, int i)
{
	const char *host = PQgetvalue(r, i, I_HOST);
	json_t *st;

	if (PQgetisnull(r, i, I_HOST))
		return json_string("");
	if (v->host_status == NULL) {
		GR_AUTO_PGRES PGresult *n = NULL;
		char ivl[24];
		const char *p[1] = { ivl };

		v->host_status = json_object();
		hv_alive_secs(ivl);
		n = gr_db_query("SELECT n.host, CASE WHEN n.forced_down THEN "
		    "'DOWN' WHEN NOT n.enabled THEN 'MAINTENANCE' WHEN "
		    HV_UP_SQL("n", "a", "$1") " THEN 'UP' ELSE 'UNKNOWN' END "
		    "FROM compute_nodes n LEFT JOIN agents a ON a.host = n.host "
		    "AND a.kind = 'compute'", 1, p);
		for (int k = 0; n && k < PQntuples(n); k++)
			json_object_set_new(v->host_status, PQgetvalue(n, k, 0),
			    json_string(PQgetvalue(n, k, 1)));
		gr_err_clear();
	}
	st = json_object_get(v->host_status, host);
	return st ? json_incref(st) : json_string("UNKNOWN");
}

/* The members GET shows beside the basic ones (PUT leaves them out below
 * 2.75): zone, config drive, key, usage times, security groups, task
 * states, volumes. */
static void
doc_extended(json_t *s, PGresult *r, int i)
{
	const char *id = PQgetvalue(r, i, I_ID);
	json_t *groups = server_nets_groups(id);

	json_object_update_new(s, json_pack("{s:s,s:s,s:o,s:o,s:o,s:o,s:o,s:s,"
	    "s:i,s:[]}",
	    "OS-EXT-AZ:availability_zone", PQgetvalue(r, i, I_AZ),
	    "config_drive", PQgetvalue(r, i, I_CDRIVE)[0] == 't' ? "True" : "",
	    "key_name", gr_db_json_text(r, i, I_KEY),
	    "OS-SRV-USG:launched_at", gr_db_json_text(r, i, I_LAUNCHED),
	    "OS-SRV-USG:terminated_at", gr_db_json_text(r, i, I_TERMINATED),
	    "security_groups", groups ? groups : json_pack("[{s:s}]", "name",
	    "default"),
	    "OS-EXT-STS:task_state", gr_db_json_text(r, i, I_TASK),
	    "OS-EXT-STS:vm_state", PQgetvalue(r, i, I_VM),
	    "OS-EXT-STS:power_state", atoi(PQgetvalue(r, i, I_POWER)),
	    "os-extended-volumes:volumes_attached"));
}

/* What only admins see (Nova's extended server attributes; more of them
 * from 2.3). */
static void
doc_admin(json_t *s, PGresult *r, int i, int mv)
{
	char iname[64];

	snprintf(iname, sizeof(iname), "instance-%s", PQgetvalue(r, i, I_ID));
	json_object_update_new(s, json_pack("{s:o,s:o,s:s}",
	    "OS-EXT-SRV-ATTR:host", gr_db_json_text(r, i, I_HOST),
	    "OS-EXT-SRV-ATTR:hypervisor_hostname", gr_db_json_text(r, i,
	    I_HOST), "OS-EXT-SRV-ATTR:instance_name", iname));
	if (mv < 3)
		return;
	json_object_update_new(s, json_pack("{s:s,s:i,s:s,s:o,s:s,s:o,s:o}",
	    "OS-EXT-SRV-ATTR:reservation_id", PQgetvalue(r, i, I_RESERVATION),
	    "OS-EXT-SRV-ATTR:launch_index", atoi(PQgetvalue(r, i,
	    I_LAUNCH_INDEX)),
	    "OS-EXT-SRV-ATTR:kernel_id", "",
	    "OS-EXT-SRV-ATTR:hostname", gr_db_json_text(r, i, I_HOSTNAME),
	    "OS-EXT-SRV-ATTR:ramdisk_id", "",
	    "OS-EXT-SRV-ATTR:root_device_name", gr_db_json_text(r, i,
	    I_ROOT_DEV),
	    "OS-EXT-SRV-ATTR:user_data", PQgetvalue(r, i, I_USER_DATA)[0] ?
	    json_string(PQgetvalue(r, i, I_USER_DATA)) : json_null()));
}

json_t *
server_doc(PGresult *r, int i, struct server_view *v)
{
	static const char *const progress_statuses[] = { "ACTIVE", "BUILD",
	    NULL };
	const char *id = PQgetvalue(r, i, I_ID), *img = PQgetvalue(r, i, I_IMAGE);
	const char *status = PQgetvalue(r, i, I_STATUS);
	json_t *s, *addr, *meta = json_loads(PQgetvalue(r, i, I_META), 0, NULL);
	int admin = (v->parts & SERVER_DOC_ADMIN) != 0;

	addr = server_nets_addresses(id);
	if (!(v->parts & SERVER_DOC_EXTENDED))
		addr = server_nets_addresses_plain(addr);
	s = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:o,s:s,s:s,"
	    "s:o,s:s,s:s,s:o,s:s}",
	    "id", id, "name", PQgetvalue(r, i, I_NAME),
	    "status", status,
	    "tenant_id", PQgetvalue(r, i, I_PROJECT),
	    "user_id", PQgetvalue(r, i, I_USER),
	    "metadata", meta ? meta : json_object(),
	    "hostId", host_id(r, i),
	    "image", img[0] ? json_pack("{s:s,s:o}", "id", img, "links",
	    bookmark("images", img)) : json_string(""),
	    "flavor", v->mv >= 47 ? flavor_embedded(r, i) : json_pack("{s:s,"
	    "s:o}", "id", PQgetvalue(r, i, I_FLAVOR), "links",
	    bookmark("flavors", PQgetvalue(r, i, I_FLAVOR))),
	    "created", PQgetvalue(r, i, I_CREATED),
	    "updated", PQgetvalue(r, i, I_UPDATED),
	    "addresses", addr,
	    "accessIPv4", PQgetvalue(r, i, I_IPV4),
	    "accessIPv6", PQgetvalue(r, i, I_IPV6),
	    "links", links("servers", id),
	    "OS-DCF:diskConfig", PQgetvalue(r, i, I_DISKCFG));
	/* As Nova: a fault in ERROR and DELETED, progress while it moves. */
	if (!PQgetisnull(r, i, I_FAULT) && (strcmp(status, "ERROR") == 0 ||
	    strcmp(status, "DELETED") == 0)) {
		json_t *f = json_loads(PQgetvalue(r, i, I_FAULT), 0, NULL);

		/* Nova shows a fault's details to admins only. */
		if (f && !admin)
			json_object_del(f, "details");
		if (f)
			json_object_set_new(s, "fault", f);
	}
	for (int k = 0; progress_statuses[k]; k++)
		if (strcmp(status, progress_statuses[k]) == 0)
			json_object_set_new(s, "progress", json_integer(0));
	if (v->parts & SERVER_DOC_EXTENDED)
		doc_extended(s, r, i);
	if (admin && (v->parts & SERVER_DOC_EXTENDED))
		doc_admin(s, r, i, v->mv);
	if (v->mv >= 9)
		json_object_set_new(s, "locked", json_boolean(strcmp(
		    PQgetvalue(r, i, I_LOCKED), "t") == 0));
	if (v->mv >= 16 && admin && (v->parts & SERVER_DOC_EXTENDED))
		json_object_set_new(s, "host_status", host_status(v, r, i));
	if (v->mv >= 19)
		json_object_set_new(s, "description", gr_db_json_text(r, i,
		    I_DESC));
	if (v->mv >= 26) {
		json_t *tags = json_loads(PQgetvalue(r, i, I_TAGS), 0, NULL);

		json_object_set_new(s, "tags", tags ? tags : json_array());
	}
	return s;
}

void
server_view_init(struct server_view *v, struct gr_req *req, int get)
{
	v->parts = get ? SERVER_DOC_EXTENDED : 0;
	if (gr_auth_of(req)->is_admin)
		v->parts |= SERVER_DOC_ADMIN;
	v->mv = compute_microversion(req);
	v->host_status = NULL;
}

void
server_view_clear(struct server_view *v)
{
	json_decref(v->host_status);
	v->host_status = NULL;
}

PGresult *
server_load(struct gr_req *req, const char *id)
{
	struct gr_auth *a = gr_auth_of(req);
	const char *p[3] = { id, a->project_id, a->is_admin ? "t" : "f" };
	PGresult *r;

	r = gr_db_query("SELECT " SERVER_COLS " FROM instances i WHERE i.id = $1 "
	    "AND NOT i.deleted AND (i.project_id = $2 OR $3)", 3, p);
	if (r && PQntuples(r) == 0) {
		PQclear(r);
		gr_error(GR_ERR_NOT_FOUND, "Instance %s could not be found.", id);
		return NULL;
	}
	return r;
}

/* 1 if vm is one of the comma-separated states in list. */
static int
state_in(const char *list, const char *vm)
{
	size_t n = strlen(vm);

	for (const char *p = list; *p; p += strcspn(p, ","), p += *p == ',')
		if (strncmp(p, vm, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
	return 0;
}

static int
check_state(PGresult *r, const char *action, const char *need_vm,
    int any_task)
{
	const char *vm = PQgetvalue(r, 0, I_VM);
	const char *cur = PQgetisnull(r, 0, I_TASK) || any_task ? NULL :
	    PQgetvalue(r, 0, I_TASK);

	if (cur || !state_in(need_vm, vm)) {
		gr_error(GR_ERR_CONFLICT, "Cannot '%s' instance %s while it is in "
		    "vm_state %s%s%s.", action, PQgetvalue(r, 0, I_ID), vm,
		    cur ? " and task_state " : "", cur ? cur : "");
		return -1;
	}
	return 0;
}

int
server_check_state(PGresult *r, const char *action, const char *need_vm)
{
	return check_state(r, action, need_vm, 0);
}

int
server_check_state_any_task(PGresult *r, const char *action,
    const char *need_vm)
{
	return check_state(r, action, need_vm, 1);
}

int
server_check_unlocked(struct gr_req *req, PGresult *r)
{
	if (strcmp(PQgetvalue(r, 0, I_LOCKED), "t") == 0 &&
	    !gr_auth_of(req)->is_admin) {
		gr_error(GR_ERR_CONFLICT, "Instance %s is locked",
		    PQgetvalue(r, 0, I_ID));
		return -1;
	}
	return 0;
}

void
server_set_fault(const char *id, int code, const char *msg,
    const char *details)
{
	GR_AUTOFREE char *fault = NULL, *event = NULL;
	json_t *f = json_pack("{s:i,s:s,s:s}", "code", code, "message", msg,
	    "created", "");
	char now[32];

	gr_time_iso(time(NULL), now);
	json_object_set_new(f, "created", json_string(now));
	if (details && *details)
		json_object_set_new(f, "details", json_string(details));
	fault = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	const char *p[2] = { id, fault };
	gr_db_exec("UPDATE instances SET vm_state = 'error', task_state = NULL, "
	    "fault = $2, updated_at = now() WHERE id = $1 AND NOT deleted", 2, p);
	event = details && *details ? gr_xasprintf("%s %s", msg, details) :
	    gr_xstrdup(msg);
	action_finish(id, event);
	sched_release(id);
}

void
server_set_error(const char *id, int code, const char *msg)
{
	server_set_fault(id, code, msg, NULL);
}

/* ---- create ---- */

int
server_check_fit(json_t *img, json_t *flavor)
{
	const long long gib = 1LL << 30;
	long long vsize = (jint(img, "virtual_size") + gib - 1) / gib;
	long long size = (jint(img, "size") + gib - 1) / gib;
	long long need = jint(img, "min_disk");

	if (vsize > need)
		need = vsize;
	if (size > need)
		need = size;
	if (jint(img, "min_ram") > jint(flavor, "ram")) {
		gr_error(GR_ERR_BAD_REQUEST, "Flavor's memory is too small for "
		    "requested image: the image needs %lld MB, the flavor has "
		    "%lld MB.", jint(img, "min_ram"), jint(flavor, "ram"));
		return -1;
	}
	if (jint(flavor, "disk") > 0 && need > jint(flavor, "disk")) {
		gr_error(GR_ERR_BAD_REQUEST, "Flavor's disk is too small for "
		    "requested image: the image needs %lld GB, the flavor has "
		    "%lld GB.", need, jint(flavor, "disk"));
		return -1;
	}
	return 0;
}

static const char *
img_prop(json_t *img, const char *key, const char *def,
    const char *const *allowed)
{
	json_t *v = json_object_get(img, key);

	if (!json_is_string(v))
		return def;
	for (; *allowed; allowed++)
		if (strcmp(*allowed, json_string_value(v)) == 0)
			return *allowed;
	return def;
}

/* What create and update take beside the name, as Nova's parameter
 * types: accessIPv4/6 (an address of its family), OS-DCF:diskConfig
 * (AUTO or MANUAL). Absent ones stay NULL. */
struct access {
	const char	*ipv4;
	const char	*ipv6;
	const char	*disk_config;
};

static int
check_ip(json_t *s, const char *key, int af, const char **out)
{
	unsigned char buf[sizeof(struct in6_addr)];

	if (gr_json_str(s, key, 0, 64, out) < 0)
		return -1;
	if (*out && inet_pton(af, *out, buf) != 1) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field/attribute "
		    "%s. Value: '%s' is not an IPv%d address.", key, *out,
		    af == AF_INET ? 4 : 6);
		return -1;
	}
	return 0;
}

static int
parse_access(json_t *s, struct access *acc)
{
	if (check_ip(s, "accessIPv4", AF_INET, &acc->ipv4) < 0 ||
	    check_ip(s, "accessIPv6", AF_INET6, &acc->ipv6) < 0 ||
	    gr_json_str(s, "OS-DCF:diskConfig", 0, 16, &acc->disk_config) < 0)
		return -1;
	if (acc->disk_config && strcmp(acc->disk_config, "AUTO") != 0 &&
	    strcmp(acc->disk_config, "MANUAL") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field/attribute "
		    "OS-DCF:diskConfig. Value: '%s' is not one of AUTO or "
		    "MANUAL.", acc->disk_config);
		return -1;
	}
	return 0;
}

struct create {
	const char	*name;
	const char	*image_ref;
	const char	*flavor_ref;
	const char	*key_name;
	const char	*user_data;
	const char	*az;
	json_t		*metadata;
	int		 min_count, max_count;
	char		*public_key;
	json_t		*img, *flavor;
	char		 force_host[65];
	const char	*group_id;	/* scheduler hint "group" */
	struct server_nets nets;	/* networks, ports, security groups */
	struct access	 access;	/* accessIPv4/6, OS-DCF:diskConfig */
	const char	*description;	/* 2.19; the name below, as Nova */
	json_t		*tags;		/* 2.52: a new reference, or NULL */
	int		 want_reservation; /* return_reservation_id */
	char		 reservation[12]; /* "r-" and 8 characters */
};

/* Members of a create that come and go with microversions. */
static const struct mv_field create_fields[] = {
	{ "description", 19, 0 },
	{ "tags", 52, 0 },
	{ NULL, 0, 0 }
};

int
server_check_metadata(json_t *m)
{
	if (json_object_size(m) > METADATA_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "At most %d metadata items are "
		    "allowed.", METADATA_MAX);
		return -1;
	}
	return server_check_metadata_items(m);
}

/*
 * The scheduler hints, top-level beside "server" (os:scheduler_hints, or
 * its older name OS-SCH-HNT:scheduler_hints). Only "group" is served; any
 * other hint is refused rather than silently ignored.
 */
static int
parse_hints(json_t *body, struct create *c)
{
	static const char *const keys[] = { "os:scheduler_hints",
	    "OS-SCH-HNT:scheduler_hints" };
	static const char *const known[] = { "group", NULL };
	json_t *h = NULL;

	for (int i = 0; i < 2; i++) {
		if (gr_json_object(body, keys[i], 0, &h) < 0)
			return -1;
		if (h == NULL)
			continue;
		if (gr_json_only(h, keys[i], known) < 0 ||
		    gr_json_str(h, "group", 0, 64, &c->group_id) < 0)
			return -1;
		return 0;
	}
	return 0;
}

int
server_check_user_data(const char *ud)
{
	size_t n;
	unsigned char *tmp;
	int ok;

	if (ud == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "user_data must be a base64 "
		    "string, or null.");
		return -1;
	}
	n = strlen(ud);
	if (n > USER_DATA_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "user_data is %zu bytes of base64; "
		    "at most %d are allowed (64 KiB).", n, USER_DATA_MAX);
		return -1;
	}
	tmp = gr_xmalloc(n + 4);
	ok = n % 4 == 0 && EVP_DecodeBlock(tmp, (const unsigned char *)ud,
	    (int)n) >= 0;
	free(tmp);
	if (!ok) {
		gr_error(GR_ERR_BAD_REQUEST, "user_data must be base64 encoded.");
		return -1;
	}
	return 0;
}

int
server_parse_description(json_t *s, const char **out)
{
	json_t *d = json_object_get(s, "description");

	*out = NULL;
	if (d == NULL || json_is_null(d))
		return 0;
	if (!json_is_string(d) || gr_utf8_chars(json_string_value(d)) > 255) {
		gr_error(GR_ERR_BAD_REQUEST, "description must be a string of "
		    "at most 255 characters, or null.");
		return -1;
	}
	*out = json_string_value(d);
	for (const unsigned char *c = (const unsigned char *)*out; *c; c++)
		if (*c < 0x20 || *c == 0x7f) {
			gr_error(GR_ERR_BAD_REQUEST, "The description contains a "
			    "control character (byte 0x%02x).", *c);
			return -1;
		}
	return 0;
}

static int
create_parse(struct gr_req *req, struct create *c)
{
	static const char *const known[] = { "name", "imageRef", "flavorRef",
	    "networks", "key_name", "user_data", "metadata",
	    "availability_zone", "min_count", "max_count", "config_drive",
	    "security_groups", "OS-DCF:diskConfig", "adminPass", "accessIPv4",
	    "accessIPv6",
	    "block_device_mapping_v2", "return_reservation_id", "description",
	    "tags", NULL };
	json_t *body, *s;
	long long minc = 1, maxc = 1;
	int gotmax, flag;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "server", 1, &s) < 0 ||
	    gr_json_only(s, "server", known) < 0 ||
	    gr_json_name(s, "name", 1, NAME_MAX_LEN, &c->name) < 0 ||
	    gr_check_trimmed_name("name", c->name, NAME_MAX_LEN) < 0 ||
	    parse_access(s, &c->access) < 0 ||
	    gr_json_str(s, "imageRef", 1, 64, &c->image_ref) < 0 ||
	    gr_json_str(s, "flavorRef", 1, 255, &c->flavor_ref) < 0 ||
	    gr_json_name(s, "key_name", 0, 255, &c->key_name) < 0 ||
	    gr_json_str(s, "user_data", 0, (size_t)-1, &c->user_data) < 0 ||
	    gr_json_str(s, "availability_zone", 0, 255, &c->az) < 0 ||
	    gr_json_object(s, "metadata", 0, &c->metadata) < 0 ||
	    gr_json_nova_int(s, "min_count", 0, 1, MAX_COUNT, &minc) < 0 ||
	    (gotmax = gr_json_nova_int(s, "max_count", 0, 1, MAX_COUNT,
	    &maxc)) < 0 ||
	    gr_json_nova_bool(s, "config_drive", 0, &flag) < 0 ||
	    gr_json_nova_bool(s, "return_reservation_id", 0,
	    &c->want_reservation) < 0 ||
	    mv_fields_check(s, "server", compute_microversion(req),
	    create_fields) < 0 ||
	    server_parse_description(s, &c->description) < 0 ||
	    parse_hints(body, c) < 0)
		return -1;
	if (compute_microversion(req) < 19)
		c->description = c->name;
	if ((c->tags = json_object_get(s, "tags")) != NULL) {
		if (server_tags_check(c->tags) < 0) {
			c->tags = NULL;
			return -1;
		}
		c->tags = server_tags_unique(c->tags);
	}
	/* Nova: max_count defaults to min_count. */
	if (gotmax == 0)
		maxc = minc;
	if (minc > maxc) {
		gr_error(GR_ERR_BAD_REQUEST, "min_count must be <= max_count: "
		    "min_count is %lld, max_count %lld.", minc, maxc);
		return -1;
	}
	c->min_count = (int)minc;
	c->max_count = (int)maxc;
	if (c->user_data && server_check_user_data(c->user_data) < 0)
		return -1;
	if (c->metadata && server_check_metadata(c->metadata) < 0)
		return -1;
	if (c->az && strcmp(c->az, "nova") != 0) {
		if (strncmp(c->az, "nova:", 5) != 0 || c->az[5] == '\0') {
			gr_error(GR_ERR_BAD_REQUEST, "The requested availability "
			    "zone '%s' is not available.", c->az);
			return -1;
		}
		if (!gr_auth_of(req)->is_admin) {
			gr_error(GR_ERR_FORBIDDEN, "Only administrators may choose "
			    "a host with availability_zone 'nova:HOST'.");
			return -1;
		}
		snprintf(c->force_host, sizeof(c->force_host), "%s", c->az + 5);
	}
	return server_nets_parse(req, s, &c->nets);
}

static const char *const buses[] = { "virtio", "ide", "sata", NULL };

/* Where the guest sees its disk (2.3's root_device_name): by the bus the
 * image asks for. */
static const char *
root_device(json_t *img)
{
	const char *bus = img_prop(img, "hw_disk_bus", "virtio", buses);

	return strcmp(bus, "sata") == 0 ? "/dev/sda" : strcmp(bus, "ide") ==
	    0 ? "/dev/hda" : "/dev/vda";
}

/* The spec the agent boots from. */
static json_t *
agent_spec(struct create *c, const char *id, const char *name)
{
	static const char *const vifs[] = { "virtio", "e1000", "rtl8139", NULL };
	json_t *es = json_object_get(c->flavor, "extra_specs");
	const char *prov = json_string_value(json_object_get(es,
	    "gureum:disk_provisioning"));
	long long disk = jint(c->flavor, "disk");

	if (disk == 0)
		disk = (jint(c->img, "virtual_size") + (1 << 30) - 1) >> 30;
	return json_pack("{s:s,s:s,s:s,s:I,s:I,s:I,s:s,s:s,s:s,s:s,s:s,s:s,"
	    "s:o}",
	    "id", id, "name", name,
	    "flavor_name", json_string_value(json_object_get(c->flavor, "name")),
	    "vcpus", jint(c->flavor, "vcpus"), "memory_mb", jint(c->flavor,
	    "ram"), "disk_gb", disk,
	    "image_id", json_string_value(json_object_get(c->img, "id")),
	    "disk_provisioning", prov && strcmp(prov, "thick") == 0 ? "thick" :
	    "thin",
	    "disk_bus", img_prop(c->img, "hw_disk_bus", "virtio", buses),
	    "vif_model", img_prop(c->img, "hw_vif_model", "virtio", vifs),
	    "user_data", c->user_data ? c->user_data : "",
	    "public_key", c->public_key ? c->public_key : "",
	    "metadata", c->metadata ? json_incref(c->metadata) : json_object());
}

/* Inserts, schedules and dispatches one instance. Returns its id. */
static int
create_one(struct gr_req *req, struct create *c, const char *name,
    int index, char id[37])
{
	struct gr_auth *a = gr_auth_of(req);
	GR_AUTOFREE char *flv = json_dumps(c->flavor, JSON_COMPACT);
	GR_AUTOFREE char *meta = c->metadata ? json_dumps(c->metadata,
	    JSON_COMPACT) : gr_xstrdup("{}");
	GR_AUTOFREE char *record = NULL;
	char host[65], why[2048], summary[1024];
	json_t *nics;
	long long disk;

	if (gr_uuid(id) < 0)
		return -1;
	/* Its ports first, so a refused address or quota makes nothing. */
	if (server_nets_allocate(req, &c->nets, id, &nics, &record) < 0)
		return -1;
	GR_AUTOFREE char *tags = c->tags ? json_dumps(c->tags, JSON_COMPACT) :
	    NULL;
	char hostname[64], launch[16];
	const char *root = root_device(c->img);

	gr_hostname(name, hostname);
	snprintf(launch, sizeof(launch), "%d", index);
	const char *p[21] = { id, name, a->project_id, a->user_id,
	    json_string_value(json_object_get(c->img, "id")),
	    json_string_value(json_object_get(c->flavor, "id")), flv,
	    c->key_name, c->user_data, meta, req->request_id, record,
	    c->access.ipv4, c->access.ipv6, c->access.disk_config,
	    c->description, tags, c->reservation, launch, hostname, root };
	/* An instance and its group membership exist together or not at all. */
	if (gr_db_begin() < 0)
		goto undo;
	if (gr_db_exec("INSERT INTO instances (id, name, project_id, user_id, "
	    "image_id, flavor_id, flavor, key_name, user_data, metadata, "
	    "request_id, nics, access_ip_v4, access_ip_v6, disk_config, "
	    "description, tags, reservation_id, launch_index, hostname, "
	    "root_device_name) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
	    "$10, $11, $12, $13, $14, coalesce($15, 'MANUAL'), $16, "
	    "coalesce($17, '[]')::jsonb, $18, $19::integer, $20, $21)", 21,
	    p) < 0 ||
	    (c->group_id && server_group_join(c->group_id, id) < 0) ||
	    gr_db_commit() < 0) {
		gr_db_rollback();
		goto undo;
	}
	action_start(req, id, "create");
	json_t *spec = agent_spec(c, id, name);
	if (json_array_size(nics) > 0)
		json_object_set(spec, "nics", nics);
	json_decref(nics);
	disk = json_integer_value(json_object_get(spec, "disk_gb"));
	struct sched_req sr = { id, (int)jint(c->flavor, "vcpus"),
	    (int)jint(c->flavor, "ram"), (int)disk,
	    strcmp(json_string_value(json_object_get(spec,
	    "disk_provisioning")), "thin") == 0,
	    c->force_host[0] ? c->force_host : NULL, c->group_id };
	if (sched_place(&sr, host, why, sizeof(why), summary,
	    sizeof(summary)) < 0) {
		/* As Nova: the request is accepted; the instance goes to ERROR
		 * with the reason: the rules for everyone, why each node said
		 * no in the fault's details and the action's event, which
		 * only admins see. */
		server_set_fault(id, 500, summary, why);
		json_decref(spec);
		gr_err_clear();
		return 0;
	}
	/* A dispatch refused while the controller stops shows ERROR. The
	 * node's network is wired before the domain starts. */
	agent_rpc_dispatch_prepared(id, host, "POST", "/v1/instances", spec,
	    "boot", server_failed, server_nets_plug);
	return 0;
undo:
	json_decref(nics);
	server_nets_undo(record);
	return -1;
}

int
server_create(struct gr_req *req, struct gr_resp *resp)
{
	struct create c = { 0 };
	struct gr_auth *a = gr_auth_of(req);
	char id[37], name[NAME_MAX_LEN + 16];
	int ret = -1;

	if (create_parse(req, &c) < 0)
		goto out;
	if ((c.flavor = flavor_find(c.flavor_ref, a->project_id,
	    a->is_admin)) == NULL) {
		if (gr_err_code() == GR_ERR_NOT_FOUND)
			gr_error(GR_ERR_BAD_REQUEST, "Flavor %s could not be "
			    "found.", c.flavor_ref);
		return -1;
	}
	if ((c.img = image_client_get(gr_req_header(req, "X-Auth-Token"),
	    c.image_ref)) == NULL ||
	    server_check_fit(c.img, c.flavor) < 0)
		goto out;
	if (c.key_name && (c.public_key = keypair_public_key(a->user_id,
	    c.key_name)) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid key_name provided: no "
		    "keypair named '%s'.", c.key_name);
		goto out;
	}
	if (quota_check_instances(a->project_id, c.max_count,
	    (long)jint(c.flavor, "vcpus"), (long)jint(c.flavor, "ram")) < 0 ||
	    (c.group_id && server_group_check(c.group_id, a->project_id,
	    a->is_admin, c.max_count) < 0))
		goto out;
	/* Nova's reservation id: one per request, "r-" and 8 characters. */
	memcpy(c.reservation, "r-", 2);
	gr_random_hex(c.reservation + 2, 4);
	for (int i = 0; i < c.max_count; i++) {
		if (c.max_count > 1)
			snprintf(name, sizeof(name), "%s-%d", c.name, i + 1);
		else
			snprintf(name, sizeof(name), "%s", c.name);
		if (create_one(req, &c, name, i, id) < 0)
			goto out;
	}
	ret = 0;
	if (c.want_reservation) {
		gr_resp_json(resp, 202, json_pack("{s:s}", "reservation_id",
		    c.reservation));
		goto out;
	}
	char pw[13];
	gr_random_hex(pw, 6);
	gr_resp_json(resp, 202, json_pack("{s:{s:s,s:o,s:s,s:[{s:s}],s:s}}",
	    "server", "id", id, "links", links("servers", id),
	    "OS-DCF:diskConfig", c.access.disk_config ? c.access.disk_config :
	    "MANUAL", "security_groups", "name", "default",
	    "adminPass", pw));
out:
	json_decref(c.tags);
	json_decref(c.flavor);
	json_decref(c.img);
	free(c.public_key);
	server_nets_clear(&c.nets);
	return ret;
}

/* ---- read (the lists are in server_list.c) ---- */

int
server_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = server_load(req, req->params[0]);
	struct server_view v;

	if (r == NULL)
		return -1;
	server_view_init(&v, req, 1);
	gr_resp_json(resp, 200, json_pack("{s:o}", "server", server_doc(r, 0,
	    &v)));
	server_view_clear(&v);
	return 0;
}

/* ---- update ---- */

/*
 * PUT /servers/{id}: name, accessIPv4/6 and OS-DCF:diskConfig, as Nova
 * 2.1 takes them, and description from 2.19 (null clears it); the answer
 * is the server in Nova's basic form (no extension members below 2.75).
 */
int
server_update(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const top[] = { "server", NULL };
	static const char *const known[] = { "name", "accessIPv4", "accessIPv6",
	    "OS-DCF:diskConfig", "description", NULL };
	static const struct mv_field fields[] = { { "description", 19, 0 },
	    { NULL, 0, 0 } };
	GR_AUTO_PGRES PGresult *r = NULL;
	struct server_view v;
	struct access acc = { 0 };
	const char *name = NULL, *desc = NULL;
	json_t *body, *s;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "the request body", top) < 0 ||
	    gr_json_object(body, "server", 1, &s) < 0 ||
	    gr_json_only(s, "server", known) < 0 ||
	    mv_fields_check(s, "server", compute_microversion(req), fields) < 0 ||
	    gr_json_name(s, "name", 0, NAME_MAX_LEN, &name) < 0 ||
	    (name && gr_check_trimmed_name("name", name, NAME_MAX_LEN) < 0) ||
	    parse_access(s, &acc) < 0 || server_parse_description(s, &desc) < 0)
		return -1;
	if ((r = server_load(req, req->params[0])) == NULL)
		return -1;
	PQclear(r);
	const char *p[7] = { req->params[0], name, acc.ipv4, acc.ipv6,
	    acc.disk_config, desc, json_object_get(s, "description") ? "t" :
	    "f" };
	r = gr_db_query("UPDATE instances i SET name = coalesce($2, name), "
	    "access_ip_v4 = coalesce($3::inet, access_ip_v4), access_ip_v6 = "
	    "coalesce($4::inet, access_ip_v6), disk_config = coalesce($5, "
	    "disk_config), description = CASE WHEN $7 THEN $6 ELSE "
	    "description END, updated_at = now() WHERE i.id = $1 AND NOT "
	    "i.deleted RETURNING " SERVER_COLS, 7, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Instance %s could not be found.",
		    req->params[0]);
		return -1;
	}
	server_view_init(&v, req, 0);
	gr_resp_json(resp, 200, json_pack("{s:o}", "server", server_doc(r, 0,
	    &v)));
	server_view_clear(&v);
	return 0;
}

/* ---- delete ---- */

void
server_failed(const char *id, json_t *body, const char *msg)
{
	(void)body;
	server_set_error(id, 500, msg);
}

int
server_mark_deleted(const char *id)
{
	const char *p[1] = { id };

	if (gr_db_exec("UPDATE instances SET deleted = true, vm_state = "
	    "'deleted', task_state = NULL, power_state = 0, terminated_at = "
	    "now(), updated_at = now() WHERE id = $1", 1, p) < 0 ||
	    server_group_leave(id) < 0 || server_nets_release(id) < 0)
		return -1;
	return sched_release(id);
}

/* Whether host's compute agent is heartbeating and its service not
 * forced down (as hypervisors "up"). */
static int
node_alive(const char *host)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char ivl[24];

	hv_alive_secs(ivl);
	const char *p[2] = { host, ivl };
	r = gr_db_query("SELECT 1 FROM agents a JOIN compute_nodes n ON "
	    "n.host = a.host WHERE a.host = $1 AND a.kind = 'compute' AND "
	    HV_UP_SQL("n", "a", "$2"), 2, p);
	/* When in doubt (no answer), treat it as alive: the call will tell. */
	return r == NULL || PQntuples(r) > 0;
}

/* Deletes instance id on host (NULL: never placed): at once when it has
 * no node or its node is down (as Nova's local delete; a node that comes
 * back removes what is left, its orphan reconcile), else through the
 * agent. Ends the instance's open action when done here. */
static int
delete_on_node(const char *id, const char *host)
{
	GR_AUTOFREE char *path = NULL;
	const char *p[1] = { id };

	if (host == NULL || !node_alive(host)) {
		if (server_mark_deleted(id) < 0)
			return -1;
		action_finish(id, NULL);
		return 0;
	}
	if (gr_db_exec("UPDATE instances SET task_state = 'deleting', "
	    "updated_at = now() WHERE id = $1", 1, p) < 0)
		return -1;
	path = gr_xasprintf("/v1/instances/%s", id);
	agent_rpc_dispatch(id, host, "DELETE", path, NULL, "delete",
	    server_failed);
	return 0;
}

static const char *
host_of(PGresult *r)
{
	return PQgetisnull(r, 0, I_HOST) ? NULL : PQgetvalue(r, 0, I_HOST);
}

/* The soft delete's power-off never reached the agent: the server is as
 * it was. */
static void
soft_delete_undo(const char *id, json_t *body, const char *msg)
{
	const char *p[1] = { id };

	(void)body;
	gr_db_exec("UPDATE instances SET task_state = NULL, soft_deleted_at = "
	    "NULL, updated_at = now() WHERE id = $1 AND task_state = "
	    "'soft-deleting'", 1, p);
	action_finish(id, msg);
}

/*
 * With reclaim_instance_interval set, a delete of a launched server on a
 * live node with no task powers it off and keeps it SOFT_DELETED (Nova's
 * soft delete; restore brings it back, forceDelete or the reclaim ends
 * it). 1 when it did, 0 when the server must be deleted now (as Nova
 * falls back to a delete), -1 on error.
 */
static int
soft_delete(struct gr_req *req, PGresult *r)
{
	GR_AUTO_PGRES PGresult *u = NULL;
	GR_AUTOFREE char *path = NULL;
	const char *p[1] = { req->params[0] };

	if (ctl.reclaim_interval == 0 || host_of(r) == NULL ||
	    PQgetisnull(r, 0, I_LAUNCHED) || !node_alive(host_of(r)))
		return 0;
	u = gr_db_query("UPDATE instances SET task_state = 'soft-deleting', "
	    "soft_deleted_at = now(), updated_at = now() WHERE id = $1 AND "
	    "task_state IS NULL AND vm_state NOT IN ('building', "
	    "'soft-delete') AND NOT deleted", 1, p);
	if (u == NULL)
		return -1;
	if (gr_db_affected(u) == 0)
		return 0;
	action_start(req, req->params[0], "delete");
	path = gr_xasprintf("/v1/instances/%s/stop", req->params[0]);
	agent_rpc_dispatch(req->params[0], host_of(r), "POST", path, NULL,
	    "soft delete", soft_delete_undo);
	return 1;
}

int
server_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = server_load(req, req->params[0]);
	int soft;

	if (r == NULL || server_check_unlocked(req, r) < 0)
		return -1;
	/* A soft-deleted server deleted again stays as it is. */
	if (ctl.reclaim_interval > 0 &&
	    strcmp(PQgetvalue(r, 0, I_VM), "soft-delete") == 0) {
		gr_resp_empty(resp, 204);
		return 0;
	}
	if ((soft = soft_delete(req, r)) < 0)
		return -1;
	if (soft == 0) {
		action_start(req, req->params[0], "delete");
		if (delete_on_node(req->params[0], host_of(r)) < 0)
			return -1;
	}
	gr_resp_empty(resp, 204);
	return 0;
}

int
server_force_delete(struct gr_req *req, struct gr_resp *resp, PGresult *r)
{
	if (!PQgetisnull(r, 0, I_TASK)) {
		gr_error(GR_ERR_CONFLICT, "Cannot 'forceDelete' instance %s "
		    "while it is in task_state %s.", req->params[0],
		    PQgetvalue(r, 0, I_TASK));
		return -1;
	}
	action_start(req, req->params[0], "forceDelete");
	if (delete_on_node(req->params[0], host_of(r)) < 0)
		return -1;
	gr_resp_empty(resp, 202);
	return 0;
}

int
server_reclaim(void)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char ivl[24];

	snprintf(ivl, sizeof(ivl), "%ld", ctl.reclaim_interval);
	const char *p[1] = { ivl };
	if (ctl.reclaim_interval == 0)
		return 0;
	r = gr_db_query("SELECT id, host FROM instances WHERE vm_state = "
	    "'soft-delete' AND task_state IS NULL AND NOT deleted AND "
	    "soft_deleted_at < now() - make_interval(secs => $1::integer)", 1,
	    p);
	if (r == NULL)
		return -1;
	for (int i = 0; i < PQntuples(r); i++) {
		gr_info("instance %s: reclaimed, soft-deleted more than %ld s "
		    "ago", PQgetvalue(r, i, 0), ctl.reclaim_interval);
		if (delete_on_node(PQgetvalue(r, i, 0), PQgetisnull(r, i, 1) ?
		    NULL : PQgetvalue(r, i, 1)) < 0)
			return -1;
	}
	return 0;
}
