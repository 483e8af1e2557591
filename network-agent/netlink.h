/*
 * netlink.h - the agent's netlink, on libnl-route: links (bridge, VXLAN,
 * veth, persistent taps), their state (up, MTU, master), bridge FDB
 * entries and addresses. A socket belongs to the network namespace of the
 * thread that opened it (netns.h runs code in another one). Every call
 * returns 0 (or a count), or -1 with GR_ERR_SYSTEM naming the object and
 * libnl's reason.
 */
#ifndef NETLINK_H
#define NETLINK_H

#define NETLINK_IFNAME	16

struct nl_sock;

#define NETLINK_CIDR	72	/* "ADDR/LEN" */

struct netlink_link {
	int	ifindex;
	int	master;		/* ifindex of its bridge, 0 if none */
	int	up;		/* IFF_UP */
	int	mtu;
	char	kind[16];	/* "bridge", "vxlan", "tun", "veth"; "" */
	long	vni;		/* vxlan: its id, else -1 */
	char	local[46];	/* vxlan: its local address, else "" */
	char	mac[18];	/* its address, lower-case */
};

struct netlink_fdb {
	char	mac[18];	/* "00:00:00:00:00:00" for flooding */
	char	dst[46];	/* remote VTEP, "" when none */
};

/* Opens a route socket in the calling thread's netns; NULL with error. */
struct nl_sock *netlink_open(void);
void netlink_close(struct nl_sock *sk);

/* 1 and *l filled if a link of that name exists, 0 if not, -1 on error. */
int netlink_get(struct nl_sock *sk, const char *name, struct netlink_link *l);
/*
 * Names of every link whose name starts with one of the NULL-ended
 * prefixes, as a new array of *n names (caller frees). -1 on error.
 */
int netlink_names(struct nl_sock *sk, const char *const *prefixes,
    char (**names)[NETLINK_IFNAME], int *n);
int netlink_bridge_add(struct nl_sock *sk, const char *name);
int netlink_vxlan_add(struct nl_sock *sk, const char *name, long vni,
    const char *local);
/* A persistent tap (TUNSETIFF + TUNSETPERSIST) in the caller's netns. */
int netlink_tap_add(const char *name);
int netlink_veth_add(struct nl_sock *sk, const char *name, const char *peer);
int netlink_del(struct nl_sock *sk, const char *name);
/*
 * Changes what differs of l (as read by netlink_get) towards: mtu (0 =
 * keep), master (ifindex; 0 = keep), up (1, 0; -1 = keep). Touches
 * nothing when all already hold.
 */
int netlink_set(struct nl_sock *sk, const char *name, const struct netlink_link *l,
    int mtu, int master, int up);
/* Sets the link's MAC address ("fa:16:3e:..") unless it has it. */
int netlink_set_mac(struct nl_sock *sk, const char *name,
    const struct netlink_link *l, const char *mac);
/* Moves link name into the netns open at fd. */
int netlink_move(struct nl_sock *sk, const char *name, int fd);
/* Adds "ADDR/LEN" to the link (present already: fine). */
int netlink_addr_add(struct nl_sock *sk, int ifindex, const char *cidr);
/* The IPv4 addresses of ifindex as "ADDR/LEN", a new array of *n
 * (caller frees). */
int netlink_addr_list(struct nl_sock *sk, int ifindex,
    char (**out)[NETLINK_CIDR], int *n);
/* Removes "ADDR/LEN" from the link (absent already: fine). */
int netlink_addr_del(struct nl_sock *sk, int ifindex, const char *cidr);
/* Sets the default route via gw on ifindex (replacing another). */
int netlink_default_route(struct nl_sock *sk, const char *gw, int ifindex);
/* The FDB entries of device ifindex, as a new array of *n (caller
 * frees). */
int netlink_fdb_list(struct nl_sock *sk, int ifindex, struct netlink_fdb **out, int *n);
/*
 * Adds the entry mac -> dst on VXLAN device ifindex: appended (another
 * flood destination) when append, else replacing the MAC's entry.
 */
int netlink_fdb_add(struct nl_sock *sk, int ifindex, const char *mac,
    const char *dst, int append);
int netlink_fdb_del(struct nl_sock *sk, int ifindex, const char *mac,
    const char *dst);

#endif
