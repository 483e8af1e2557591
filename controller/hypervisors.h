/*
 * hypervisors.h - os-hypervisors and os-aggregates, and when an agent counts
 * as alive (hypervisors.c).
 */
#ifndef HYPERVISORS_H
#define HYPERVISORS_H

#include "gr_http.h"

int hv_list(struct gr_req *req, struct gr_resp *resp);
int hv_detail(struct gr_req *req, struct gr_resp *resp);
int hv_show(struct gr_req *req, struct gr_resp *resp);
int hv_uptime(struct gr_req *req, struct gr_resp *resp);
int hv_statistics(struct gr_req *req, struct gr_resp *resp);
/* /os-hypervisors/{pattern}/search and /servers (Nova's 2.1 forms). */
int hv_search(struct gr_req *req, struct gr_resp *resp);
int hv_servers(struct gr_req *req, struct gr_resp *resp);
int hv_aggregates(struct gr_req *req, struct gr_resp *resp);

/* The seconds since its last heartbeat within which an agent counts as
 * alive (2.5 intervals: a stopped agent shows down within three), as a
 * query parameter. Hypervisors, zones, the scheduler and delete agree. */
void hv_alive_secs(char out[24]);
/*
 * SQL: true when node N (a compute_nodes alias) is up: its compute agent
 * (A, its agents row, joined) heartbeat within SECS, the query parameter
 * holding hv_alive_secs(), and no admin forced it down. Hypervisors,
 * services, the scheduler, delete and host_status share it.
 */
#define HV_UP_SQL(N, A, SECS) \
	"(coalesce(" A ".last_seen > now() - make_interval(secs => " SECS \
	"::float8), false) AND NOT " N ".forced_down)"

#endif
