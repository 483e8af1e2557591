/*
 * report.h - the agent's calls to the controller's internal listener,
 * signed with this node's key: the state report after each piece of work
 * (POST /internal/v1/instances/{id}/state) and the listing of what the
 * controller places on this node (GET /internal/v1/hosts/{host}/instances).
 */
#ifndef REPORT_H
#define REPORT_H

#include <jansson.h>

#include "gr_agent.h"

#define REPORT_TIMEOUT_MS	10000	/* per call to the controller */

/*
 * Reports {vm_state, power_state, event, host[, fault: {message}]} for
 * instance id. Cannot fail: a lost report is logged and repaired by the
 * next resync or reconcile pass.
 */
void report_state(struct gr_agent *a, const char *id, const char *vm_state,
    int power, const char *event, const char *fault);
/* The array of {id, vm_state, task_state} the controller places on this
 * node (the caller decrefs it), or NULL with the error. */
json_t *report_placed(struct gr_agent *a);

#endif
