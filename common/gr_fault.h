/*
 * gr_fault.h - OpenStack-style JSON fault bodies. Each API family words its
 * faults its own way; the style is chosen per HTTP server.
 */
#ifndef GR_FAULT_H
#define GR_FAULT_H

#include <jansson.h>

enum gr_fault_style {
	GR_FAULT_IDENTITY,	/* {"error":{"code":N,"title":T,"message":M}} */
	GR_FAULT_COMPUTE,	/* {"itemNotFound":{"code":N,"message":M}} ... */
	GR_FAULT_IMAGE,		/* {"error":{"code":N,"title":T,"message":M}} */
	GR_FAULT_NETWORK,	/* {"NeutronError":{"type":T,"message":M,
				   "detail":""}} */
};

/* A new fault object for an HTTP status and a message (never NULL). */
json_t *gr_fault_json(enum gr_fault_style style, int status, const char *msg);
/* The reason phrase of a status ("Not Found"). */
const char *gr_http_reason(int status);

#endif
