/*
 * observe.h - what the node actually has for each port, hop by hop
 * (tap, bridge, vxlan, flood, dhcp, rules), read from the kernel and
 * dnsmasq's files, never from what the last apply meant to do. A port is
 * ACTIVE when every hop is ok; otherwise DOWN, and its reason is the
 * detail of the first hop that is not ("tap tap1a2b3c4d-5e is not on
 * bridge brq9f8e7d6c-5b"). The diagnostics object is the contract's
 * (docs/internal-api.md, "Networking").
 */
#ifndef OBSERVE_H
#define OBSERVE_H

#include <jansson.h>

#include "doc.h"
#include "netagent.h"

/* The diagnostics of port p of d: a new object {host, checked_at,
 * status, reason, hops}. Never fails: a hop that cannot be read is not
 * ok. */
json_t *observe_port(struct netagent *a, const struct doc *d,
    const struct doc_port *p);
/* [{"id", "status", "reason", "diagnostics"}] for every port of d. */
json_t *observe_all(struct netagent *a, const struct doc *d);
/*
 * Before d is applied again unchanged: a port that is up in d but found
 * down has drifted (a link deleted by hand, a rule flushed); records
 * when and why in a->last_down, which its diagnostics then show as
 * "last_down" once it is repaired.
 */
void observe_drift(struct netagent *a, const struct doc *d);

#endif
