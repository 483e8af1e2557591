/*
 * ct.c - see ct.h. The dump's callback only collects copies: ctnetlink
 * answers one request at a time on a socket, so the deletes follow the
 * dump on the same handle.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <libnetfilter_conntrack/libnetfilter_conntrack.h>

#include "ct.h"
#include "gr_err.h"
#include "gr_util.h"

struct dump {
	const struct ct_match	*m;
	const uint32_t		*addr;	/* m[i].ip, network order */
	int			 n;
	struct nf_conntrack	**hit;
	int			 nhit, cap;
};

static int
matches(const struct dump *dm, const struct nf_conntrack *ct)
{
	uint16_t zone = nfct_attr_is_set(ct, ATTR_ZONE) ?
	    nfct_get_attr_u16(ct, ATTR_ZONE) : 0;
	uint32_t src = nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_SRC);
	uint32_t dst = nfct_get_attr_u32(ct, ATTR_ORIG_IPV4_DST);

	for (int i = 0; i < dm->n; i++)
		if ((dm->m[i].zone < 0 || dm->m[i].zone == zone) &&
		    (src == dm->addr[i] || dst == dm->addr[i]))
			return 1;
	return 0;
}

static int
on_entry(enum nf_conntrack_msg_type type, struct nf_conntrack *ct,
    void *arg)
{
	struct dump *dm = arg;
	struct nf_conntrack *copy;

	(void)type;
	if (!matches(dm, ct) || (copy = nfct_clone(ct)) == NULL)
		return NFCT_CB_CONTINUE;
	if (dm->nhit == dm->cap) {
		dm->cap = dm->cap ? dm->cap * 2 : 16;
		dm->hit = gr_xrealloc(dm->hit, (size_t)dm->cap *
		    sizeof(*dm->hit));
	}
	dm->hit[dm->nhit++] = copy;
	return NFCT_CB_CONTINUE;
}

int
ct_forget(const struct ct_match *m, int n)
{
	GR_AUTOFREE uint32_t *addr = NULL;
	struct dump dm = { .m = m, .n = n };
	struct nfct_handle *h;
	uint32_t family = AF_INET;
	int gone = 0, ret = -1;

	if (n <= 0)
		return 0;
	addr = gr_xcalloc((size_t)n, sizeof(*addr));
	for (int i = 0; i < n; i++)
		if (inet_pton(AF_INET, m[i].ip, &addr[i]) != 1) {
			gr_error(GR_ERR_INTERNAL, "'%s' is not an IPv4 "
			    "address to forget connections of.", m[i].ip);
			return -1;
		}
	dm.addr = addr;
	if ((h = nfct_open(CONNTRACK, 0)) == NULL) {
		gr_error(GR_ERR_SYSTEM, "Cannot open ctnetlink: %s.",
		    strerror(errno));
		return -1;
	}
	nfct_callback_register(h, NFCT_T_ALL, on_entry, &dm);
	if (nfct_query(h, NFCT_Q_DUMP, &family) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot list the connection tracking "
		    "table: %s.", strerror(errno));
		goto out;
	}
	nfct_callback_unregister(h);
	for (int i = 0; i < dm.nhit; i++) {
		if (nfct_query(h, NFCT_Q_DESTROY, dm.hit[i]) == 0)
			gone++;
		else if (errno != ENOENT) {
			gr_error(GR_ERR_SYSTEM, "Cannot delete a connection "
			    "tracking entry: %s.", strerror(errno));
			goto out;
		}
	}
	ret = gone;
out:
	for (int i = 0; i < dm.nhit; i++)
		nfct_destroy(dm.hit[i]);
	free(dm.hit);
	nfct_close(h);
	return ret;
}
