/*
 * secgroups.h - security groups and their rules (secgroups.c): every
 * project's `default` group, made on first use, and the rules the
 * network agents turn into nftables chains.
 */
#ifndef SECGROUPS_H
#define SECGROUPS_H

#include "gr_http.h"

/*
 * The id of project's default group into id, made now (with Neutron's
 * four rules: ingress from the group itself and egress to anywhere, IPv4
 * and IPv6) if the project has none. Returns 0 or -1.
 */
int sg_default_id(const char *project_id, char id[37]);
int sg_list(struct gr_req *req, struct gr_resp *resp);
int sg_create(struct gr_req *req, struct gr_resp *resp);
int sg_show(struct gr_req *req, struct gr_resp *resp);
int sg_update(struct gr_req *req, struct gr_resp *resp);
int sg_delete(struct gr_req *req, struct gr_resp *resp);
int sg_rule_list(struct gr_req *req, struct gr_resp *resp);
int sg_rule_create(struct gr_req *req, struct gr_resp *resp);
int sg_rule_show(struct gr_req *req, struct gr_resp *resp);
int sg_rule_delete(struct gr_req *req, struct gr_resp *resp);

#endif
