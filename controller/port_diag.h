/*
 * port_diag.h - a port's diagnostics (port_diag.c), Gureum's extension
 * `gureum-port-diagnostics` on the Network API: GET
 * /v2.0/ports/{id}/diagnostics.
 */
#ifndef PORT_DIAG_H
#define PORT_DIAG_H

#include "gr_http.h"

int port_diagnostics(struct gr_req *req, struct gr_resp *resp);

#endif
