/*
 * agent_api.c - the compute agent's own HTTP API, called by the
 * controller (every request signed with the cluster secret): the node's
 * image cache and its instances.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "agent.h"
#include "console.h"
#include "gr_err.h"
#include "gr_util.h"
#include "instances.h"

static struct imgcache *cache;

void
agent_api_init(struct imgcache *c)
{
	cache = c;
}

/* POST /v1/images/{id}/cache: make sure the base image is on this node. */
static int
cache_image(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTOFREE char *path = NULL;
	struct stat sb;
	int downloaded;

	if (imgcache_get(cache, req->params[0], &path, &downloaded) < 0)
		return -1;
	if (stat(path, &sb) < 0) {
		gr_error(GR_ERR_SYSTEM, "The cached image %s vanished.", path);
		return -1;
	}
	gr_resp_json(resp, 200, json_pack("{s:s,s:b,s:I,s:I}", "path", path,
	    "downloaded", downloaded, "size", (json_int_t)sb.st_size,
	    "downloads", (json_int_t)cache->downloads));
	return 0;
}

/* POST /v1/images/prune: remove unused cached images now. */
static int
prune(struct gr_req *req, struct gr_resp *resp)
{
	(void)req;
	gr_resp_json(resp, 200, json_pack("{s:i}", "removed",
	    imgcache_prune(cache)));
	return 0;
}

const struct gr_route agent_routes[] = {
	{ "POST", "/v1/images/{id}/cache",	cache_image,	GR_POLICY_AGENT },
	{ "POST", "/v1/images/prune",		prune,		GR_POLICY_AGENT },
	{ "POST", "/v1/instances",		inst_create,	GR_POLICY_AGENT },
	{ "DELETE", "/v1/instances/{id}",	inst_delete,	GR_POLICY_AGENT },
	{ "POST", "/v1/instances/{id}/stop",	inst_stop,	GR_POLICY_AGENT },
	{ "POST", "/v1/instances/{id}/start",	inst_start,	GR_POLICY_AGENT },
	{ "POST", "/v1/instances/{id}/reboot",	inst_reboot,	GR_POLICY_AGENT },
	{ "POST", "/v1/instances/{id}/snapshot", inst_snapshot, GR_POLICY_AGENT },
	{ "POST", "/v1/instances/{id}/pause",	inst_power,	GR_POLICY_AGENT },
	{ "POST", "/v1/instances/{id}/unpause",	inst_power,	GR_POLICY_AGENT },
	{ "POST", "/v1/instances/{id}/suspend",	inst_power,	GR_POLICY_AGENT },
	{ "POST", "/v1/instances/{id}/resume",	inst_power,	GR_POLICY_AGENT },
	{ "POST", "/v1/instances/{id}/crash_dump", inst_power, GR_POLICY_AGENT },
	{ "POST", "/v1/instances/{id}/rebuild",	inst_rebuild,	GR_POLICY_AGENT },
	{ "GET",  "/v1/instances/{id}/console",	inst_console,	GR_POLICY_AGENT },
	{ "GET",  "/v1/instances/{id}/serial",	console_open,	GR_POLICY_AGENT },
};
const size_t agent_nroutes = sizeof(agent_routes) / sizeof(agent_routes[0]);
