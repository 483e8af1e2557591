/*
 * keypairs.h - os-keypairs (keypairs.c).
 */
#ifndef KEYPAIRS_H
#define KEYPAIRS_H

#include "gr_http.h"

/* The public key of a user's keypair (a new string the caller frees), or
 * NULL with GR_ERR_NOT_FOUND or a database error. */
char *keypair_public_key(const char *user_id, const char *name);
int keypair_list(struct gr_req *req, struct gr_resp *resp);
int keypair_show(struct gr_req *req, struct gr_resp *resp);
int keypair_create(struct gr_req *req, struct gr_resp *resp);
int keypair_delete(struct gr_req *req, struct gr_resp *resp);

#endif
