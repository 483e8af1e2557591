/*
 * server_volumes.h - /servers/{id}/os-volume_attachments
 * (server_volumes.c). This cloud has no volume service: a server's list
 * of attached volumes is empty, and an attach is answered as Nova answers
 * it when its volume service is absent.
 */
#ifndef SERVER_VOLUMES_H
#define SERVER_VOLUMES_H

#include "gr_http.h"

int server_volumes_list(struct gr_req *req, struct gr_resp *resp);
int server_volumes_show(struct gr_req *req, struct gr_resp *resp);
int server_volumes_attach(struct gr_req *req, struct gr_resp *resp);

#endif
