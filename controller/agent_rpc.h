/*
 * agent_rpc.h - the controller's client for the node agents: every call
 * the controller makes to a node goes through here, signed with that
 * node's key (gr_sign.h), to the agent URL the node reported. Long work
 * is dispatched on a counted background job (gr_task.h): the API answers
 * 202 at once, the agent reports back to the internal listener when the
 * work is done, and a stopping controller drains the jobs before it frees
 * what they use. The routes and bodies are listed in docs/internal-api.md.
 */
#ifndef AGENT_RPC_H
#define AGENT_RPC_H

#include <jansson.h>

#include "gr_httpc.h"

/*
 * Calls host's compute agent and waits for its answer (resp->status tells
 * the outcome; the caller frees resp). Returns 0, or -1 with
 * GR_ERR_UNAVAILABLE when the node has no reachable agent, or a database
 * error.
 */
int agent_rpc_call(const char *host, const char *method, const char *path,
    json_t *body, struct gr_httpc_resp *resp);

/*
 * Opens host's compute agent's upgraded connection at path (the serial
 * console relay): a signed GET with "Upgrade: gureum-console", waited for
 * up to timeout_ms. On a 101, *fd is the connected socket (the caller's
 * to close) and *extra and *extra_len the bytes that came after the answer's
 * header (the console's first output; the caller frees extra). Returns
 * 0 with *status the agent's status (101, or its refusal: *fd is then
 * -1), or -1 with GR_ERR_UNAVAILABLE when the agent cannot be reached.
 */
int agent_rpc_upgrade(const char *host, const char *path, long timeout_ms,
    int *status, int *fd, char **extra, size_t *extra_len);

/*
 * What to do when the agent cannot be reached or refuses the work: undo
 * what the request began and leave the instance as it was, or put it in
 * ERROR (server_failed). msg says why, for the instance's action and
 * fault. Runs on the job's thread.
 */
typedef void (*agent_rpc_undo)(const char *instance_id, json_t *body,
    const char *msg);

/*
 * Sends method path with body (taken) to host's agent on a background
 * job, for instance_id; `what` ("boot", "stop") words the fault. When the
 * call fails, undo runs with the reason. When no thread can be had, the
 * call is made on the caller's. Returns 0, or -1 when the controller is stopping: then nothing was sent,
 * the failure was handled as above, and body is freed.
 */
int agent_rpc_dispatch(const char *instance_id, const char *host,
    const char *method, const char *path, json_t *body, const char *what,
    agent_rpc_undo undo);

/*
 * Work a dispatch does on the job's thread before the call (the network
 * a boot needs on its node): 0 to go on, or -1 with the error, which
 * becomes the undo's message as it is.
 */
typedef int (*agent_rpc_prepare)(const char *instance_id, const char *host,
    json_t *body);
/* agent_rpc_dispatch, with prepare run first on the job's thread. */
int agent_rpc_dispatch_prepared(const char *instance_id, const char *host,
    const char *method, const char *path, json_t *body, const char *what,
    agent_rpc_undo undo, agent_rpc_prepare prepare);

/*
 * Calls host's network agent (the agent_url its heartbeat gave) and waits
 * up to timeout_s for the answer: *status is its HTTP status and *answer
 * its JSON body (NULL when it has none or it is not JSON; the caller
 * frees it). body may be NULL. Returns 0 when an answer came, or -1 with
 * GR_ERR_UNAVAILABLE when the node has no network agent or it cannot be
 * reached, or a database error.
 */
int agent_rpc_network(const char *host, const char *method, const char *path,
    json_t *body, long timeout_s, int *status, json_t **answer);

/*
 * POSTs path with no body to host's network agent on a background job
 * (the jobs agent_rpc_drain waits for), bounded by timeout_s: a hint such
 * as a wake, which never blocks the caller and whose failure is only
 * logged.
 */
void agent_rpc_network_hint(const char *host, const char *path,
    long timeout_s);

/* A teardown hook: drains the calls (an agent call and its undo: 35 s);
 * calls still under way after that would use what the teardown frees, so
 * the process then leaves without it (the convergence pass settles
 * them). */
void agent_rpc_end(void *arg);

/* Refuses new dispatches and waits, up to timeout_s, for those under way;
 * returns how many are still running. */
int agent_rpc_drain(long timeout_s);

#endif
