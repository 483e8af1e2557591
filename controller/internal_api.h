/*
 * internal_api.h - the controller's listener for the node agents
 * (internal_api.c): heartbeats, instance state reports, host listings.
 */
#ifndef INTERNAL_API_H
#define INTERNAL_API_H

#include <stddef.h>

#include "gr_http.h"

extern const struct gr_route internal_routes[];
extern const size_t internal_nroutes;

#endif
