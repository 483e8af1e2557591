/*
 * server_volumes.c - a server's volume attachments. There is no volume
 * service (no Cinder in the catalog), so none is ever attached: the list
 * is empty (Horizon's instance page asks for it), one attachment is a
 * 404, and an attach that Nova's schema takes (volumeId a UUID, device a
 * /dev path, nothing else) is answered as a Nova without Cinder answers
 * it: 500, here with a sentence saying why. See server_volumes.h.
 */
#include <regex.h>
#include <string.h>

#include "gr_err.h"
#include "gr_fault.h"
#include "gr_json.h"
#include "gr_util.h"
#include "server_volumes.h"
#include "servers.h"

/* 0 if the caller may see the server, else -1 with its 404. */
static int
server_visible(struct gr_req *req)
{
	PGresult *r = server_load(req, req->params[0]);

	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}

int
server_volumes_list(struct gr_req *req, struct gr_resp *resp)
{
	char buf[24];
	const char *v;

	/* Nova's limit and offset: non-negative integers. */
	if (gr_req_query_int(req, "limit", 0, buf, &v) < 0 ||
	    gr_req_query_int(req, "offset", 0, buf, &v) < 0 ||
	    server_visible(req) < 0)
		return -1;
	gr_resp_json(resp, 200, json_pack("{s:[]}", "volumeAttachments"));
	return 0;
}

int
server_volumes_show(struct gr_req *req, struct gr_resp *resp)
{
	(void)resp;
	if (server_visible(req) < 0)
		return -1;
	gr_error(GR_ERR_NOT_FOUND, "Volume %.64s is not attached to server %s: "
	    "this cloud has no volumes.", req->params[1], req->params[0]);
	return -1;
}

/* Nova's device pattern (block_device.match_device). */
static int
device_ok(const char *dev)
{
	regex_t re;
	int ok;

	if (regcomp(&re, "(^/dev/x{0,1}[a-z]{0,1}d{0,1})([a-z]+)[0-9]*$",
	    REG_EXTENDED | REG_NOSUB) != 0)
		return 0;
	ok = regexec(&re, dev, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

int
server_volumes_attach(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const top[] = { "volumeAttachment", NULL };
	static const char *const known[] = { "volumeId", "device", NULL };
	const char *vol = NULL, *dev = NULL;
	json_t *body, *va;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "the request body", top) < 0 ||
	    gr_json_object(body, "volumeAttachment", 1, &va) < 0 ||
	    gr_json_only(va, "volumeAttachment", known) < 0 ||
	    gr_json_str(va, "volumeId", 1, 64, &vol) < 0 ||
	    gr_json_str(va, "device", 0, 255, &dev) < 0)
		return -1;
	if (!gr_is_uuid(vol)) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field/attribute "
		    "volumeId. Value: %s. It is not a UUID.", vol);
		return -1;
	}
	if (dev && !device_ok(dev)) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid input for field/attribute "
		    "device. Value: %s. It is not a device path like /dev/vdb.",
		    dev);
		return -1;
	}
	if (server_visible(req) < 0)
		return -1;
	/* Nova's status when its volume service is not in the catalog (a 500
	 * from the missing endpoint), with the reason spelt out: an answer,
	 * not a failure of this server. */
	gr_resp_json(resp, 500, gr_fault_json(GR_FAULT_COMPUTE, 500, "This "
	    "cloud has no volume service (Block Storage): volumes cannot be "
	    "attached to servers."));
	return 0;
}
