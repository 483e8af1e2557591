/*
 * netagent.c - the network agent's shared context (netagent.h): read
 * from the configuration, freed at the end (leaving the node as it is),
 * and the one-shot apply of a document file (--apply-document).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_err.h"
#include "gr_json.h"
#include "netagent.h"
#include "netlink.h"
#include "nft.h"
#include "observe.h"
#include "reconcile.h"

int
netagent_conf(struct netagent *a, const struct gr_conf *c, const char *host)
{
	const char *maps = gr_conf_get(c, "bridge_mappings", "");

	a->host = host;
	a->netns_dir = gr_conf_get(c, "netns_dir", "/run/netns");
	a->state_dir = gr_conf_get(c, "state_dir", "/var/lib/gureum/network");
	if ((a->nmaps = doc_mappings(maps, a->maps, NETAGENT_MAPS)) < 0)
		return -1;
	pthread_mutex_init(&a->lock, NULL);
	if ((a->sk = netlink_open()) == NULL)
		return -1;
	a->bridge_ct = nft_probe_bridge_ct();
	return 0;
}

void
netagent_free(struct netagent *a)
{
	/* A stopping agent leaves the node as it is: nothing is undone. */
	netlink_close(a->sk);
	doc_free(a->doc);
	json_decref(a->sg_records);
	json_decref(a->last_down);
	pthread_mutex_destroy(&a->lock);
}

int
netagent_apply_file(struct netagent *a, const char *path)
{
	GR_AUTO_JSON json_t *j = NULL, *obs = NULL;
	enum gr_err_code code = GR_ERR_NONE;
	json_error_t je;
	struct doc *doc;
	char why[1024];
	int r;

	if ((j = json_load_file(path, 0, &je)) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "%s:%d: %s", path, je.line, je.text);
		return -1;
	}
	if ((doc = doc_parse(j, a->host, a->maps, a->nmaps)) == NULL)
		return -1;
	a->doc = doc;
	a->may_delete = 1;
	pthread_mutex_lock(&a->lock);
	r = reconcile_apply(a, doc);
	if (r < 0) {
		/* Observing clears errors: keep the apply's for the exit. */
		code = gr_err_code();
		snprintf(why, sizeof(why), "%s", gr_err_msg());
	}
	obs = observe_all(a, doc);
	pthread_mutex_unlock(&a->lock);
	if (r < 0)
		gr_error(code, "%s", why);
	json_dumpf(obs, stdout, JSON_INDENT(1));
	putchar('\n');
	fflush(stdout);
	return r;
}
