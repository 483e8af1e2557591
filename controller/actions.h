/*
 * actions.h - os-instance-actions: what was asked of an instance and how
 * it ended (actions.c).
 */
#ifndef ACTIONS_H
#define ACTIONS_H

#include "gr_http.h"

int action_list(struct gr_req *req, struct gr_resp *resp);
int action_show(struct gr_req *req, struct gr_resp *resp);
/* Records that the caller asked action ("create", "stop"...) of an
 * instance, under the request's id. */
void action_start(struct gr_req *req, const char *instance_id,
    const char *action);
/* Ends the instance's latest open action; message NULL = success. */
void action_finish(const char *instance_id, const char *message);

#endif
