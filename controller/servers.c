/*
 * servers.c - Compute v2.1 servers: create (validate, claim through the
 * scheduler, hand to the node's agent; the scheduler hint "group" makes
 * the instance a member of a server group), list, show, delete and the
 * actions stop, start, reboot and console output; plus the agents' reports
 * of what happened to an instance (/internal/v1/instances/{id}/state).
 *
 * The instance row is the task state machine: vm_state/task_state move
 * only on the agent's reports (or on a failure to reach it), and every
 * API action is refused with 409 from a state where it makes no sense.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "ctl.h"
#include "gr_buf.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_httpc.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "sched.h"

#define NAME_MAX_LEN		255
#define USER_DATA_MAX		65535	/* bytes of base64, as Nova */
#define METADATA_MAX		128
#define MAX_COUNT		32
#define AGENT_TIMEOUT_MS	15000

#define INST_COLS \
	"i.id, i.name, i.project_id, i.user_id, coalesce(i.image_id, ''), " \
	"i.flavor_id, i.host, i.vm_state, i.task_state, i.power_state, " \
	"i.fault, i.key_name, i.metadata, coalesce(i.availability_zone, 'nova'), " \
	"to_char(i.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), " \
	"to_char(i.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), " \
	"to_char(i.launched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), " \
	"to_char(i.terminated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), " \
	"i.config_drive, i.deleted"

enum { I_ID, I_NAME, I_PROJECT, I_USER, I_IMAGE, I_FLAVOR, I_HOST, I_VM,
    I_TASK, I_POWER, I_FAULT, I_KEY, I_META, I_AZ, I_CREATED, I_UPDATED,
    I_LAUNCHED, I_TERMINATED, I_CDRIVE, I_DELETED };

/* ---- documents ---- */

/* Nova's status from vm_state and task_state. */
static const char *
status_of(const char *vm, const char *task)
{
	if (strcmp(vm, "active") == 0) {
		if (task && strcmp(task, "rebooting") == 0)
			return "REBOOT";
		if (task && strcmp(task, "rebooting_hard") == 0)
			return "HARD_REBOOT";
		return "ACTIVE";
	}
	if (strcmp(vm, "building") == 0)
		return "BUILD";
	if (strcmp(vm, "stopped") == 0)
		return "SHUTOFF";
	if (strcmp(vm, "error") == 0)
		return "ERROR";
	if (strcmp(vm, "deleted") == 0)
		return "DELETED";
	return "UNKNOWN";
}

static json_t *
links(const char *kind, const char *id)
{
	char self[256], book[256];

	snprintf(self, sizeof(self), "http://%s:%ld/v2.1/%s/%s", ctl.public_host,
	    ctl.compute_port, kind, id);
	snprintf(book, sizeof(book), "http://%s:%ld/%s/%s", ctl.public_host,
	    ctl.compute_port, kind, id);
	return json_pack("[{s:s,s:s},{s:s,s:s}]", "rel", "self", "href", self,
	    "rel", "bookmark", "href", book);
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

static json_t *
server_json(PGresult *r, int i, int admin)
{
	const char *id = PQgetvalue(r, i, I_ID), *img = PQgetvalue(r, i, I_IMAGE);
	const char *task = PQgetisnull(r, i, I_TASK) ? NULL :
	    PQgetvalue(r, i, I_TASK);
	json_t *s, *meta = json_loads(PQgetvalue(r, i, I_META), 0, NULL);

	s = json_pack("{s:s,s:s,s:s,s:s,s:s,s:o,s:o,s:o,s:{s:s,s:o},s:s,s:s,"
	    "s:{},s:s,s:s,s:o,s:s,s:i,s:s,s:s,s:o,s:o,s:o,s:[{s:s}],s:o,s:s,"
	    "s:i,s:[]}",
	    "id", id, "name", PQgetvalue(r, i, I_NAME),
	    "status", status_of(PQgetvalue(r, i, I_VM), task),
	    "tenant_id", PQgetvalue(r, i, I_PROJECT),
	    "user_id", PQgetvalue(r, i, I_USER),
	    "metadata", meta ? meta : json_object(),
	    "hostId", host_id(r, i),
	    "image", img[0] ? json_pack("{s:s,s:o}", "id", img, "links",
	    json_pack("[{s:s,s:s}]", "rel", "bookmark", "href", "")) :
	    json_string(""),
	    "flavor", "id", PQgetvalue(r, i, I_FLAVOR), "links",
	    links("flavors", PQgetvalue(r, i, I_FLAVOR)),
	    "created", PQgetvalue(r, i, I_CREATED),
	    "updated", PQgetvalue(r, i, I_UPDATED),
	    "addresses",
	    "accessIPv4", "", "accessIPv6", "",
	    "links", links("servers", id),
	    "OS-DCF:diskConfig", "MANUAL",
	    "progress", 0,
	    "OS-EXT-AZ:availability_zone", PQgetvalue(r, i, I_AZ),
	    "config_drive", PQgetvalue(r, i, I_CDRIVE)[0] == 't' ? "True" : "",
	    "key_name", gr_db_json_text(r, i, I_KEY),
	    "OS-SRV-USG:launched_at", gr_db_json_text(r, i, I_LAUNCHED),
	    "OS-SRV-USG:terminated_at", gr_db_json_text(r, i, I_TERMINATED),
	    "security_groups", "name", "default",
	    "OS-EXT-STS:task_state", task ? json_string(task) : json_null(),
	    "OS-EXT-STS:vm_state", PQgetvalue(r, i, I_VM),
	    "OS-EXT-STS:power_state", atoi(PQgetvalue(r, i, I_POWER)),
	    "os-extended-volumes:volumes_attached");
	/* Nova's image bookmark names the image by id on the compute API. */
	if (img[0]) {
		char book[256];

		snprintf(book, sizeof(book), "http://%s:%ld/images/%s",
		    ctl.public_host, ctl.compute_port, img);
		json_object_set_new(json_array_get(json_object_get(
		    json_object_get(s, "image"), "links"), 0), "href",
		    json_string(book));
	}
	if (!PQgetisnull(r, i, I_FAULT)) {
		json_t *f = json_loads(PQgetvalue(r, i, I_FAULT), 0, NULL);

		if (f)
			json_object_set_new(s, "fault", f);
	}
	if (admin) {
		char iname[64];

		snprintf(iname, sizeof(iname), "instance-%s", id);
		json_object_set_new(s, "OS-EXT-SRV-ATTR:host", gr_db_json_text(r, i,
		    I_HOST));
		json_object_set_new(s, "OS-EXT-SRV-ATTR:hypervisor_hostname",
		    gr_db_json_text(r, i, I_HOST));
		json_object_set_new(s, "OS-EXT-SRV-ATTR:instance_name",
		    json_string(iname));
	}
	return s;
}

/* Loads a live instance the caller may see (others' are 404). */
static PGresult *
load_instance(struct gr_req *req, const char *id)
{
	struct gr_auth *a = gr_auth_of(req);
	const char *p[3] = { id, a->project_id, a->is_admin ? "t" : "f" };
	PGresult *r;

	r = gr_db_query("SELECT " INST_COLS " FROM instances i WHERE i.id = $1 "
	    "AND NOT i.deleted AND (i.project_id = $2 OR $3)", 3, p);
	if (r && PQntuples(r) == 0) {
		PQclear(r);
		gr_error(GR_ERR_NOT_FOUND, "Instance %s could not be found.", id);
		return NULL;
	}
	return r;
}

/* ---- agents ---- */

/* Calls the agent of host; resp->status tells the outcome. */
static int
agent_call(const char *host, const char *method, const char *path,
    json_t *body, struct gr_httpc_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTOFREE char *url = NULL;
	const char *p[1] = { host };
	struct gr_signer key;

	r = gr_db_query("SELECT agent_url FROM compute_nodes WHERE host = $1 AND "
	    "agent_url IS NOT NULL", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_UNAVAILABLE, "Node %s has no reachable compute "
		    "agent.", host);
		return -1;
	}
	url = gr_xasprintf("%s%s", PQgetvalue(r, 0, 0), path);
	if (gr_sign_node(ctl.cluster_secret, host, &key) < 0)
		return -1;
	return gr_httpc_json(method, url, body, &key, AGENT_TIMEOUT_MS, resp);
}

/* Puts an instance in ERROR with a fault, and frees its claim. */
static void
set_error(const char *id, int code, const char *msg)
{
	GR_AUTOFREE char *fault = NULL;
	json_t *f = json_pack("{s:i,s:s,s:s}", "code", code, "message", msg,
	    "created", "");
	char now[32];

	gr_time_iso(time(NULL), now);
	json_object_set_new(f, "created", json_string(now));
	fault = json_dumps(f, JSON_COMPACT);
	json_decref(f);
	const char *p[2] = { id, fault };
	gr_db_exec("UPDATE instances SET vm_state = 'error', task_state = NULL, "
	    "fault = $2, updated_at = now() WHERE id = $1 AND NOT deleted", 2, p);
	action_finish(id, msg);
	sched_release(id);
}

struct dispatch {
	char	 id[37];
	char	 host[65];
	char	*method;
	char	*path;
	json_t	*body;
	char	*what;		/* for the fault: "boot", "stop"... */
	/* When the agent cannot be reached: undoes the work and leaves the
	 * instance as it was; NULL puts the instance in ERROR. */
	void	(*undo)(struct dispatch *d, const char *msg);
};

/* Runs an agent call off the request thread: the API answers 202 at once
 * and the agent reports back when the work is done. */
static void *
dispatch_run(void *arg)
{
	struct dispatch *d = arg;
	struct gr_httpc_resp r = { 0 };

	if (agent_call(d->host, d->method, d->path, d->body, &r) < 0 ||
	    (r.status != 202 && r.status != 200)) {
		char msg[600];

		snprintf(msg, sizeof(msg), "The compute agent on %s could not %s "
		    "the instance: %s", d->host, d->what, r.status ? (r.body ?
		    r.body : "") : gr_err_msg());
		gr_warn("%s", msg);
		if (d->undo)
			d->undo(d, msg);
		else
			set_error(d->id, 500, msg);
	}
	gr_httpc_resp_free(&r);
	gr_db_close();
	json_decref(d->body);
	free(d->method);
	free(d->path);
	free(d->what);
	free(d);
	return NULL;
}

static void
dispatch_undo(const char *id, const char *host, const char *method,
    const char *path, json_t *body, const char *what,
    void (*undo)(struct dispatch *, const char *))
{
	struct dispatch *d = gr_xcalloc(1, sizeof(*d));
	pthread_attr_t at;
	pthread_t t;

	snprintf(d->id, sizeof(d->id), "%s", id);
	snprintf(d->host, sizeof(d->host), "%s", host);
	d->method = gr_xstrdup(method);
	d->path = gr_xstrdup(path);
	d->body = body;
	d->what = gr_xstrdup(what);
	d->undo = undo;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &at, dispatch_run, d) != 0)
		dispatch_run(d);
	pthread_attr_destroy(&at);
}

static void
dispatch(const char *id, const char *host, const char *method,
    const char *path, json_t *body, const char *what)
{
	dispatch_undo(id, host, method, path, body, what, NULL);
}

static void
record_action(struct gr_req *req, const char *id, const char *action)
{
	struct gr_auth *a = gr_auth_of(req);
	const char *p[5] = { id, action, req->request_id, a->user_id,
	    a->project_id };

	gr_db_exec("INSERT INTO instance_actions (instance_id, action, "
	    "request_id, user_id, project_id) VALUES ($1, $2, $3, $4, $5)", 5, p);
}

/* ---- create ---- */

/* The image service's address for all images (id NULL) or one. */
static char *
image_url(const char *id)
{
	return gr_xasprintf("http://%s:%ld/v2/images%s%s", ctl.public_host,
	    ctl.image_port, id ? "/" : "", id ? id : "");
}

/* What the image service says of the image (the caller's token). */
static json_t *
image_get(struct gr_req *req, const char *ref)
{
	GR_AUTOFREE char *url = NULL;
	struct gr_httpc_resp r;
	json_t *img = NULL;
	const char *status = NULL;

	if (gr_check_name("imageRef", ref, 64) < 0 || strchr(ref, '/')) {
		gr_error(GR_ERR_BAD_REQUEST, "Image %.64s could not be found.",
		    ref);
		return NULL;
	}
	url = image_url(ref);
	if (gr_httpc_get_token(url, gr_req_header(req, "X-Auth-Token"),
	    AGENT_TIMEOUT_MS, &r) < 0)
		return NULL;
	if (r.status == 404) {
		gr_error(GR_ERR_BAD_REQUEST, "Image %s could not be found.", ref);
	} else if (r.status != 200 || (img = json_loads(r.body, 0, NULL)) ==
	    NULL) {
		gr_error(GR_ERR_UNAVAILABLE, "The image service answered %ld for "
		    "image %s.", r.status, ref);
	} else if (gr_json_str(img, "status", 1, 32, &status) < 0 ||
	    strcmp(status, "active") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Image %s is not active (it is %s).",
		    ref, status ? status : "unknown");
		json_decref(img);
		img = NULL;
	}
	gr_httpc_resp_free(&r);
	return img;
}

static long long
jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

/* Image and flavor must agree: Nova's FlavorDiskSmallerThanImage etc. */
static int
check_fit(json_t *img, json_t *flavor)
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
};

/* Instance (and snapshot) metadata: at most 128 short string pairs. */
static int
check_metadata(json_t *m)
{
	const char *key;
	json_t *v;

	if (json_object_size(m) > METADATA_MAX) {
		gr_error(GR_ERR_BAD_REQUEST, "At most %d metadata items are "
		    "allowed.", METADATA_MAX);
		return -1;
	}
	json_object_foreach(m, key, v) {
		if (gr_check_name("metadata key", key, 255) < 0)
			return -1;
		if (!json_is_string(v) || json_string_length(v) > 255) {
			gr_error(GR_ERR_BAD_REQUEST, "Metadata value of '%s' must "
			    "be a string of at most 255 bytes.", key);
			return -1;
		}
	}
	return 0;
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

static int
create_parse(struct gr_req *req, struct create *c)
{
	static const char *const known[] = { "name", "imageRef", "flavorRef",
	    "networks", "key_name", "user_data", "metadata",
	    "availability_zone", "min_count", "max_count", "config_drive",
	    "security_groups", "OS-DCF:diskConfig", "adminPass",
	    "block_device_mapping_v2", "return_reservation_id", NULL };
	json_t *body, *s, *nets = NULL;
	long long minc = 1, maxc = 1;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "server", 1, &s) < 0 ||
	    gr_json_only(s, "server", known) < 0 ||
	    gr_json_name(s, "name", 1, NAME_MAX_LEN, &c->name) < 0 ||
	    gr_json_str(s, "imageRef", 1, 64, &c->image_ref) < 0 ||
	    gr_json_str(s, "flavorRef", 1, 255, &c->flavor_ref) < 0 ||
	    gr_json_name(s, "key_name", 0, 255, &c->key_name) < 0 ||
	    gr_json_str(s, "user_data", 0, (size_t)-1, &c->user_data) < 0 ||
	    gr_json_str(s, "availability_zone", 0, 255, &c->az) < 0 ||
	    gr_json_object(s, "metadata", 0, &c->metadata) < 0 ||
	    gr_json_int(s, "min_count", 0, 1, MAX_COUNT, &minc) < 0 ||
	    gr_json_int(s, "max_count", 0, 1, MAX_COUNT, &maxc) < 0 ||
	    parse_hints(body, c) < 0)
		return -1;
	if (minc > maxc) {
		gr_error(GR_ERR_BAD_REQUEST, "min_count (%lld) is larger than "
		    "max_count (%lld).", minc, maxc);
		return -1;
	}
	c->min_count = (int)minc;
	c->max_count = (int)maxc;
	if (c->user_data) {
		size_t n = strlen(c->user_data);
		unsigned char *tmp;

		if (n > USER_DATA_MAX) {
			gr_error(GR_ERR_BAD_REQUEST, "user_data is %zu bytes of "
			    "base64; at most %d are allowed (64 KiB).", n,
			    USER_DATA_MAX);
			return -1;
		}
		tmp = gr_xmalloc(n + 4);
		int ok = n % 4 == 0 && EVP_DecodeBlock(tmp, (const unsigned char *)
		    c->user_data, (int)n) >= 0;
		free(tmp);
		if (!ok) {
			gr_error(GR_ERR_BAD_REQUEST, "user_data must be base64 "
			    "encoded.");
			return -1;
		}
	}
	if (c->metadata && check_metadata(c->metadata) < 0)
		return -1;
	nets = json_object_get(s, "networks");
	if (nets && !(json_is_string(nets) && (strcmp(json_string_value(nets),
	    "none") == 0 || strcmp(json_string_value(nets), "auto") == 0))) {
		json_t *first = json_is_array(nets) ? json_array_get(nets, 0) :
		    NULL;
		const char *uuid = first ? json_string_value(json_object_get(
		    first, "uuid")) : NULL;

		if (json_is_array(nets) && json_array_size(nets) == 0)
			return 0;
		/* Tenant networks come with the networking service. */
		gr_error(GR_ERR_BAD_REQUEST, "Network %s could not be found.",
		    uuid ? uuid : "(malformed 'networks')");
		return -1;
	}
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
	return 0;
}

/* Checks the project's instance, core and RAM quotas for n more. */
static int
check_quota(struct gr_req *req, struct create *c, int n)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { gr_auth_of(req)->project_id };
	long lim[3];
	static const char *const res[3] = { "instances", "cores", "ram" };
	long want[3] = { n, n * jint(c->flavor, "vcpus"), n * jint(c->flavor,
	    "ram") };

	r = gr_db_query("SELECT count(*), coalesce(sum((flavor->>'vcpus')::int), "
	    "0), coalesce(sum((flavor->>'ram')::int), 0) FROM instances WHERE "
	    "project_id = $1 AND NOT deleted", 1, p);
	if (r == NULL)
		return -1;
	for (int i = 0; i < 3; i++) {
		long used = atol(PQgetvalue(r, 0, i));

		if (quota_limit(p[0], res[i], &lim[i]) < 0)
			return -1;
		if (lim[i] >= 0 && used + want[i] > lim[i]) {
			gr_error(GR_ERR_FORBIDDEN, "Quota exceeded for %s: "
			    "requested %ld, but already used %ld of %ld %s.",
			    res[i], want[i], used, lim[i], res[i]);
			return -1;
		}
	}
	return 0;
}

/* The spec the agent boots from. */
static json_t *
agent_spec(struct create *c, const char *id, const char *name)
{
	static const char *const buses[] = { "virtio", "ide", "sata", NULL };
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
    char id[37])
{
	struct gr_auth *a = gr_auth_of(req);
	GR_AUTOFREE char *flv = json_dumps(c->flavor, JSON_COMPACT);
	GR_AUTOFREE char *meta = c->metadata ? json_dumps(c->metadata,
	    JSON_COMPACT) : gr_xstrdup("{}");
	char host[65], why[2048];
	long long disk;

	if (gr_uuid(id) < 0)
		return -1;
	const char *p[11] = { id, name, a->project_id, a->user_id,
	    json_string_value(json_object_get(c->img, "id")),
	    json_string_value(json_object_get(c->flavor, "id")), flv,
	    c->key_name, c->user_data, meta, req->request_id };
	/* An instance and its group membership exist together or not at all. */
	if (gr_db_begin() < 0)
		return -1;
	if (gr_db_exec("INSERT INTO instances (id, name, project_id, user_id, "
	    "image_id, flavor_id, flavor, key_name, user_data, metadata, "
	    "request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
	    11, p) < 0 ||
	    (c->group_id && server_group_join(c->group_id, id) < 0) ||
	    gr_db_commit() < 0) {
		gr_db_rollback();
		return -1;
	}
	record_action(req, id, "create");
	json_t *spec = agent_spec(c, id, name);
	disk = json_integer_value(json_object_get(spec, "disk_gb"));
	struct sched_req sr = { id, (int)jint(c->flavor, "vcpus"),
	    (int)jint(c->flavor, "ram"), (int)disk,
	    strcmp(json_string_value(json_object_get(spec,
	    "disk_provisioning")), "thin") == 0,
	    c->force_host[0] ? c->force_host : NULL, c->group_id };
	if (sched_place(&sr, host, why, sizeof(why)) < 0) {
		/* As Nova: the request is accepted; the instance goes to ERROR
		 * with the reason. Admins see why each node said no. */
		set_error(id, 500, a->is_admin ? gr_err_msg() :
		    "No valid host was found. There are not enough hosts "
		    "available.");
		json_decref(spec);
		gr_err_clear();
		return 0;
	}
	dispatch(id, host, "POST", "/v1/instances", spec, "boot");
	return 0;
}

int
server_create(struct gr_req *req, struct gr_resp *resp)
{
	struct create c = { 0 };
	struct gr_auth *a = gr_auth_of(req);
	char id[37], name[NAME_MAX_LEN + 16];
	int ret = -1;

	if (create_parse(req, &c) < 0)
		return -1;
	if ((c.flavor = flavor_find(c.flavor_ref, a->project_id,
	    a->is_admin)) == NULL) {
		if (gr_err_code() == GR_ERR_NOT_FOUND)
			gr_error(GR_ERR_BAD_REQUEST, "Flavor %s could not be "
			    "found.", c.flavor_ref);
		return -1;
	}
	if ((c.img = image_get(req, c.image_ref)) == NULL ||
	    check_fit(c.img, c.flavor) < 0)
		goto out;
	if (c.key_name && (c.public_key = keypair_public_key(a->user_id,
	    c.key_name)) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid key_name provided: no "
		    "keypair named '%s'.", c.key_name);
		goto out;
	}
	if (check_quota(req, &c, c.max_count) < 0 ||
	    (c.group_id && server_group_check(c.group_id, a->project_id,
	    a->is_admin, c.max_count) < 0))
		goto out;
	for (int i = 0; i < c.max_count; i++) {
		if (c.max_count > 1)
			snprintf(name, sizeof(name), "%s-%d", c.name, i + 1);
		else
			snprintf(name, sizeof(name), "%s", c.name);
		if (create_one(req, &c, name, id) < 0)
			goto out;
	}
	char pw[13];
	gr_random_hex(pw, 6);
	gr_resp_json(resp, 202, json_pack("{s:{s:s,s:o,s:s,s:[{s:s}],s:s}}",
	    "server", "id", id, "links", links("servers", id),
	    "OS-DCF:diskConfig", "MANUAL", "security_groups", "name", "default",
	    "adminPass", pw));
	ret = 0;
out:
	json_decref(c.flavor);
	json_decref(c.img);
	free(c.public_key);
	return ret;
}

/* ---- read ---- */

static int
server_list_common(struct gr_req *req, struct gr_resp *resp, int detail)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	struct gr_auth *a = gr_auth_of(req);
	const char *all = gr_req_query(req, "all_tenants");
	int everyone = a->is_admin && all && strcmp(all, "0") != 0 &&
	    strcasecmp(all, "false") != 0;
	const char *p[4] = { a->project_id, everyone ? "t" : "f",
	    gr_req_query(req, "name"), gr_req_query(req, "status") };
	json_t *list;

	r = gr_db_query("SELECT " INST_COLS " FROM instances i WHERE NOT "
	    "i.deleted AND ($2 OR i.project_id = $1) AND ($3::text IS NULL OR "
	    "i.name ~ $3) ORDER BY i.created_at DESC, i.id", 3, p);
	if (r == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++) {
		json_t *s = server_json(r, i, a->is_admin);

		if (p[3] && strcasecmp(json_string_value(json_object_get(s,
		    "status")), p[3]) != 0) {
			json_decref(s);
			continue;
		}
		if (!detail) {
			json_t *brief = json_pack("{s:O,s:O,s:O}", "id",
			    json_object_get(s, "id"), "name", json_object_get(s,
			    "name"), "links", json_object_get(s, "links"));
			json_decref(s);
			s = brief;
		}
		json_array_append_new(list, s);
	}
	gr_resp_json(resp, 200, json_pack("{s:o}", "servers", list));
	return 0;
}

int
server_list(struct gr_req *req, struct gr_resp *resp)
{
	return server_list_common(req, resp, 0);
}

int
server_detail(struct gr_req *req, struct gr_resp *resp)
{
	return server_list_common(req, resp, 1);
}

int
server_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load_instance(req, req->params[0]);

	if (r == NULL)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:o}", "server", server_json(r, 0,
	    gr_auth_of(req)->is_admin)));
	return 0;
}

/* ---- delete and actions ---- */

/* Marks an instance gone, takes it out of its server group and frees its
 * claim. */
static int
mark_deleted(const char *id)
{
	const char *p[1] = { id };

	if (gr_db_exec("UPDATE instances SET deleted = true, vm_state = "
	    "'deleted', task_state = NULL, power_state = 0, terminated_at = "
	    "now(), updated_at = now() WHERE id = $1", 1, p) < 0 ||
	    server_group_leave(id) < 0)
		return -1;
	return sched_release(id);
}

/* Whether host's compute agent is heartbeating (as hypervisors "up"). */
static int
node_alive(const char *host)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	char ivl[24];

	ctl_alive_secs(ivl);
	const char *p[2] = { host, ivl };
	r = gr_db_query("SELECT 1 FROM agents WHERE host = $1 AND kind = "
	    "'compute' AND last_seen > now() - make_interval(secs => $2)", 2,
	    p);
	/* When in doubt (no answer), treat it as alive: the call will tell. */
	return r == NULL || PQntuples(r) > 0;
}

int
server_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = load_instance(req, req->params[0]);
	const char *p[1] = { req->params[0] };
	GR_AUTOFREE char *path = NULL;

	if (r == NULL)
		return -1;
	record_action(req, req->params[0], "delete");
	if (PQgetisnull(r, 0, I_HOST) || !node_alive(PQgetvalue(r, 0, I_HOST))) {
		/* Never reached a node, or its node is down: delete here (as
		 * Nova's local delete); a node that comes back removes what is
		 * left of it (its orphan reconcile). */
		if (mark_deleted(req->params[0]) < 0)
			return -1;
		action_finish(req->params[0], NULL);
	} else {
		if (gr_db_exec("UPDATE instances SET task_state = 'deleting', "
		    "updated_at = now() WHERE id = $1", 1, p) < 0)
			return -1;
		path = gr_xasprintf("/v1/instances/%s", req->params[0]);
		dispatch(req->params[0], PQgetvalue(r, 0, I_HOST), "DELETE",
		    path, NULL, "delete");
	}
	gr_resp_empty(resp, 204);
	return 0;
}

/*
 * Moves instance r (on a node, in one of the vm_states need_vm lists, with
 * no task) to task; 0, or -1 with a 409 that says why not. Only one task
 * at a time: the update wins only from no task.
 */
static int
begin_task(struct gr_req *req, PGresult *r, const char *action,
    const char *need_vm, const char *task)
{
	const char *vm = PQgetvalue(r, 0, I_VM);
	const char *cur = PQgetisnull(r, 0, I_TASK) ? NULL :
	    PQgetvalue(r, 0, I_TASK);
	const char *p[3] = { req->params[0], task, need_vm };
	GR_AUTO_PGRES PGresult *u = NULL;

	if (cur || strstr(need_vm, vm) == NULL || PQgetisnull(r, 0, I_HOST)) {
		gr_error(GR_ERR_CONFLICT, "Cannot '%s' instance %s while it is in "
		    "vm_state %s%s%s.", action, req->params[0], vm,
		    cur ? " and task_state " : "", cur ? cur : "");
		return -1;
	}
	u = gr_db_query("UPDATE instances SET task_state = $2, updated_at = "
	    "now() WHERE id = $1 AND task_state IS NULL AND position(vm_state "
	    "IN $3) > 0 AND NOT deleted", 3, p);
	if (u == NULL)
		return -1;
	if (gr_db_affected(u) == 0) {
		gr_error(GR_ERR_CONFLICT, "Instance %s changed state; try again.",
		    req->params[0]);
		return -1;
	}
	return 0;
}

/* Sends an action to the agent after checking and moving the state. */
static int
lifecycle(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const char *action, const char *need_vm, const char *task,
    const char *agent_op, json_t *body)
{
	GR_AUTOFREE char *path = NULL;

	if (begin_task(req, r, action, need_vm, task) < 0) {
		json_decref(body);
		return -1;
	}
	/* Nova's action names: "stop", not "os-stop". */
	record_action(req, req->params[0], strncmp(action, "os-", 3) == 0 ?
	    action + 3 : action);
	path = gr_xasprintf("/v1/instances/%s/%s", req->params[0], agent_op);
	dispatch(req->params[0], PQgetvalue(r, 0, I_HOST), "POST", path, body,
	    action);
	gr_resp_empty(resp, 202);
	return 0;
}

static int
console_output(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    json_t *arg)
{
	struct gr_httpc_resp ar;
	GR_AUTOFREE char *path = NULL;
	long long length = -1;
	json_t *out;

	if (json_is_object(arg) && json_object_get(arg, "length") &&
	    !json_is_null(json_object_get(arg, "length"))) {
		json_t *l = json_object_get(arg, "length");

		/* The CLI may send the length as a string. */
		if (json_is_string(l))
			length = atoll(json_string_value(l));
		else if (json_is_integer(l))
			length = json_integer_value(l);
		else
			length = -2;
		if (length < -1) {
			gr_error(GR_ERR_BAD_REQUEST, "length must be a "
			    "non-negative integer.");
			return -1;
		}
	}
	if (PQgetisnull(r, 0, I_HOST)) {
		gr_error(GR_ERR_CONFLICT, "Instance %s is not on a node yet.",
		    req->params[0]);
		return -1;
	}
	path = gr_xasprintf("/v1/instances/%s/console?length=%lld",
	    req->params[0], length);
	if (agent_call(PQgetvalue(r, 0, I_HOST), "GET", path, NULL, &ar) < 0)
		return -1;
	out = ar.status == 200 ? json_loads(ar.body, 0, NULL) : NULL;
	gr_httpc_resp_free(&ar);
	if (out == NULL) {
		gr_error(GR_ERR_UNAVAILABLE, "The compute agent could not read "
		    "the console of instance %s.", req->params[0]);
		return -1;
	}
	gr_resp_json(resp, 200, out);
	return 0;
}

/* A snapshot that will not happen: the instance's task is over. */
static void
snapshot_task_clear(const char *id)
{
	const char *p[1] = { id };

	gr_db_exec("UPDATE instances SET task_state = NULL, updated_at = now() "
	    "WHERE id = $1 AND task_state = 'image_snapshot'", 1, p);
}

/* The snapshot never reached the agent: drop the image, clear the task. */
static void
snapshot_undo(struct dispatch *d, const char *msg)
{
	const char *token = json_string_value(json_object_get(d->body,
	    "token"));
	GR_AUTOFREE char *url = image_url(json_string_value(
	    json_object_get(d->body, "image_id")));
	struct gr_httpc_resp r;

	if (gr_httpc_token("DELETE", url, NULL, token, AGENT_TIMEOUT_MS,
	    &r) == 0)
		gr_httpc_resp_free(&r);
	snapshot_task_clear(d->id);
	action_finish(d->id, msg);
}

/* The new image's fields: Nova's snapshot properties, the base image's
 * hw_* properties (so the snapshot boots on the same devices), its
 * minimums, and the caller's metadata. */
static json_t *
snapshot_image(struct gr_req *req, PGresult *r, const char *name,
    json_t *meta)
{
	GR_AUTO_PGRES PGresult *f = NULL;
	const char *id = PQgetvalue(r, 0, I_ID);
	const char *base = PQgetvalue(r, 0, I_IMAGE);
	const char *p[1] = { id };
	json_t *img, *b, *v;
	const char *key;
	long long min_disk = 0;

	f = gr_db_query("SELECT coalesce((flavor->>'disk')::bigint, 0) FROM "
	    "instances WHERE id = $1", 1, p);
	if (f && PQntuples(f) == 1)
		min_disk = atoll(PQgetvalue(f, 0, 0));
	img = json_object();
	/* The base may be gone since the boot: then there is less to copy. */
	if (*base && (b = image_get(req, base)) != NULL) {
		json_object_foreach(b, key, v)
			if (strncmp(key, "hw_", 3) == 0 && json_is_string(v))
				json_object_set(img, key, v);
		if (jint(b, "min_disk") > min_disk)
			min_disk = jint(b, "min_disk");
		json_object_set(img, "min_ram", json_object_get(b, "min_ram"));
		json_decref(b);
	}
	gr_err_clear();
	/* The caller's metadata may override what was inherited, not what
	 * makes the image a snapshot of this disk. */
	if (meta)
		json_object_update(img, meta);
	json_object_update_new(img, json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,"
	    "s:s,s:I}", "name", name, "disk_format", "qcow2",
	    "container_format", "bare", "visibility", "private", "image_type",
	    "snapshot", "instance_uuid", id, "base_image_ref", base, "user_id",
	    gr_auth_of(req)->user_id, "min_disk", (json_int_t)min_disk));
	return img;
}

/*
 * createImage: the instance's disk becomes a new private image. The image
 * is created here, queued, with the caller's token, so its address can be
 * answered at once (Nova's Location header); the agent copies the disk and
 * uploads it with the same token, so the image service's ownership and
 * storage quota apply as for any upload.
 */
static int
create_image(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    json_t *arg)
{
	static const char *const known[] = { "name", "metadata", NULL };
	const char *token = gr_req_header(req, "X-Auth-Token");
	const char *name = NULL, *image_id;
	GR_AUTOFREE char *url = NULL, *loc = NULL, *path = NULL;
	json_t *meta = NULL, *img = NULL, *body;
	struct gr_httpc_resp ir = { 0 };
	int ret = -1;

	if (!json_is_object(arg)) {
		gr_error(GR_ERR_BAD_REQUEST, "createImage needs an object with "
		    "the image's name.");
		return -1;
	}
	if (gr_json_only(arg, "createImage", known) < 0 ||
	    gr_json_name(arg, "name", 1, NAME_MAX_LEN, &name) < 0 ||
	    gr_json_object(arg, "metadata", 0, &meta) < 0 ||
	    (meta && check_metadata(meta) < 0))
		return -1;
	if (token == NULL) {
		/* Agents have no business snapshotting instances. */
		gr_error(GR_ERR_FORBIDDEN, "createImage needs a user's token.");
		return -1;
	}
	/* A snapshot of an instance that is off or on, not one that is
	 * building, failed or being deleted. */
	if (begin_task(req, r, "createImage", "active,stopped",
	    "image_snapshot") < 0)
		return -1;
	img = snapshot_image(req, r, name, meta);
	url = image_url(NULL);
	if (gr_httpc_token("POST", url, img, token, AGENT_TIMEOUT_MS, &ir) < 0)
		goto undo;
	json_decref(img);
	img = ir.status == 201 ? json_loads(ir.body, 0, NULL) : NULL;
	image_id = json_string_value(json_object_get(img, "id"));
	if (image_id == NULL) {
		json_t *e = json_loads(ir.body ? ir.body : "", 0, NULL);
		const char *m = json_string_value(json_object_get(
		    json_object_get(e, "error"), "message"));

		/* The image service's faults: {"error": {..., "message"}}. */
		gr_error(ir.status == 400 || ir.status == 403 || ir.status == 413 ?
		    GR_ERR_BAD_REQUEST : GR_ERR_UNAVAILABLE, "The image service "
		    "refused the snapshot image (%ld): %s", ir.status,
		    m ? m : "no reason given");
		json_decref(e);
		goto undo;
	}
	record_action(req, req->params[0], "createImage");
	path = gr_xasprintf("/v1/instances/%s/snapshot", req->params[0]);
	body = json_pack("{s:s,s:s}", "image_id", image_id, "token", token);
	dispatch_undo(req->params[0], PQgetvalue(r, 0, I_HOST), "POST", path,
	    body, "snapshot", snapshot_undo);
	loc = gr_xasprintf("%s/%s", url, image_id);
	gr_resp_empty(resp, 202);
	gr_resp_header(resp, "Location", loc);
	ret = 0;
	goto out;
undo:
	snapshot_task_clear(req->params[0]);
out:
	json_decref(img);
	gr_httpc_resp_free(&ir);
	return ret;
}

int
server_action(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	json_t *body, *arg = NULL;
	const char *name = NULL;

	if ((body = gr_req_json(req)) == NULL)
		return -1;
	if (json_object_size(body) != 1) {
		gr_error(GR_ERR_BAD_REQUEST, "An action body names exactly one "
		    "action.");
		return -1;
	}
	json_object_foreach(body, name, arg)
		break;
	if ((r = load_instance(req, req->params[0])) == NULL)
		return -1;
	if (strcmp(name, "os-stop") == 0)
		return lifecycle(req, resp, r, "os-stop", "active,error",
		    "powering-off", "stop", NULL);
	if (strcmp(name, "os-start") == 0)
		return lifecycle(req, resp, r, "os-start", "stopped",
		    "powering-on", "start", NULL);
	if (strcmp(name, "reboot") == 0) {
		const char *type = NULL;

		if (!json_is_object(arg) || gr_json_str(arg, "type", 1, 8,
		    &type) < 0)
			return -1;
		if (strcmp(type, "SOFT") != 0 && strcmp(type, "HARD") != 0) {
			gr_error(GR_ERR_BAD_REQUEST, "Reboot type must be SOFT or "
			    "HARD, not '%s'.", type);
			return -1;
		}
		return lifecycle(req, resp, r, "reboot", type[0] == 'H' ?
		    "active,stopped,error" : "active", type[0] == 'H' ?
		    "rebooting_hard" : "rebooting", "reboot", json_pack("{s:s}",
		    "type", type));
	}
	if (strcmp(name, "os-getConsoleOutput") == 0)
		return console_output(req, resp, r, arg);
	if (strcmp(name, "createImage") == 0)
		return create_image(req, resp, r, arg);
	gr_error(GR_ERR_BAD_REQUEST, "Unsupported server action '%.64s'.", name);
	return -1;
}

/* ---- reports from agents ---- */

/* GET /internal/v1/hosts/{host}/instances: the instances the controller
 * places on host and their states, for its agent's reconcile. */
int
host_instances(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { req->params[0] };
	json_t *list;

	if (ctl_node_speaks(req, req->params[0]) < 0)
		return -1;
	r = gr_db_query("SELECT id, vm_state, task_state FROM instances WHERE "
	    "host = $1 AND NOT deleted", 1, p);
	if (r == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, json_pack("{s:s,s:s,s:o}", "id",
		    PQgetvalue(r, i, 0), "vm_state", PQgetvalue(r, i, 1),
		    "task_state", gr_db_json_text(r, i, 2)));
	gr_resp_json(resp, 200, json_pack("{s:o}", "instances", list));
	return 0;
}

/* 0 if instance id is (or was last) on host, else -1 with a 403; an
 * instance the controller does not know is a 404. */
static int
instance_on(const char *id, const char *host)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { id };

	r = gr_db_query("SELECT coalesce(host, '') FROM instances WHERE id = "
	    "$1", 1, p);
	if (r == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Instance %s could not be found.", id);
		return -1;
	}
	if (strcmp(PQgetvalue(r, 0, 0), host) != 0) {
		gr_error(GR_ERR_FORBIDDEN, "Node %s may not report for instance "
		    "%s: the instance is not on that node.", host, id);
		return -1;
	}
	return 0;
}

int
instance_state(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const known[] = { "vm_state", "power_state", "event",
	    "fault", "host", NULL };
	json_t *body, *fault = NULL;
	const char *vm, *event, *host;
	long long power;
	GR_AUTOFREE char *faultstr = NULL;
	char pw[8];

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "state report", known) < 0 ||
	    gr_json_name(body, "vm_state", 1, 16, &vm) < 0 ||
	    gr_json_name(body, "event", 1, 16, &event) < 0 ||
	    gr_json_name(body, "host", 1, 64, &host) < 0 ||
	    gr_json_int(body, "power_state", 1, 0, 7, &power) < 0 ||
	    gr_json_object(body, "fault", 0, &fault) < 0 ||
	    ctl_node_speaks(req, host) < 0 || instance_on(req->params[0],
	    host) < 0)
		return -1;
	if (strcmp(vm, "deleted") == 0) {
		if (mark_deleted(req->params[0]) < 0)
			return -1;
		action_finish(req->params[0], NULL);
		gr_resp_empty(resp, 204);
		return 0;
	}
	if (strcmp(vm, "error") == 0 && fault) {
		const char *m = json_string_value(json_object_get(fault,
		    "message"));

		set_error(req->params[0], 500, m ? m : "The instance failed on "
		    "its node.");
		gr_resp_empty(resp, 204);
		return 0;
	}
	if (strcmp(event, "snapshot_failed") == 0)
		gr_warn("instance %s: snapshot failed on %s: %s", req->params[0],
		    host, json_string_value(json_object_get(fault, "message")));
	snprintf(pw, sizeof(pw), "%lld", power);
	const char *p[5] = { req->params[0], vm, pw, event, host };
	/* Only the node that holds the instance may move it; a power-state
	 * sync never overrides a task under way (its own report will come). */
	if (gr_db_exec("UPDATE instances SET vm_state = $2, power_state = $3, "
	    "task_state = NULL, fault = NULL, launched_at = CASE WHEN $4 = "
	    "'spawned' THEN now() ELSE launched_at END, updated_at = now() "
	    "WHERE id = $1 AND host = $5 AND NOT deleted AND ($4 <> "
	    "'power_sync' OR task_state IS NULL)", 5, p) < 0)
		return -1;
	action_finish(req->params[0], strcmp(event, "snapshot_failed") == 0 ?
	    json_string_value(json_object_get(fault, "message")) : NULL);
	gr_resp_empty(resp, 204);
	return 0;
}
