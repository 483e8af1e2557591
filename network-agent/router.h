/*
 * router.h - a router whose host is this node: the namespace
 * qrouter-<id> with a leg (leg.h) on each of its networks' bridges
 * (qr-<port[:11]>, the subnet's gateway address) and one on the external
 * bridge (qg-<port[:11]>, its address and each floating IP as /32),
 * forwarding on, the default route via the external gateway, and its NAT
 * table (nft.h). Errors: -1 with the error recorded.
 */
#ifndef ROUTER_H
#define ROUTER_H

#include "doc.h"
#include "netagent.h"

int router_apply(struct netagent *a, const struct doc_router *r);
/* Removes the namespaces of routers d no longer has (their legs go with
 * them). */
int router_prune(struct netagent *a, const struct doc *d);

#endif
