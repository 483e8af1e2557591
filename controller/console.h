/*
 * console.h - remote consoles as Nova gives them: the serial console's
 * one-time tokens and URLs (console.c) and the websocket proxy that
 * takes them (console_proxy.c).
 *
 * A console URL is ws://PUBLIC_HOST:PORT/?token=T, PORT the console
 * listener's (console_listen, nova-serialproxy's 6083). T is 256 random
 * bits; only its SHA-256 is kept (console_tokens, migration 0022) with
 * the instance, its node and an expiry (console_token_ttl, Nova's 600 s).
 * The proxy deletes the row in the transaction that accepts the
 * websocket, once the node's agent opened the guest's console, so a
 * token is used once. Graphical consoles (VNC, SPICE, MKS) are not
 * there: domains have no graphics, so they are Nova's 400 for an
 * unavailable console type.
 */
#ifndef CONSOLE_H
#define CONSOLE_H

#include <libpq-fe.h>

#include "gr_daemon.h"
#include "gr_http.h"

/* console.c */
/* Reads console_listen, console_allowed_origins and console_token_ttl; 0
 * or -1 with the error. console_conf_free() frees what it kept. */
int console_conf(const struct gr_conf *c);
void console_conf_free(void);
/*
 * The 2.1-2.5 actions os-getSerialConsole, os-getVNCConsole and
 * os-getSPICEConsole on instance r (SERVER_COLS) with the action's
 * argument: {"console": {type, url}}; 404 from 2.6 (Nova removed them).
 */
int console_action(struct gr_req *req, struct gr_resp *resp, PGresult *r,
    const char *action, json_t *arg);
/* POST /servers/{id}/remote-consoles (2.6+). */
int console_create(struct gr_req *req, struct gr_resp *resp);
/* GET /os-console-auth-tokens/{token} (admin; 2.31+). */
int console_token_show(struct gr_req *req, struct gr_resp *resp);

/* console_proxy.c */
/* Starts the websocket proxy's listener (stopped by d's teardown). */
int console_proxy_start(struct gr_daemon *d, unsigned threads);

#endif
