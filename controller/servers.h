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
	"i.locked, coalesce(i.locked_by, '')"

enum { I_ID, I_NAME, I_PROJECT, I_USER, I_IMAGE, I_FLAVOR, I_HOST, I_VM,
    I_TASK, I_POWER, I_FAULT, I_KEY, I_META, I_AZ, I_CREATED, I_UPDATED,
    I_LAUNCHED, I_TERMINATED, I_CDRIVE, I_DELETED, I_IPV4, I_IPV6, I_DESC,
    I_DISKCFG, I_LOCKED, I_LOCKED_BY };

/* A live instance the caller may see (SERVER_COLS), or NULL with a 404
 * (others' are 404 too) or a database error. The caller PQclear()s it. */
PGresult *server_load(struct gr_req *req, const char *id);
/* 0 when instance r (SERVER_COLS) has no task and its vm_state is one of
 * need_vm ("active,stopped"); else -1 with Nova's 409 "Cannot 'action'
 * instance X while it is in vm_state Y". */
int server_check_state(PGresult *r, const char *action, const char *need_vm);
/* 0 when the caller may act on instance r (SERVER_COLS): it is not
 * locked, or the caller is an admin; else -1 with Nova's 409. */
int server_check_unlocked(struct gr_req *req, PGresult *r);
/* What a server document holds beyond Nova's basic members (a
 * microversion may later choose them). */
#define SERVER_DOC_EXTENDED	0x1	/* GET's extension members */
#define SERVER_DOC_ADMIN	0x2	/* OS-EXT-SRV-ATTR: admins only */
/* The server document of row i of r (SERVER_COLS) in Nova's 2.1 form,
 * with the parts in what. A new reference. */
json_t *server_doc(PGresult *r, int i, unsigned what);
/* What GET shows this caller: SERVER_DOC_EXTENDED, and ADMIN for admins. */
unsigned server_doc_view(struct gr_req *req);
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
/* Instance (and snapshot) metadata: at most 128 string pairs of at most
 * 255 bytes each. 0, or -1 with a 400 naming the item. */
int server_check_metadata(json_t *m);

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
