/*
 * doc.h - the node's network document (docs/internal-api.md, "Networking"):
 * what the controller says this node must have, parsed into structs once
 * where it arrives. Every name the agent will give the kernel is checked
 * here against the Gureum pattern it must follow (brq<net[:11]>,
 * vxlan-<vni>, tap<port[:11]>, ns-<port[:11]>, qdhcp-<net>), so nothing
 * downstream can be led to touch an interface the agent does not own.
 * Errors: GR_ERR_BAD_REQUEST naming the field, with its path
 * ("networks[1].mtu: ...").
 */
#ifndef DOC_H
#define DOC_H

#include <jansson.h>

#define DOC_ID		37	/* a UUID and its NUL */
#define DOC_IP		46	/* INET6_ADDRSTRLEN */
#define DOC_CIDR	50
#define DOC_MAC		18
#define DOC_IFNAME	16	/* IFNAMSIZ */
#define DOC_HOSTNAME	64

struct doc_ip {
	char	subnet_id[DOC_ID];
	char	ip[DOC_IP];
};

/* A port on another node: one unicast FDB entry towards its node. */
struct doc_remote {
	char	mac[DOC_MAC];
	char	ip[DOC_IP];
	char	peer[DOC_IP];		/* that node's underlay address */
};

struct doc_route {
	char	destination[DOC_CIDR];
	char	nexthop[DOC_IP];
};

struct doc_subnet {
	char		 id[DOC_ID];
	char		 cidr[DOC_CIDR];	/* normalised by the controller */
	char		 gateway[DOC_IP];	/* "" when null */
	int		 enable_dhcp;
	char		 (*dns)[DOC_IP];
	int		 ndns;
	struct doc_route *routes;
	int		 nroutes;
};

struct doc_host {
	char	mac[DOC_MAC];
	char	ip[DOC_IP];
	char	name[DOC_HOSTNAME];	/* [A-Za-z0-9-], written to a file */
};

/* The node's own network:dhcp port on a network. */
struct doc_dhcp {
	char		 port_id[DOC_ID];
	char		 mac[DOC_MAC];
	struct doc_ip	*ips;
	int		 nips;
	char		 ns[DOC_IFNAME + 48];	/* qdhcp-<net> */
	char		 dev[DOC_IFNAME];	/* ns-<port[:11]>, in ns */
	char		 tap[DOC_IFNAME];	/* tap<port[:11]>: its bridge end */
	struct doc_host	*hosts;
	int		 nhosts;
};

struct doc_net {
	char		 id[DOC_ID];
	int		 flat;		/* else vxlan */
	long		 vni;		/* vxlan only */
	char		 physnet[64];	/* flat only */
	int		 mtu;
	char		 bridge[DOC_IFNAME]; /* brq<net[:11]>, or the mapping */
	char		 vxlan[DOC_IFNAME]; /* "" for flat networks */
	char		 (*peers)[DOC_IP];
	int		 npeers;
	struct doc_remote *remotes;
	int		 nremotes;
	struct doc_subnet *subnets;
	int		 nsubnets;
	struct doc_dhcp	*dhcp;		/* NULL when the node serves none */
	int		 zone;		/* its conntrack zone on the node,
					   1..65535: the VNI, for a flat
					   network 65535 - its mapping's
					   place; distinct in a document */
};

struct doc_port {
	char		 id[DOC_ID];
	char		 network_id[DOC_ID];
	char		 tap[DOC_IFNAME];
	char		 mac[DOC_MAC];
	struct doc_ip	*ips;
	int		 nips;
	int		 admin_up;
	int		 port_security;
	char		 (*sgs)[DOC_ID];
	int		 nsgs;
	char		 device_owner[64];
	char		 device_id[64];
	struct doc_net	*net;		/* resolved from network_id */
};

struct doc_rule {
	char		 id[DOC_ID];
	int		 egress;	/* else ingress */
	int		 ipv6;		/* ethertype IPv6, else IPv4 */
	char		 proto[8];	/* "", "tcp", "udp", "icmp" or "N" */
	int		 pmin, pmax;	/* -1 when null */
	char		 prefix[DOC_CIDR]; /* "" when null */
	int		 remote_group;	/* a remote group was named */
	char		 (*remote_ips)[DOC_IP];
	int		 nremote_ips;
};

struct doc_sg {
	char		 id[DOC_ID];
	struct doc_rule	*rules;
	int		 nrules;
};

/* A router's leg: a veth whose inside end (qr-/qg-<port[:11]>) is in
 * the router's namespace and whose other end, tap<port[:11]>, is on a
 * bridge. */
struct doc_leg {
	char		 port_id[DOC_ID];
	char		 dev[DOC_IFNAME];	/* qr-... or qg-... */
	char		 tap[DOC_IFNAME];	/* its bridge end */
	char		 mac[DOC_MAC];
	char		 ip[DOC_IP];
	int		 prefixlen;
	char		 bridge[DOC_IFNAME];
	int		 mtu;
	char		 gateway_ip[DOC_IP];	/* gateway leg: the next hop */
};

struct doc_fip {
	char	ip[DOC_IP];		/* on the gateway leg, /32 */
	char	fixed_ip[DOC_IP];	/* the port's address behind it */
};

struct doc_forward {
	char	ip[DOC_IP];
	char	proto[8];		/* "tcp" or "udp" */
	int	external_port;
	char	internal_ip[DOC_IP];
	int	internal_port;
};

struct doc_router {
	char		 id[DOC_ID];
	char		 ns[DOC_IFNAME + 48];	/* qrouter-<id> */
	int		 enable_snat;
	struct doc_leg	*gateway;		/* NULL: no external network */
	struct doc_leg	*legs;			/* the interfaces */
	int		 nlegs;
	struct doc_fip	*fips;
	int		 nfips;
	struct doc_forward *forwards;
	int		 nforwards;
};

struct doc {
	long long	 generation;
	char		 host[65];
	char		 underlay[DOC_IP];
	struct doc_net	*nets;
	int		 nnets;
	struct doc_port	*ports;
	int		 nports;
	struct doc_sg	*sgs;
	int		 nsgs;
	struct doc_router *routers;
	int		 nrouters;
};

/* Bridge mappings "physnet:bridge,..." from the configuration. */
struct doc_mapping {
	char	physnet[64];
	char	bridge[DOC_IFNAME];
};

/*
 * Parses the document j for host (the node's name: a document for
 * another node is refused). Flat networks take their bridge from maps.
 * Returns a new doc the caller frees with doc_free, or NULL with the
 * error.
 */
struct doc *doc_parse(json_t *j, const char *host,
    const struct doc_mapping *maps, int nmaps);
void doc_free(struct doc *d);
/* Parses "public:br-ex,other:br-2" into at most max entries; -1 with
 * the error on a malformed list. */
int doc_mappings(const char *s, struct doc_mapping *maps, int max);

/* 1 if s is a lower-case UUID (8-4-4-4-12), else 0. */
int doc_is_uuid(const char *s);

struct doc_net *doc_net(const struct doc *d, const char *id);
struct doc_port *doc_port(const struct doc *d, const char *id);
struct doc_sg *doc_sg(const struct doc *d, const char *id);
/* The subnet of id on n, or NULL. */
struct doc_subnet *doc_subnet(const struct doc_net *n, const char *id);
/* Number of ports of d on network n. */
int doc_net_ports(const struct doc *d, const struct doc_net *n);

#endif
