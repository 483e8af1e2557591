/*
 * servers.h - Compute v2.1 servers: the instance rows, their documents,
 * and create, list, show and delete (servers.c). The instance row is the
 * task state machine: vm_state and task_state move only on the agents'
 * reports (internal_api.c) or on a failure to reach an agent, and every
 * action is refused with 409 from a state where it makes no sense
 * (server_actions.c).
 */
#ifndef SERVERS_H
#define SERVERS_H

#include <jansson.h>
#include <libpq-fe.h>

#include "gr_db.h"
#include "gr_http.h"

/* Nova's status of instance row i (from vm_state and task_state), in SQL:
 * the document shows it and GET /servers?status= filters by it. */
#define SERVER_STATUS_SQL \
	"CASE WHEN i.task_state = 'rebuilding' THEN 'REBUILD' " \
	"WHEN i.vm_state = 'active' THEN CASE i.task_state " \
	"WHEN 'rebooting' THEN 'REBOOT' WHEN 'rebooting_hard' THEN " \
	"'HARD_REBOOT' ELSE 'ACTIVE' END WHEN i.vm_state = 'building' THEN " \
	"'BUILD' WHEN i.vm_state = 'stopped' THEN 'SHUTOFF' " \
	"WHEN i.vm_state = 'paused' THEN 'PAUSED' " \
	"WHEN i.vm_state = 'suspended' THEN 'SUSPENDED' " \
	"WHEN i.vm_state = 'soft-delete' THEN 'SOFT_DELETED' " \
	"WHEN i.vm_state = 'error' THEN 'ERROR' " \
	"WHEN i.vm_state = 'deleted' THEN 'DELETED' " \
	"ELSE 'UNKNOWN' END"

/* The columns server_load() reads, and their indexes. */
#define SERVER_COLS \
	"i.id, i.name, i.project_id, i.user_id, coalesce(i.image_id, ''), " \
	"i.flavor_id, i.host, i.vm_state, i.task_state, i.power_state, " \
	"i.fault, i.key_name, i.metadata, coalesce(i.availability_zone, 'nova'), " \
	GR_DB_ISO_Z("i.created_at") ", " \
	GR_DB_ISO_Z("i.updated_at") ", " \
	GR_DB_ISO_US("i.launched_at") ", " \
	GR_DB_ISO_US("i.terminated_at") ", " \
	"i.config_drive, i.deleted, coalesce(host(i.access_ip_v4), ''), " \
	"coalesce(host(i.access_ip_v6), ''), i.description, i.disk_config, " \
	"i.locked, coalesce(i.locked_by, ''), " SERVER_STATUS_SQL ", i.tags, " \
	"coalesce(i.reservation_id, ''), i.launch_index, i.hostname, " \
	"i.root_device_name, i.user_data, i.flavor"

enum { I_ID, I_NAME, I_PROJECT, I_USER, I_IMAGE, I_FLAVOR, I_HOST, I_VM,
    I_TASK, I_POWER, I_FAULT, I_KEY, I_META, I_AZ, I_CREATED, I_UPDATED,
    I_LAUNCHED, I_TERMINATED, I_CDRIVE, I_DELETED, I_IPV4, I_IPV6, I_DESC,
    I_DISKCFG, I_LOCKED, I_LOCKED_BY, I_STATUS, I_TAGS, I_RESERVATION,
    I_LAUNCH_INDEX, I_HOSTNAME, I_ROOT_DEV, I_USER_DATA, I_FLAVOR_DOC };

/* A live instance the caller may see (SERVER_COLS), or NULL with a 404
 * (others' are 404 too) or a database error. The caller PQclear()s it. */
PGresult *server_load(struct gr_req *req, const char *id);
/* 0 when instance r (SERVER_COLS) has no task and its vm_state is one of
 * need_vm ("active,stopped"); else -1 with Nova's 409 "Cannot 'action'
 * instance X while it is in vm_state Y". */
int server_check_state(PGresult *r, const char *action, const char *need_vm);
/* The same whatever task the instance has (tags, as Nova checks them). */
int server_check_state_any_task(PGresult *r, const char *action,
    const char *need_vm);
/* 0 when the caller may act on instance r (SERVER_COLS): it is not
 * locked, or the caller is an admin; else -1 with Nova's 409. */
int server_check_unlocked(struct gr_req *req, PGresult *r);
/* What a server document holds beyond Nova's basic members. */
#define SERVER_DOC_EXTENDED	0x1	/* GET's extension members */
#define SERVER_DOC_ADMIN	0x2	/* OS-EXT-SRV-ATTR: admins only */
/* How server documents are shown to one request: the parts, and the
 * request's microversion, which adds members (2.3 extended attributes,
 * 2.9 locked, 2.16 host_status, 2.19 description, 2.26 tags, 2.47 the
 * embedded flavor). */
struct server_view {
	unsigned	 parts;		/* SERVER_DOC_* */
	int		 mv;		/* the microversion's minor number */
	json_t		*host_status;	/* host -> 2.16 host_status, once read */
};
/* The view of req: GET's (SERVER_DOC_EXTENDED, and ADMIN for admins) if
 * get, else the basic members PUT and rebuild answer with. Cleared with
 * server_view_clear(). */
void server_view_init(struct server_view *v, struct gr_req *req, int get);
void server_view_clear(struct server_view *v);
/* A server's self and bookmark links: a new reference. */
json_t *server_links(const char *id);
/* The server document of row i of r (SERVER_COLS) as view v shows it. A
 * new reference. */
json_t *server_doc(PGresult *r, int i, struct server_view *v);
/* Puts an instance in ERROR with a fault {code, message}, ends its open
 * action with msg, and frees its claim. */
void server_set_error(const char *id, int code, const char *msg);
/* The same with the fault's details (shown to admins only; in the
 * instance action's event too), or NULL. */
void server_set_fault(const char *id, int code, const char *msg,
    const char *details);
/* What a failed agent call does to its instance (agent_rpc_undo): ERROR
 * with msg as the fault. */
void server_failed(const char *id, json_t *body, const char *msg);
/* Marks an instance deleted, takes it out of its server group and frees
 * its claim. 0 or -1 with a database error. */
int server_mark_deleted(const char *id);
/* Image and flavor must agree (Nova's FlavorDiskSmallerThanImage and
 * FlavorMemoryTooSmall): 0, or -1 with a 400 that says which. */
int server_check_fit(json_t *img, json_t *flavor);
/* Instance (and snapshot) metadata: at most 128 items, each as
 * server_check_metadata_items(). 0, or -1 with a 400 naming the item. */
int server_check_metadata(json_t *m);
/* Nova's metadata schema: keys of 1..255 of [a-zA-Z0-9-_:. ], string
 * values of at most 255 bytes (server_metadata.c). 0, or -1 with a 400
 * naming the item. */
int server_check_metadata_items(json_t *m);

/* user_data as Nova takes it: base64 of at most 65535 bytes. 0, or -1
 * with a 400 (NULL: not a string). */
int server_check_user_data(const char *ud);
/* The description member of s (2.19): absent or null leaves *out NULL;
 * else at most 255 characters without control characters. 0, or -1 with
 * a 400. */
int server_parse_description(json_t *s, const char **out);

/* forceDelete of instance r (SERVER_COLS, unlocked or by an admin): in
 * any vm_state with no task (Nova's rule; else 409), deleted now; 202. */
int server_force_delete(struct gr_req *req, struct gr_resp *resp,
    PGresult *r);
/* Deletes the servers soft-deleted more than reclaim_instance_interval s
 * ago (the convergence pass calls it). 0, or -1 with a database error. */
int server_reclaim(void);

/* Handlers listed in compute_routes. */
int server_create(struct gr_req *req, struct gr_resp *resp);
int server_show(struct gr_req *req, struct gr_resp *resp);
int server_update(struct gr_req *req, struct gr_resp *resp);
int server_delete(struct gr_req *req, struct gr_resp *resp);

/* server_list.c: GET /servers and /servers/detail. */
int server_list(struct gr_req *req, struct gr_resp *resp);
/* 1 if t is an ISO 8601 time changes-since takes (YYYY-MM-DDTHH:MM[:SS
 * [.ffffff]], then Z, +HH:MM, -HH:MM or nothing), else 0. */
int server_iso_time_ok(const char *t);
int server_detail(struct gr_req *req, struct gr_resp *resp);

/* server_actions.c: POST /servers/{id}/action, one table of actions. */
int server_action(struct gr_req *req, struct gr_resp *resp);

/* server_metadata.c: /servers/{id}/metadata[/{key}]. */
int server_metadata_list(struct gr_req *req, struct gr_resp *resp);
int server_metadata_merge(struct gr_req *req, struct gr_resp *resp);
int server_metadata_replace(struct gr_req *req, struct gr_resp *resp);
int server_metadata_show(struct gr_req *req, struct gr_resp *resp);
int server_metadata_set(struct gr_req *req, struct gr_resp *resp);
int server_metadata_delete(struct gr_req *req, struct gr_resp *resp);

#endif
