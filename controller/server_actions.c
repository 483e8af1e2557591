/*
 * server_actions.c - POST /servers/{id}/action: one table of actions, each
 * with the vm_states it is allowed from, the task it sets while the agent
 * works, the agent operation and its handler. An action moves the task
 * state only from no task (one task at a time) and is refused with 409
 * from any other state; the agent's report ends the task. A locked
 * instance refuses the actions marked so to all but admins (Nova's
 * check_instance_lock); lock and unlock change only the row.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "actions.h"
#include "agent_rpc.h"
#include "console.h"
#include "ctl.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "image_client.h"
#include "keypairs.h"
#include "microversion.h"
#include "servers.h"

#define NAME_MAX_LEN	255

struct server_action;
/* Does the action on instance r (SERVER_COLS) with the body's argument. */
typedef int (*server_action_fn)(struct gr_req *req, struct gr_resp *resp,
    PGresult *r, const struct server_action *act, json_t *arg);

struct server_action {
	const char		*name;		/* the body's key: "os-stop" */
	const char		*record;	/* its instance action: "stop" */
	const char		*from;		/* vm_states it is allowed from */
	const char		*task;		/* task_state while under way */
	const char		*agent_op;	/* /v1/instances/{id}/OP */
	server_action_fn	 handler;
	unsigned		 flags;		/* ACT_* */
	int			 min_mv;	/* served from 2.min_mv */
};

#define ACT_LOCK	0x1	/* refused while the instance is locked */
#define ACT_UNDO	0x2	/* an agent that never took it changes nothing */

/*
 * Moves instance r (on a node, in one of the vm_states need_vm lists, with
 * no task) to task; 0, or -1 with a 409 that says why not. Only one task
 * at a time: the update wins only from no task.
 */
static int
begin_task(struct gr_req *req, PGresult *r, const char *action,
    const char *need_vm, const char *task)
{
	const char *p[3] = { req->params[0], task, need_vm };
	GR_AUTO_PGRES PGresult *u = NULL;

	if (server_check_state(r, action, need_vm) < 0)
		return -1;
	if (PQgetisnull(r, 0, I_HOST)) {
		gr_error(GR_ERR_CONFLICT, "Cannot '%s' instance %s while it is "
		    "not on a node.", action, req->params[0]);
		return -1;
	}
	u = gr_db_query("UPDATE instances SET task_state = $2, updated_at = "
	    "now() WHERE id = $1 AND task_state IS NULL AND vm_state = "
	    "ANY (string_to_array($3, ',')) AND NOT deleted", 3, p);
	if (u == NULL)
		return -1;
	if (gr_db_affected(u) == 0) {
		gr_error(GR_ERR_CONFLICT, "Instance %s changed state; try again.",
		    req->params[0]);
		return -1;
	}
	return 0;
}

/* The agent never took the work: the task is over, the instance is as it
 * was, and the action failed with msg. */
static void
task_undo(const char *id, json_t *body, const char *msg)
{
	const char *p[1] = { id };

	(void)body;
	gr_db_exec("UPDATE instances SET task_state = NULL, updated_at = now() "
	    "WHERE id = $1", 1, p);
	action_finish(id, msg);
}

/* Sends the action's agent operation after checking and moving the
 * state (stop, start, reboot; pause, suspend and their undoing, whose
 * failure to reach the agent leaves the instance as it was). */
static int
lifecycle(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const struct server_action *act, json_t *body)
{

	GR_AUTOFREE char *path = NULL;

	if (begin_task(req, r, act->record, act->from, act->task) < 0) {
		json_decref(body);
		return -1;
	}
	action_start(req, req->params[0], act->record);
	path = gr_xasprintf("/v1/instances/%s/%s", req->params[0],
	    act->agent_op);
	agent_rpc_dispatch(req->params[0], PQgetvalue(r, 0, I_HOST), "POST",
	    path, body, act->name, act->flags & ACT_UNDO ? task_undo :
	    server_failed);
	gr_resp_empty(resp, 202);
	return 0;
}

static int
simple_action(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const struct server_action *act, json_t *arg)
{
	(void)arg;
	return lifecycle(req, resp, r, act, NULL);
}

/* A hard reboot may also start a stopped or failed instance. */
static const struct server_action hard_reboot = { "reboot", "reboot",
    "active,stopped,error", "rebooting_hard", "reboot", NULL };

static int
reboot_action(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const struct server_action *act, json_t *arg)
{
	const char *type = NULL;

	if (!json_is_object(arg) || gr_json_str(arg, "type", 1, 8, &type) < 0)
		return -1;
	if (strcmp(type, "SOFT") != 0 && strcmp(type, "HARD") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Reboot type must be SOFT or HARD, "
		    "not '%s'.", type);
		return -1;
	}
	return lifecycle(req, resp, r, type[0] == 'H' ? &hard_reboot : act,
	    json_pack("{s:s}", "type", type));
}

static int
console_output(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const struct server_action *act, json_t *arg)
{
	static const char *const known[] = { "length", NULL };
	struct gr_httpc_resp ar;
	GR_AUTOFREE char *path = NULL;
	long long length = -1;
	json_t *out;

	/* Nova's schema: an object with at most a length, an integer (or a
	 * string of one) of -1 (all of it) or more; null is all of it. */
	if (!json_is_object(arg)) {
		gr_error(GR_ERR_BAD_REQUEST, "os-getConsoleOutput needs an "
		    "object, {} or {\"length\": N}.");
		return -1;
	}
	if (gr_json_only(arg, "os-getConsoleOutput", known) < 0 ||
	    gr_json_nova_int(arg, "length", 0, -1, INT32_MAX, &length) < 0)
		return -1;
	if (PQgetisnull(r, 0, I_HOST)) {
		gr_error(GR_ERR_CONFLICT, "Instance %s is not on a node yet.",
		    req->params[0]);
		return -1;
	}
	path = gr_xasprintf("/v1/instances/%s/console?length=%lld",
	    req->params[0], length);
	(void)act;
	if (agent_rpc_call(PQgetvalue(r, 0, I_HOST), "GET", path, NULL,
	    &ar) < 0)
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
snapshot_undo(const char *id, json_t *body, const char *msg)
{
	image_client_delete(json_string_value(json_object_get(body, "token")),
	    json_string_value(json_object_get(body, "image_id")));
	snapshot_task_clear(id);
	action_finish(id, msg);
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
	if (*base && (b = image_client_get(gr_req_header(req,
	    "X-Auth-Token"), base)) != NULL) {
		json_object_foreach(b, key, v)
			if (strncmp(key, "hw_", 3) == 0 && json_is_string(v))
				json_object_set(img, key, v);
		v = json_object_get(b, "min_disk");
		if (json_integer_value(v) > min_disk)
			min_disk = json_integer_value(v);
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
 * answered at once (Nova's Location header; its id in the body from
 * 2.45); the agent copies the disk and
 * uploads it with the same token, so the image service's ownership and
 * storage quota apply as for any upload.
 */
static int
create_image(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const struct server_action *act, json_t *arg)
{
	static const char *const known[] = { "name", "metadata", NULL };
	const char *token = gr_req_header(req, "X-Auth-Token");
	const char *name = NULL;
	GR_AUTOFREE char *loc = NULL, *path = NULL;
	json_t *meta = NULL, *img;
	char image_id[37];
	int made;

	if (!json_is_object(arg)) {
		gr_error(GR_ERR_BAD_REQUEST, "createImage needs an object with "
		    "the image's name.");
		return -1;
	}
	if (gr_json_only(arg, "createImage", known) < 0 ||
	    gr_json_name(arg, "name", 1, NAME_MAX_LEN, &name) < 0 ||
	    gr_json_object(arg, "metadata", 0, &meta) < 0 ||
	    (meta && server_check_metadata(meta) < 0))
		return -1;
	/* A snapshot of an instance that is off or on, not one that is
	 * building, failed or being deleted. */
	if (begin_task(req, r, act->record, act->from, act->task) < 0)
		return -1;
	img = snapshot_image(req, r, name, meta);
	made = image_client_create(token, img, image_id);
	json_decref(img);
	if (made < 0) {
		snapshot_task_clear(req->params[0]);
		return -1;
	}
	action_start(req, req->params[0], act->record);
	path = gr_xasprintf("/v1/instances/%s/%s", req->params[0],
	    act->agent_op);
	agent_rpc_dispatch(req->params[0], PQgetvalue(r, 0, I_HOST), "POST",
	    path, json_pack("{s:s,s:s}", "image_id", image_id, "token", token),
	    "snapshot", snapshot_undo);
	/* From 2.45 the image's id in the body instead of its Location. */
	if (compute_microversion(req) >= 45) {
		gr_resp_json(resp, 202, json_pack("{s:s}", "image_id",
		    image_id));
		return 0;
	}
	loc = image_client_url(image_id);
	gr_resp_empty(resp, 202);
	gr_resp_header(resp, "Location", loc);
	return 0;
}

/*
 * lock and unlock: only the row changes. Who locked it is kept: the
 * owner's project ('owner') or anyone else ('admin'); an owner may not
 * lift an admin's lock (Nova's unlock_override policy, admins only). An
 * owner locking a locked instance changes nothing, as in Nova.
 */
static int
lock_action(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const struct server_action *act, json_t *arg)
{
	struct gr_auth *a = gr_auth_of(req);
	int owner = strcmp(PQgetvalue(r, 0, I_PROJECT), a->project_id) == 0;
	int lock = strcmp(act->name, "lock") == 0;
	const char *by = PQgetvalue(r, 0, I_LOCKED_BY);
	const char *p[3] = { req->params[0], lock ? "t" : "f",
	    lock ? (owner ? "owner" : "admin") : NULL };

	(void)arg;
	if (lock && owner && strcmp(PQgetvalue(r, 0, I_LOCKED), "t") == 0) {
		gr_resp_empty(resp, 202);
		return 0;
	}
	if (!lock && *by && strcmp(by, owner ? "owner" : "admin") != 0 &&
	    !a->is_admin) {
		gr_error(GR_ERR_FORBIDDEN, "Policy doesn't allow "
		    "os_compute_api:os-lock-server:unlock:unlock_override to "
		    "be performed.");
		return -1;
	}
	if (gr_db_exec("UPDATE instances SET locked = $2, locked_by = $3, "
	    "updated_at = now() WHERE id = $1", 3, p) < 0)
		return -1;
	action_start(req, req->params[0], act->record);
	action_finish(req->params[0], NULL);
	gr_resp_empty(resp, 202);
	return 0;
}

/* The rebuild body as Nova's schema: imageRef, and optionally name,
 * adminPass, metadata (replacing the server's), OS-DCF:diskConfig;
 * description from 2.19, key_name from 2.54 and user_data from 2.57
 * (null clears either). */
struct rebuild {
	const char	*image_ref;
	const char	*name;
	const char	*admin_pass;
	const char	*disk_config;
	json_t		*metadata;	/* borrowed */
	json_t		*description;	/* borrowed, absent: NULL */
	json_t		*key_name;
	json_t		*user_data;
};

static int
rebuild_parse(struct gr_req *req, json_t *arg, struct rebuild *rb)
{
	static const char *const known[] = { "imageRef", "name", "adminPass",
	    "metadata", "OS-DCF:diskConfig", "description", "key_name",
	    "user_data", NULL };
	static const struct mv_field fields[] = { { "description", 19, 0 },
	    { "key_name", 54, 0 }, { "user_data", 57, 0 }, { NULL, 0, 0 } };
	const char *unused;

	*rb = (struct rebuild){ 0 };
	if (!json_is_object(arg)) {
		gr_error(GR_ERR_BAD_REQUEST, "rebuild needs an object with the "
		    "imageRef.");
		return -1;
	}
	if (gr_json_only(arg, "rebuild", known) < 0 ||
	    mv_fields_check(arg, "rebuild", compute_microversion(req),
	    fields) < 0 ||
	    gr_json_str(arg, "imageRef", 1, 255, &rb->image_ref) < 0 ||
	    gr_json_name(arg, "name", 0, NAME_MAX_LEN, &rb->name) < 0 ||
	    gr_json_str(arg, "adminPass", 0, 255, &rb->admin_pass) < 0 ||
	    gr_json_str(arg, "OS-DCF:diskConfig", 0, 8, &rb->disk_config) < 0 ||
	    gr_json_object(arg, "metadata", 0, &rb->metadata) < 0 ||
	    (rb->metadata && server_check_metadata(rb->metadata) < 0))
		return -1;
	if (rb->disk_config && strcmp(rb->disk_config, "AUTO") != 0 &&
	    strcmp(rb->disk_config, "MANUAL") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "OS-DCF:diskConfig must be AUTO or "
		    "MANUAL, not '%s'.", rb->disk_config);
		return -1;
	}
	rb->description = json_object_get(arg, "description");
	rb->key_name = json_object_get(arg, "key_name");
	rb->user_data = json_object_get(arg, "user_data");
	if ((rb->description && server_parse_description(arg, &unused) < 0) ||
	    (rb->user_data && !json_is_null(rb->user_data) &&
	    server_check_user_data(json_string_value(rb->user_data)) < 0))
		return -1;
	if (rb->key_name && !json_is_null(rb->key_name) &&
	    gr_json_name(arg, "key_name", 0, 255, &unused) < 0)
		return -1;
	return 0;
}

/* The image must exist, be active and fit the instance's flavor (400s as
 * on create); its id in id. */
static int
rebuild_image(struct gr_req *req, const struct rebuild *rb, char id[37],
    long long *disk_gb)
{
	GR_AUTO_PGRES PGresult *f = NULL;
	const char *p[1] = { req->params[0] };
	json_t *img, *flavor;
	int ret;

	f = gr_db_query("SELECT flavor FROM instances WHERE id = $1", 1, p);
	if (f == NULL || PQntuples(f) != 1)
		return -1;
	if ((img = image_client_get(gr_req_header(req, "X-Auth-Token"),
	    rb->image_ref)) == NULL)
		return -1;
	flavor = json_loads(PQgetvalue(f, 0, 0), 0, NULL);
	ret = server_check_fit(img, flavor);
	snprintf(id, 37, "%s", json_string_value(json_object_get(img, "id")));
	*disk_gb = json_integer_value(json_object_get(flavor, "disk"));
	json_decref(flavor);
	json_decref(img);
	return ret;
}

/*
 * What the rebuilt server's config drive holds, from its row as the
 * rebuild left it: the name, user_data, metadata, and the public key of
 * its key pair (the caller's when the rebuild names one, as Nova looks
 * it up; else the owner's).
 */
static json_t *
rebuild_config(PGresult *now, const struct rebuild *rb, const char *new_key)
{
	/* The key the rebuild named (new_key; none when it cleared it), else
	 * the owner's key pair of the server's key_name. */
	GR_AUTOFREE char *owner = rb->key_name == NULL && !PQgetisnull(now, 0,
	    I_KEY) ? keypair_public_key(PQgetvalue(now, 0, I_USER),
	    PQgetvalue(now, 0, I_KEY)) : NULL;
	const char *pub = rb->key_name ? new_key : owner;
	json_t *meta = json_loads(PQgetvalue(now, 0, I_META), 0, NULL);

	gr_err_clear();
	return json_pack("{s:s,s:s,s:s,s:o}", "name", PQgetvalue(now, 0,
	    I_NAME), "user_data", PQgetvalue(now, 0, I_USER_DATA),
	    "public_key", pub ? pub : "", "metadata", meta ? meta :
	    json_object());
}

/*
 * rebuild: the same server on a new disk from another image. The state
 * (ACTIVE, SHUTOFF or ERROR, no task; Nova's rule) is checked before the
 * image; the row takes the new image, name, metadata and diskConfig as
 * Nova's API does, the task is `rebuilding` (status REBUILD), and the
 * agent makes the disk anew and restarts the domain. 202 with the server.
 */
static int
rebuild_action(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const struct server_action *act, json_t *arg)
{
	GR_AUTO_PGRES PGresult *now = NULL;
	GR_AUTOFREE char *path = NULL, *meta = NULL;
	GR_AUTOFREE char *pub = NULL;	/* the named key pair's public key */
	struct rebuild rb;
	struct server_view v;
	long long disk_gb;
	char image[37];
	json_t *doc;

	if (rebuild_parse(req, arg, &rb) < 0 ||
	    server_check_state(r, act->record, act->from) < 0 ||
	    rebuild_image(req, &rb, image, &disk_gb) < 0)
		return -1;
	if (rb.key_name && json_is_string(rb.key_name) &&
	    (pub = keypair_public_key(gr_auth_of(req)->user_id,
	    json_string_value(rb.key_name))) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid key_name provided: no "
		    "keypair named '%s'.", json_string_value(rb.key_name));
		return -1;
	}
	if (begin_task(req, r, act->record, act->from, act->task) < 0)
		return -1;
	meta = rb.metadata ? json_dumps(rb.metadata, JSON_COMPACT) : NULL;
	/* $6/$8/$10 say whether description, key_name, user_data were given
	 * (null among them clears the column). */
	const char *p[11] = { req->params[0], image, rb.name, meta,
	    rb.disk_config, json_string_value(rb.description),
	    rb.description ? "t" : "f", json_string_value(rb.key_name),
	    rb.key_name ? "t" : "f", json_string_value(rb.user_data),
	    rb.user_data ? "t" : "f" };
	if (gr_db_exec("UPDATE instances SET image_id = $2, name = coalesce($3, "
	    "name), metadata = coalesce($4::jsonb, metadata), disk_config = "
	    "coalesce($5, disk_config), description = CASE WHEN $7 THEN $6 "
	    "ELSE description END, key_name = CASE WHEN $9 THEN $8 ELSE "
	    "key_name END, user_data = CASE WHEN $11 THEN $10 ELSE user_data "
	    "END, updated_at = now() WHERE id = $1", 11, p) < 0) {
		gr_db_exec("UPDATE instances SET task_state = NULL WHERE id = "
		    "$1 AND task_state = 'rebuilding'", 1, p);
		return -1;
	}
	action_start(req, req->params[0], act->record);
	if ((now = server_load(req, req->params[0])) == NULL)
		return -1;
	path = gr_xasprintf("/v1/instances/%s/%s", req->params[0],
	    act->agent_op);
	agent_rpc_dispatch(req->params[0], PQgetvalue(r, 0, I_HOST), "POST",
	    path, json_pack("{s:s,s:I,s:o}", "image_id", image, "disk_gb",
	    (json_int_t)disk_gb, "config", rebuild_config(now, &rb, pub)),
	    act->name, server_failed);
	/* Nova answers with the basic members, key_name from 2.54 and
	 * user_data from 2.57. */
	server_view_init(&v, req, 0);
	doc = server_doc(now, 0, &v);
	server_view_clear(&v);
	if (v.mv >= 54)
		json_object_set_new(doc, "key_name", gr_db_json_text(now, 0,
		    I_KEY));
	if (v.mv >= 57)
		json_object_set_new(doc, "user_data", gr_db_json_text(now, 0,
		    I_USER_DATA));
	if (rb.admin_pass)
		json_object_set_new(doc, "adminPass",
		    json_string(rb.admin_pass));
	gr_resp_json(resp, 202, json_pack("{s:o}", "server", doc));
	return 0;
}

/* trigger_crash_dump (2.17): null is its only argument, as Nova's
 * schema. */
static int
crash_dump_action(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const struct server_action *act, json_t *arg)
{
	if (!json_is_null(arg)) {
		gr_error(GR_ERR_BAD_REQUEST, "trigger_crash_dump takes null, "
		    "not a value.");
		return -1;
	}
	return lifecycle(req, resp, r, act, NULL);
}

static int
force_delete_action(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const struct server_action *act, json_t *arg)
{
	(void)act;
	(void)arg;
	return server_force_delete(req, resp, r);
}

static int
console_url_action(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const struct server_action *act, json_t *arg)
{
	return console_action(req, resp, r, act->name, arg);
}

/* The actions served; any other is a 400. */
static const struct server_action actions[] = {
	/* name			record		from		task		agent op	handler		flags */
	{ "os-stop",		"stop",		"active,error",	"powering-off",	"stop",		simple_action,	ACT_LOCK },
	{ "os-start",		"start",	"stopped",	"powering-on",	"start",	simple_action,	ACT_LOCK },
	{ "reboot",		"reboot",	"active",	"rebooting",	"reboot",	reboot_action,	ACT_LOCK },
	{ "os-getConsoleOutput", NULL,		NULL,		NULL,		"console",	console_output,	0 },
	{ "os-getSerialConsole", NULL,		NULL,		NULL,		NULL,		console_url_action, 0 },
	{ "os-getVNCConsole",	NULL,		NULL,		NULL,		NULL,		console_url_action, 0 },
	{ "os-getSPICEConsole",	NULL,		NULL,		NULL,		NULL,		console_url_action, 0 },
	{ "createImage",	"createImage",	"active,stopped", "image_snapshot", "snapshot", create_image,	0 },
	{ "lock",		"lock",		NULL,		NULL,		NULL,		lock_action,	0 },
	{ "unlock",		"unlock",	NULL,		NULL,		NULL,		lock_action,	0 },
	{ "pause",		"pause",	"active",	"pausing",	"pause",	simple_action,	ACT_LOCK | ACT_UNDO },
	{ "unpause",		"unpause",	"paused",	"unpausing",	"unpause",	simple_action,	ACT_LOCK | ACT_UNDO },
	{ "suspend",		"suspend",	"active",	"suspending",	"suspend",	simple_action,	ACT_LOCK | ACT_UNDO },
	{ "resume",		"resume",	"suspended",	"resuming",	"resume",	simple_action,	ACT_LOCK | ACT_UNDO },
	{ "rebuild",		"rebuild",	"active,stopped,error", "rebuilding", "rebuild", rebuild_action, ACT_LOCK },
	{ "restore",		"restore",	"soft-delete",	"restoring",	"start",	simple_action,	ACT_LOCK | ACT_UNDO },
	{ "forceDelete",	"forceDelete",	NULL,		NULL,		NULL,		force_delete_action, ACT_LOCK },
	{ "trigger_crash_dump",	"trigger_crash_dump", "active,paused,error", "crash_dumping", "crash_dump", crash_dump_action, ACT_LOCK | ACT_UNDO, 17 },
};

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
	if ((r = server_load(req, req->params[0])) == NULL)
		return -1;
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
		if (strcmp(name, actions[i].name) == 0) {
			if (compute_microversion(req) < actions[i].min_mv) {
				gr_error(GR_ERR_BAD_REQUEST, "The server action "
				    "'%s' needs microversion 2.%d or later.", name,
				    actions[i].min_mv);
				return -1;
			}
			if ((actions[i].flags & ACT_LOCK) &&
			    server_check_unlocked(req, r) < 0)
				return -1;
			return actions[i].handler(req, resp, r, &actions[i], arg);
		}
	gr_error(GR_ERR_BAD_REQUEST, "Unsupported server action '%.64s'.", name);
	return -1;
}
