/*
 * migrations.h - os-migrations and a server's migrations (Nova's
 * migrations.py and server_migrations.py). Gureum has no migrations yet
 * (no resize, cold or live migration): the lists are empty and a
 * server's migration is never found, in the formats and with the
 * parameter checks of microversions 2.23 and 2.59.
 */
#ifndef MIGRATIONS_H
#define MIGRATIONS_H

#include "gr_http.h"

/* GET /os-migrations. */
int migration_list(struct gr_req *req, struct gr_resp *resp);
/* GET /servers/{id}/migrations and /servers/{id}/migrations/{mid}, from
 * 2.23 (404 below, as Nova). */
int server_migration_list(struct gr_req *req, struct gr_resp *resp);
int server_migration_show(struct gr_req *req, struct gr_resp *resp);

#endif
