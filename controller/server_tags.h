/*
 * server_tags.h - Nova's server tags (2.26): the routes, and the checks
 * create (2.52) shares (server_tags.c).
 */
#ifndef SERVER_TAGS_H
#define SERVER_TAGS_H

#include <jansson.h>

#include "gr_http.h"

/* A tag: 1..60 characters, no '/' or ','. 0, or -1 with a 400. */
int server_tag_check(const char *tag);
/* A list of at most 50 tags. 0, or -1 with a 400 naming the item. */
int server_tags_check(json_t *tags);
/* tags (checked) with repeats dropped, in order: a new reference. */
json_t *server_tags_unique(json_t *tags);

int server_tags_list(struct gr_req *req, struct gr_resp *resp);
int server_tags_replace(struct gr_req *req, struct gr_resp *resp);
int server_tags_clear(struct gr_req *req, struct gr_resp *resp);
int server_tag_show(struct gr_req *req, struct gr_resp *resp);
int server_tag_add(struct gr_req *req, struct gr_resp *resp);
int server_tag_delete(struct gr_req *req, struct gr_resp *resp);

#endif
