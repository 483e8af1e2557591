/*
 * console.h - the live serial console of this node's guests: libvirt's
 * event loop (the thread that moves a console stream's bytes), and the
 * route GET /v1/instances/{id}/serial, which the controller's console
 * proxy opens with "Upgrade: gureum-console": after the 101 the
 * connection carries the guest's serial console, raw bytes both ways,
 * through a non-blocking virStream of virDomainOpenConsole, until either
 * side closes. A newer console of the same guest takes the port over
 * (VIR_DOMAIN_CONSOLE_FORCE), which ends the older one.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include "gr_daemon.h"
#include "gr_http.h"
#include "node.h"

/*
 * Registers libvirt's default event loop and runs it on a thread of its
 * own, stopped by d's teardown. Must run before the first libvirt
 * connection opens (streams and their callbacks need it). 0 or -1.
 */
int console_events_start(struct gr_daemon *d);
/* Makes ctx the console route's context. */
void console_init(struct node_ctx *ctx);
int console_open(struct gr_req *req, struct gr_resp *resp);

#endif
