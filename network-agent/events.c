/*
 * events.c - see events.h. One thread polls the cache manager every half
 * second, so that a stop is noticed within that.
 */
#include <string.h>
#include <time.h>

#include <netlink/cache.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

#include "events.h"
#include "gr_err.h"
#include "gr_log.h"

#define POLL_MS	500

static void
changed(struct nl_cache *c, struct nl_object *o, int action, void *arg)
{
	static const char *const ours[] = { "brq", "vxlan-", "tap", NULL };
	struct events *e = arg;
	const char *name = rtnl_link_get_name((struct rtnl_link *)o);

	(void)c;
	/* New links are the agent's own work; a change or a removal may be
	 * someone else's. */
	if (name == NULL || action == NL_ACT_NEW)
		return;
	for (const char *const *p = ours; *p; p++)
		if (strncmp(name, *p, strlen(*p)) == 0) {
			gr_debug("link %s changed: re-applying", name);
			fetch_kick(e->fetcher);
			return;
		}
}

static void *
loop(void *arg)
{
	struct events *e = arg;

	struct timespec pause = { 0, POLL_MS * 1000 * 1000 };
	int r;

	while (!e->stop) {
		if ((r = nl_cache_mngr_poll(e->mngr, POLL_MS)) >= 0)
			continue;
		/* Events were lost (a burst overflowed the socket, as an
		 * apply of many links can cause): one may have been ours,
		 * so re-apply; then carry on listening. */
		gr_debug("link events: %s; re-applying", nl_geterror(r));
		fetch_kick(e->fetcher);
		nanosleep(&pause, NULL);
	}
	return NULL;
}

int
events_start(struct events *e, struct fetcher *f)
{
	struct nl_cache *cache;
	int err;

	e->fetcher = f;
	if ((err = nl_cache_mngr_alloc(NULL, NETLINK_ROUTE, NL_AUTO_PROVIDE,
	    &e->mngr)) < 0 || (err = nl_cache_mngr_add(e->mngr, "route/link",
	    changed, e, &cache)) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot follow link events: %s.",
		    nl_geterror(err));
		if (e->mngr)
			nl_cache_mngr_free(e->mngr);
		e->mngr = NULL;
		return -1;
	}
	if ((err = pthread_create(&e->thread, NULL, loop, e)) != 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot start the link events thread: "
		    "%s.", strerror(err));
		nl_cache_mngr_free(e->mngr);
		e->mngr = NULL;
		return -1;
	}
	e->started = 1;
	return 0;
}

void
events_stop(struct events *e)
{
	if (!e->started)
		return;
	e->stop = 1;
	pthread_join(e->thread, NULL);
	nl_cache_mngr_free(e->mngr);
	e->started = 0;
}
