/*
 * ct.h - connection tracking entries forgotten through ctnetlink
 * (libnetfilter_conntrack), in the calling thread's network namespace:
 * one dump of the table, then a delete per entry that matches, where
 * conntrack(8) would be two programs started per address.
 */
#ifndef CT_H
#define CT_H

/* Entries of zone (-1: any zone) whose original source or destination
 * is ip (IPv4, dotted). */
struct ct_match {
	int		 zone;
	const char	*ip;
};

/*
 * Deletes the IPv4 entries matching any of m[0..n-1] and returns how
 * many went (an entry gone meanwhile is not an error), or -1 with the
 * error (GR_ERR_SYSTEM: ctnetlink cannot be reached or refused).
 */
int ct_forget(const struct ct_match *m, int n);

#endif
