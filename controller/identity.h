/*
 * identity.h - Identity v3: projects, users, roles, assignments
 * (identity.c).
 */
#ifndef IDENTITY_H
#define IDENTITY_H

#include <stddef.h>

#include "gr_http.h"

extern const struct gr_route identity_routes[];
extern const size_t identity_nroutes;
/* Creates the default roles and the admin user/project if missing. */
int identity_bootstrap(const char *user, const char *password,
    const char *project);

#endif
