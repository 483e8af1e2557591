/*
 * agent.h - the compute agent's modules: its HTTP API (agent_api.c), the
 * image cache (imgcache.c) and the inventory (inventory.c).
 */
#ifndef AGENT_H
#define AGENT_H

#include "gr_http.h"
#include "imgcache.h"

/* agent_api.c */
extern const struct gr_route agent_routes[];
extern const size_t agent_nroutes;
void agent_api_init(struct imgcache *c);

#endif
