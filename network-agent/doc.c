/*
 * doc.c - parses the node's network document into structs (doc.h): every
 * field bounded and checked, unknown fields refused, every kernel name
 * checked against the pattern the agent owns.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"

#define MAX_NETS	512
#define MAX_PORTS	4096
#define MAX_LIST	4096	/* peers, remote ports, hosts, rules... */
#define ZONE_MAX	65535	/* conntrack zones are 16 bits */

/*
 * Prefixes the recorded error with where it happened, so that a refused
 * document names the element: "networks[1]: The field 'mtu' ...".
 */
static int
at(const char *where, int i)
{
	char why[1024];

	snprintf(why, sizeof(why), "%s", gr_err_msg());
	if (i >= 0)
		gr_error(GR_ERR_BAD_REQUEST, "%s[%d]: %s", where, i, why);
	else
		gr_error(GR_ERR_BAD_REQUEST, "%s: %s", where, why);
	return -1;
}

static int
bad(const char *key, const char *val, const char *what)
{
	gr_error(GR_ERR_BAD_REQUEST, "The field '%s' (\"%s\") is not %s.", key,
	    val, what);
	return -1;
}

/* A string member copied into buf (size bytes with the NUL). */
static int
str(json_t *o, const char *key, int required, char *buf, size_t size)
{
	const char *s;
	int r = gr_json_str(o, key, required, size - 1, &s);

	if (r == 1)
		snprintf(buf, size, "%s", s);
	else
		buf[0] = '\0';
	return r;
}

int
doc_is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (!isxdigit((unsigned char)s[i]) ||
		    isupper((unsigned char)s[i])) {
			return 0;
		}
	}
	return s[36] == '\0';
}

static int
uuid(json_t *o, const char *key, char buf[DOC_ID])
{
	if (str(o, key, 1, buf, DOC_ID) < 0)
		return -1;
	return doc_is_uuid(buf) ? 0 : bad(key, buf, "a lower-case UUID");
}

static int
is_ip(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

static int
ip(json_t *o, const char *key, int required, char buf[DOC_IP])
{
	int r = str(o, key, required, buf, DOC_IP);

	if (r == 1 && !is_ip(buf))
		return bad(key, buf, "an IP address");
	return r < 0 ? -1 : 0;
}

static int
is_cidr(const char *s)
{
	char a[DOC_CIDR], *slash, *end;
	long len;

	snprintf(a, sizeof(a), "%s", s);
	if ((slash = strchr(a, '/')) == NULL)
		return 0;
	*slash = '\0';
	len = strtol(slash + 1, &end, 10);
	if (*end != '\0' || end == slash + 1 || len < 0)
		return 0;
	if (strchr(a, ':'))
		return is_ip(a) && len <= 128;
	return is_ip(a) && len <= 32;
}

static int
cidr(json_t *o, const char *key, int required, char buf[DOC_CIDR])
{
	int r = str(o, key, required, buf, DOC_CIDR);

	if (r == 1 && !is_cidr(buf))
		return bad(key, buf, "a CIDR (address/prefix length)");
	return r < 0 ? -1 : 0;
}

static int
mac(json_t *o, const char *key, char buf[DOC_MAC])
{
	if (str(o, key, 1, buf, DOC_MAC) < 0)
		return -1;
	for (int i = 0; i < 17; i++)
		if (i % 3 == 2 ? buf[i] != ':' :
		    !isxdigit((unsigned char)buf[i]))
			return bad(key, buf, "a MAC address (xx:xx:xx:xx:xx:xx)");
	if (strlen(buf) != 17)
		return bad(key, buf, "a MAC address (xx:xx:xx:xx:xx:xx)");
	for (int i = 0; i < 17; i++)
		buf[i] = (char)tolower((unsigned char)buf[i]);
	return 0;
}

/* A kernel name that must be exactly prefix + id[:n]. */
static int
owned(json_t *o, const char *key, char *buf, size_t size, const char *prefix,
    const char *id, int n)
{
	char want[80];

	if (str(o, key, 1, buf, size) < 0)
		return -1;
	snprintf(want, sizeof(want), "%s%.*s", prefix, n, id);
	if (strcmp(buf, want) != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The field '%s' is \"%s\"; the "
		    "agent only manages \"%s\" for this object.", key, buf, want);
		return -1;
	}
	return 0;
}

/* An array member of at most max elements; *n is its size. */
static int
list(json_t *o, const char *key, int required, int max, json_t **a, int *n)
{
	int r = gr_json_array(o, key, required, a);

	*n = 0;
	if (r < 0)
		return -1;
	if (r == 0) {
		*a = NULL;
		return 0;
	}
	if (json_array_size(*a) > (size_t)max) {
		gr_error(GR_ERR_BAD_REQUEST, "The list '%s' has %zu elements; at "
		    "most %d are allowed.", key, json_array_size(*a), max);
		return -1;
	}
	*n = (int)json_array_size(*a);
	return 0;
}

/* Element i of a, which must be an object with only the allowed keys. */
static json_t *
elem(json_t *a, int i, const char *what, const char *const *allowed)
{
	json_t *e = json_array_get(a, (size_t)i);

	if (!json_is_object(e)) {
		gr_error(GR_ERR_BAD_REQUEST, "The %s must be an object.", what);
		return NULL;
	}
	return gr_json_only(e, what, allowed) < 0 ? NULL : e;
}

/*
 * A list of strings, each checked (a UUID, an IP), as a new array of
 * elements of size bytes (one more, zeroed, so it is never empty), whose
 * count goes to *n; NULL with the error.
 */
static void *
strings(json_t *o, const char *key, int *n, size_t size,
    int (*check)(const char *))
{
	json_t *a;
	char *p;

	if (list(o, key, 0, MAX_LIST, &a, n) < 0)
		return NULL;
	p = gr_xcalloc((size_t)*n + 1, size);
	for (int i = 0; i < *n; i++) {
		json_t *v = json_array_get(a, (size_t)i);

		if (!json_is_string(v) || json_string_length(v) >= size ||
		    !check(json_string_value(v))) {
			gr_error(GR_ERR_BAD_REQUEST, "The element %d of '%s' "
			    "(%s) is not valid.", i, key,
			    json_is_string(v) ? json_string_value(v) : "?");
			free(p);
			return NULL;
		}
		snprintf(p + (size_t)i * size, size, "%s", json_string_value(v));
	}
	return p;
}

static int
fixed_ips(json_t *o, const char *key, struct doc_ip **out, int *n)
{
	static const char *const keys[] = { "subnet_id", "ip_address", NULL };
	json_t *a, *e;

	if (list(o, key, 0, 64, &a, n) < 0)
		return -1;
	*out = gr_xcalloc((size_t)*n + 1, sizeof(**out));
	for (int i = 0; i < *n; i++) {
		if ((e = elem(a, i, "fixed IP", keys)) == NULL ||
		    uuid(e, "subnet_id", (*out)[i].subnet_id) < 0 ||
		    ip(e, "ip_address", 1, (*out)[i].ip) < 0)
			return at(key, i);
	}
	return 0;
}

static int
subnet_parse(json_t *e, struct doc_subnet *s)
{
	static const char *const rkeys[] = { "destination", "nexthop", NULL };
	json_t *a, *r;

	if (uuid(e, "id", s->id) < 0 || cidr(e, "cidr", 1, s->cidr) < 0 ||
	    ip(e, "gateway_ip", 0, s->gateway) < 0 ||
	    gr_json_bool(e, "enable_dhcp", 1, &s->enable_dhcp) < 0 ||
	    (s->dns = strings(e, "dns_nameservers", &s->ndns, DOC_IP,
	    is_ip)) == NULL || list(e, "host_routes", 0, 64, &a, &s->nroutes) < 0)
		return -1;
	s->routes = gr_xcalloc((size_t)s->nroutes + 1, sizeof(*s->routes));
	for (int i = 0; i < s->nroutes; i++)
		if ((r = elem(a, i, "host route", rkeys)) == NULL ||
		    cidr(r, "destination", 1, s->routes[i].destination) < 0 ||
		    ip(r, "nexthop", 1, s->routes[i].nexthop) < 0)
			return at("host_routes", i);
	return 0;
}

/* Host names go into dnsmasq's hosts file: letters, digits, '-', '.'. */
static int
hostname(json_t *o, char buf[DOC_HOSTNAME])
{
	if (str(o, "name", 1, buf, DOC_HOSTNAME) < 0)
		return -1;
	if (buf[0] == '\0')
		return bad("name", buf, "a host name");
	for (char *p = buf; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '.')
			return bad("name", buf, "a host name ([A-Za-z0-9.-])");
	return 0;
}

static int
dhcp_parse(json_t *e, const char *net, struct doc_dhcp *dh)
{
	static const char *const keys[] = { "port_id", "mac", "ips",
	    "namespace", "device", "hosts", NULL };
	static const char *const hkeys[] = { "mac", "ip", "name", NULL };
	json_t *a, *h;

	if (gr_json_only(e, "dhcp", keys) < 0 ||
	    uuid(e, "port_id", dh->port_id) < 0 || mac(e, "mac", dh->mac) < 0 ||
	    fixed_ips(e, "ips", &dh->ips, &dh->nips) < 0 ||
	    owned(e, "namespace", dh->ns, sizeof(dh->ns), "qdhcp-", net,
	    36) < 0 || owned(e, "device", dh->dev, sizeof(dh->dev), "ns-",
	    dh->port_id, 11) < 0 ||
	    list(e, "hosts", 1, MAX_LIST, &a, &dh->nhosts) < 0)
		return -1;
	snprintf(dh->tap, sizeof(dh->tap), "tap%.11s", dh->port_id);
	dh->hosts = gr_xcalloc((size_t)dh->nhosts + 1, sizeof(*dh->hosts));
	for (int i = 0; i < dh->nhosts; i++)
		if ((h = elem(a, i, "DHCP host", hkeys)) == NULL ||
		    mac(h, "mac", dh->hosts[i].mac) < 0 ||
		    ip(h, "ip", 1, dh->hosts[i].ip) < 0 ||
		    hostname(h, dh->hosts[i].name) < 0)
			return at("hosts", i);
	return 0;
}

/* The place of physnet in the mappings, or -1. */
static int
mapped(const struct doc_mapping *maps, int nmaps, const char *physnet)
{
	for (int i = 0; i < nmaps; i++)
		if (strcmp(maps[i].physnet, physnet) == 0)
			return i;
	return -1;
}

static int
net_parse(json_t *e, struct doc_net *n, const struct doc_mapping *maps,
    int nmaps)
{
	static const char *const rkeys[] = { "mac", "ip", "peer", NULL };
	static const char *const skeys[] = { "id", "cidr", "gateway_ip",
	    "enable_dhcp", "dns_nameservers", "host_routes", NULL };
	char type[8], br[DOC_IFNAME];
	long long vni = 0, mtu;
	json_t *a, *x;
	int m;

	if (uuid(e, "id", n->id) < 0 || str(e, "type", 1, type,
	    sizeof(type)) < 0 || gr_json_int(e, "mtu", 1, 68, 9000, &mtu) < 0)
		return -1;
	n->mtu = (int)mtu;
	if (strcmp(type, "flat") == 0) {
		n->flat = 1;
		if (str(e, "physical_network", 1, n->physnet,
		    sizeof(n->physnet)) < 0 || str(e, "bridge", 0, br,
		    sizeof(br)) < 0)
			return -1;
		if ((m = mapped(maps, nmaps, n->physnet)) < 0) {
			gr_error(GR_ERR_BAD_REQUEST, "The physical network '%s' "
			    "has no bridge in this node's bridge_mappings.",
			    n->physnet);
			return -1;
		}
		snprintf(n->bridge, sizeof(n->bridge), "%s", maps[m].bridge);
		n->zone = ZONE_MAX - m;
	} else if (strcmp(type, "vxlan") == 0) {
		if (gr_json_int(e, "vni", 1, 1, (1 << 24) - 1, &vni) < 0 ||
		    owned(e, "bridge", n->bridge, sizeof(n->bridge), "brq",
		    n->id, 11) < 0)
			return -1;
		n->vni = (long)vni;
		n->zone = (int)vni;
		snprintf(br, sizeof(br), "%lld", vni);
		if (owned(e, "vxlan", n->vxlan, sizeof(n->vxlan), "vxlan-", br,
		    8) < 0)
			return -1;
	} else {
		return bad("type", type, "'vxlan' or 'flat'");
	}
	if ((n->peers = strings(e, "peers", &n->npeers, DOC_IP,
	    is_ip)) == NULL ||
	    list(e, "remote_ports", 0, MAX_LIST, &a, &n->nremotes) < 0)
		return -1;
	n->remotes = gr_xcalloc((size_t)n->nremotes + 1, sizeof(*n->remotes));
	for (int i = 0; i < n->nremotes; i++)
		if ((x = elem(a, i, "remote port", rkeys)) == NULL ||
		    mac(x, "mac", n->remotes[i].mac) < 0 ||
		    ip(x, "ip", 0, n->remotes[i].ip) < 0 ||
		    ip(x, "peer", 1, n->remotes[i].peer) < 0)
			return at("remote_ports", i);
	if (list(e, "subnets", 0, 64, &a, &n->nsubnets) < 0)
		return -1;
	n->subnets = gr_xcalloc((size_t)n->nsubnets + 1, sizeof(*n->subnets));
	for (int i = 0; i < n->nsubnets; i++)
		if ((x = elem(a, i, "subnet", skeys)) == NULL ||
		    subnet_parse(x, &n->subnets[i]) < 0)
			return at("subnets", i);
	x = NULL;
	if (gr_json_object(e, "dhcp", 0, &x) < 0)
		return -1;
	if (x) {
		n->dhcp = gr_xcalloc(1, sizeof(*n->dhcp));
		if (dhcp_parse(x, n->id, n->dhcp) < 0)
			return at("dhcp", -1);
	}
	return 0;
}

static int
port_parse(json_t *e, struct doc_port *p, const struct doc *d)
{
	if (uuid(e, "id", p->id) < 0 || uuid(e, "network_id",
	    p->network_id) < 0 || owned(e, "tap", p->tap, sizeof(p->tap), "tap",
	    p->id, 11) < 0 || mac(e, "mac", p->mac) < 0 ||
	    fixed_ips(e, "fixed_ips", &p->ips, &p->nips) < 0 ||
	    gr_json_bool(e, "admin_state_up", 1, &p->admin_up) < 0 ||
	    gr_json_bool(e, "port_security_enabled", 1, &p->port_security) < 0 ||
	    (p->sgs = strings(e, "security_groups", &p->nsgs, DOC_ID,
	    doc_is_uuid)) == NULL || str(e, "device_owner", 0, p->device_owner,
	    sizeof(p->device_owner)) < 0 || str(e, "device_id", 0,
	    p->device_id, sizeof(p->device_id)) < 0)
		return -1;
	if ((p->net = doc_net(d, p->network_id)) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "The port's network %s is not in "
		    "the document's networks.", p->network_id);
		return -1;
	}
	for (int i = 0; i < p->nips; i++)
		if (doc_subnet(p->net, p->ips[i].subnet_id) == NULL) {
			gr_error(GR_ERR_BAD_REQUEST, "The fixed IP %s is on "
			    "subnet %s, which its network does not have.",
			    p->ips[i].ip, p->ips[i].subnet_id);
			return -1;
		}
	return 0;
}

static int
rule_parse(json_t *e, struct doc_rule *r)
{
	char dir[10], eth[6], prefix[DOC_CIDR], group[DOC_ID];
	long long pmin = -1, pmax = -1;
	int rmin, rmax;

	if (uuid(e, "id", r->id) < 0 ||
	    str(e, "direction", 1, dir, sizeof(dir)) < 0 ||
	    str(e, "ethertype", 1, eth, sizeof(eth)) < 0 ||
	    str(e, "protocol", 0, r->proto, sizeof(r->proto)) < 0 ||
	    (rmin = gr_json_int(e, "port_range_min", 0, 0, 65535, &pmin)) < 0 ||
	    (rmax = gr_json_int(e, "port_range_max", 0, 0, 65535, &pmax)) < 0 ||
	    cidr(e, "remote_ip_prefix", 0, prefix) < 0 ||
	    str(e, "remote_group_id", 0, group, sizeof(group)) < 0 ||
	    (r->remote_ips = strings(e, "remote_ips", &r->nremote_ips, DOC_IP,
	    is_ip)) == NULL)
		return -1;
	if (strcmp(dir, "ingress") != 0 && strcmp(dir, "egress") != 0)
		return bad("direction", dir, "'ingress' or 'egress'");
	if (strcmp(eth, "IPv4") != 0 && strcmp(eth, "IPv6") != 0)
		return bad("ethertype", eth, "'IPv4' or 'IPv6'");
	r->egress = dir[0] == 'e';
	r->ipv6 = eth[3] == '6';
	if (r->proto[0] && strcmp(r->proto, "tcp") && strcmp(r->proto, "udp") &&
	    strcmp(r->proto, "icmp")) {
		char *end;
		long v = strtol(r->proto, &end, 10);

		if (*end != '\0' || v < 0 || v > 255)
			return bad("protocol", r->proto,
			    "tcp, udp, icmp or a number 0..255");
	}
	r->pmin = rmin == 1 ? (int)pmin : -1;
	r->pmax = rmax == 1 ? (int)pmax : -1;
	if (r->pmin >= 0 && r->pmax >= 0 && r->pmin > r->pmax &&
	    strcmp(r->proto, "icmp") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "port_range_min %d is above "
		    "port_range_max %d.", r->pmin, r->pmax);
		return -1;
	}
	snprintf(r->prefix, sizeof(r->prefix), "%s", prefix);
	if (group[0] && !doc_is_uuid(group))
		return bad("remote_group_id", group, "a lower-case UUID");
	r->remote_group = group[0] != '\0';
	return 0;
}

static int
sg_parse(json_t *e, struct doc_sg *s)
{
	static const char *const keys[] = { "id", "direction", "ethertype",
	    "protocol", "port_range_min", "port_range_max", "remote_ip_prefix",
	    "remote_group_id", "remote_ips", NULL };
	json_t *a, *r;

	if (uuid(e, "id", s->id) < 0 || list(e, "rules", 1, MAX_LIST, &a,
	    &s->nrules) < 0)
		return -1;
	s->rules = gr_xcalloc((size_t)s->nrules + 1, sizeof(*s->rules));
	for (int i = 0; i < s->nrules; i++)
		if ((r = elem(a, i, "security group rule", keys)) == NULL ||
		    rule_parse(r, &s->rules[i]) < 0)
			return at("rules", i);
	return 0;
}

/*
 * A router leg. Its bridge is its network's bridge in this document: a
 * VXLAN network's brq..., a flat one's mapping (the controller sends null
 * for a flat network, whose bridge only the node knows). A gateway leg
 * may name no network, then its bridge must be one of the node's
 * mappings (the host's external bridge).
 */
static int
leg_parse(json_t *e, struct doc_leg *l, int gateway, const struct doc *d,
    const struct doc_mapping *maps, int nmaps)
{
	long long len, mtu;
	char net[DOC_ID];
	const struct doc_net *n;
	int r;

	if (uuid(e, "port_id", l->port_id) < 0 ||
	    owned(e, "device", l->dev, sizeof(l->dev), gateway ? "qg-" : "qr-",
	    l->port_id, 11) < 0 || mac(e, "mac", l->mac) < 0 ||
	    ip(e, "ip", 1, l->ip) < 0 ||
	    gr_json_int(e, "prefixlen", 1, 1, 32, &len) < 0 ||
	    str(e, "bridge", 0, l->bridge, sizeof(l->bridge)) < 0 ||
	    gr_json_int(e, "mtu", 1, 68, 9000, &mtu) < 0 ||
	    (gateway && ip(e, "gateway_ip", 0, l->gateway_ip) < 0))
		return -1;
	l->prefixlen = (int)len;
	l->mtu = (int)mtu;
	snprintf(l->tap, sizeof(l->tap), "tap%.11s", l->port_id);
	if ((r = str(e, "network_id", !gateway, net, sizeof(net))) < 0)
		return -1;
	if (r == 0) {
		for (int i = 0; i < nmaps; i++)
			if (strcmp(maps[i].bridge, l->bridge) == 0)
				return 0;
		gr_error(GR_ERR_BAD_REQUEST, "The gateway names no network and "
		    "its bridge '%s' is not in this node's bridge_mappings.",
		    l->bridge);
		return -1;
	}
	if (!doc_is_uuid(net))
		return bad("network_id", net, "a lower-case UUID");
	if ((n = doc_net(d, net)) == NULL) {
		gr_error(GR_ERR_BAD_REQUEST, "The %s's network %s is not in the "
		    "document.", gateway ? "gateway" : "interface", net);
		return -1;
	}
	if (l->bridge[0] != '\0' && strcmp(n->bridge, l->bridge) != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The %s's bridge is '%s'; its "
		    "network %s is on '%s'.", gateway ? "gateway" : "interface",
		    l->bridge, net, n->bridge);
		return -1;
	}
	snprintf(l->bridge, sizeof(l->bridge), "%s", n->bridge);
	return 0;
}

static int
router_parse(json_t *e, struct doc_router *r, const struct doc *d,
    const struct doc_mapping *maps, int nmaps)
{
	static const char *const gkeys[] = { "port_id", "device", "mac", "ip",
	    "prefixlen", "gateway_ip", "network_id", "bridge", "mtu", NULL };
	static const char *const ikeys[] = { "port_id", "device", "mac", "ip",
	    "prefixlen", "network_id", "bridge", "mtu", NULL };
	static const char *const fkeys[] = { "id", "ip", "fixed_ip", "port_id",
	    NULL };
	static const char *const pkeys[] = { "id", "ip", "protocol",
	    "external_port", "internal_ip", "internal_port", NULL };
	json_t *a, *x;
	long long ep, ip_;

	if (uuid(e, "id", r->id) < 0 || owned(e, "namespace", r->ns,
	    sizeof(r->ns), "qrouter-", r->id, 36) < 0 ||
	    gr_json_bool(e, "enable_snat", 1, &r->enable_snat) < 0)
		return -1;
	x = NULL;
	if (gr_json_object(e, "gateway", 0, &x) < 0)
		return -1;
	if (x) {
		r->gateway = gr_xcalloc(1, sizeof(*r->gateway));
		if (gr_json_only(x, "gateway", gkeys) < 0 ||
		    leg_parse(x, r->gateway, 1, d, maps, nmaps) < 0)
			return at("gateway", -1);
	}
	if (list(e, "interfaces", 0, 64, &a, &r->nlegs) < 0)
		return -1;
	r->legs = gr_xcalloc((size_t)r->nlegs + 1, sizeof(*r->legs));
	for (int i = 0; i < r->nlegs; i++)
		if ((x = elem(a, i, "interface", ikeys)) == NULL ||
		    leg_parse(x, &r->legs[i], 0, d, maps, nmaps) < 0)
			return at("interfaces", i);
	if (list(e, "floating_ips", 0, MAX_LIST, &a, &r->nfips) < 0)
		return -1;
	r->fips = gr_xcalloc((size_t)r->nfips + 1, sizeof(*r->fips));
	for (int i = 0; i < r->nfips; i++) {
		char id[DOC_ID], port[DOC_ID];

		if ((x = elem(a, i, "floating IP", fkeys)) == NULL ||
		    uuid(x, "id", id) < 0 || ip(x, "ip", 1, r->fips[i].ip) < 0 ||
		    ip(x, "fixed_ip", 1, r->fips[i].fixed_ip) < 0 ||
		    str(x, "port_id", 0, port, sizeof(port)) < 0)
			return at("floating_ips", i);
	}
	if (list(e, "port_forwards", 0, MAX_LIST, &a, &r->nforwards) < 0)
		return -1;
	r->forwards = gr_xcalloc((size_t)r->nforwards + 1,
	    sizeof(*r->forwards));
	for (int i = 0; i < r->nforwards; i++) {
		struct doc_forward *f = &r->forwards[i];
		char id[DOC_ID];

		if ((x = elem(a, i, "port forward", pkeys)) == NULL ||
		    uuid(x, "id", id) < 0 || ip(x, "ip", 1, f->ip) < 0 ||
		    str(x, "protocol", 1, f->proto, sizeof(f->proto)) < 0 ||
		    gr_json_int(x, "external_port", 1, 1, 65535, &ep) < 0 ||
		    ip(x, "internal_ip", 1, f->internal_ip) < 0 ||
		    gr_json_int(x, "internal_port", 1, 1, 65535, &ip_) < 0)
			return at("port_forwards", i);
		if (strcmp(f->proto, "tcp") != 0 &&
		    strcmp(f->proto, "udp") != 0) {
			bad("protocol", f->proto, "tcp or udp");
			return at("port_forwards", i);
		}
		f->external_port = (int)ep;
		f->internal_port = (int)ip_;
	}
	return 0;
}

/* Two entries of one list with the same key would be applied twice. */
static int
unique(const char *what, const char *base, int n, size_t size,
    size_t off)
{
	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (strcmp(base + (size_t)i * size + off,
			    base + (size_t)j * size + off) == 0) {
				gr_error(GR_ERR_BAD_REQUEST, "%s %s appears twice.",
				    what, base + (size_t)i * size + off);
				return -1;
			}
	return 0;
}

/*
 * Makes the networks' conntrack zones (doc.h) distinct. Flat networks
 * keep theirs (one per mapping, so never the same); a VXLAN network
 * keeps its VNI unless it is above 65535 or a flat network's zone.
 * Those that do not, in the order of their VNIs, take the lowest zones
 * no network of the document has.
 */
static void
zones(struct doc *d)
{
	GR_AUTOFREE unsigned char *taken = gr_xcalloc(ZONE_MAX + 1, 1);
	long last = 0;
	int lowest = 1;

	taken[0] = 1;		/* the default zone: the node's own traffic */
	for (int flat = 1; flat >= 0; flat--)
		for (int i = 0; i < d->nnets; i++) {
			struct doc_net *n = &d->nets[i];

			if (n->flat != flat)
				continue;
			if (n->zone < 1 || n->zone > ZONE_MAX || taken[n->zone])
				n->zone = 0;
			else
				taken[n->zone] = 1;
		}
	for (;;) {
		struct doc_net *next = NULL;

		for (int i = 0; i < d->nnets; i++)
			if (d->nets[i].zone == 0 && d->nets[i].vni > last &&
			    (next == NULL || d->nets[i].vni < next->vni))
				next = &d->nets[i];
		if (next == NULL)
			return;
		while (taken[lowest])
			lowest++;
		taken[lowest] = 1;
		next->zone = lowest;
		last = next->vni;
	}
}

static int
doc_fill(struct doc *d, json_t *j, const char *host,
    const struct doc_mapping *maps, int nmaps)
{
	static const char *const keys[] = { "generation", "host",
	    "underlay_ip", "networks", "ports", "security_groups", "routers",
	    NULL };
	static const char *const nkeys[] = { "id", "type", "vni",
	    "physical_network", "mtu", "bridge", "vxlan", "peers",
	    "remote_ports", "subnets", "dhcp", NULL };
	static const char *const pkeys[] = { "id", "network_id", "tap", "mac",
	    "fixed_ips", "admin_state_up", "port_security_enabled",
	    "security_groups", "device_owner", "device_id", NULL };
	static const char *const gkeys[] = { "id", "rules", NULL };
	static const char *const rkeys[] = { "id", "namespace", "enable_snat",
	    "gateway", "interfaces", "floating_ips", "port_forwards", NULL };
	json_t *a, *e;

	if (!json_is_object(j)) {
		gr_error(GR_ERR_BAD_REQUEST, "The network document must be a "
		    "JSON object.");
		return -1;
	}
	if (gr_json_only(j, "network document", keys) < 0 ||
	    gr_json_int(j, "generation", 1, 0, 1LL << 62, &d->generation) < 0 ||
	    str(j, "host", 1, d->host, sizeof(d->host)) < 0 ||
	    ip(j, "underlay_ip", 1, d->underlay) < 0)
		return -1;
	if (host && strcmp(d->host, host) != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The document is for host '%s', not "
		    "for this node '%s'.", d->host, host);
		return -1;
	}
	if (list(j, "networks", 1, MAX_NETS, &a, &d->nnets) < 0)
		return -1;
	d->nets = gr_xcalloc((size_t)d->nnets + 1, sizeof(*d->nets));
	for (int i = 0; i < d->nnets; i++)
		if ((e = elem(a, i, "network", nkeys)) == NULL ||
		    net_parse(e, &d->nets[i], maps, nmaps) < 0)
			return at("networks", i);
	if (unique("The network", (char *)d->nets, d->nnets, sizeof(*d->nets),
	    offsetof(struct doc_net, id)) < 0 || unique("The bridge",
	    (char *)d->nets, d->nnets, sizeof(*d->nets),
	    offsetof(struct doc_net, bridge)) < 0)
		return -1;
	for (int i = 0; i < d->nnets; i++)
		for (int k = 0; k < i; k++)
			if (!d->nets[i].flat && d->nets[i].vni == d->nets[k].vni) {
				gr_error(GR_ERR_BAD_REQUEST, "The VNI %ld is used "
				    "by two networks.", d->nets[i].vni);
				return -1;
			}
	zones(d);
	if (list(j, "ports", 1, MAX_PORTS, &a, &d->nports) < 0)
		return -1;
	d->ports = gr_xcalloc((size_t)d->nports + 1, sizeof(*d->ports));
	for (int i = 0; i < d->nports; i++)
		if ((e = elem(a, i, "port", pkeys)) == NULL ||
		    port_parse(e, &d->ports[i], d) < 0)
			return at("ports", i);
	/* Taps are the id's first 11 characters: one per port id. */
	if (unique("The port", (char *)d->ports, d->nports, sizeof(*d->ports),
	    offsetof(struct doc_port, id)) < 0 || unique("The tap",
	    (char *)d->ports, d->nports, sizeof(*d->ports),
	    offsetof(struct doc_port, tap)) < 0)
		return -1;
	if (list(j, "security_groups", 0, MAX_LIST, &a, &d->nsgs) < 0)
		return -1;
	d->sgs = gr_xcalloc((size_t)d->nsgs + 1, sizeof(*d->sgs));
	for (int i = 0; i < d->nsgs; i++)
		if ((e = elem(a, i, "security group", gkeys)) == NULL ||
		    sg_parse(e, &d->sgs[i]) < 0)
			return at("security_groups", i);
	for (int i = 0; i < d->nports; i++)
		for (int k = 0; k < d->ports[i].nsgs; k++)
			if (doc_sg(d, d->ports[i].sgs[k]) == NULL) {
				gr_error(GR_ERR_BAD_REQUEST, "ports[%d]: the "
				    "security group %s is not in the document.",
				    i, d->ports[i].sgs[k]);
				return -1;
			}
	if (list(j, "routers", 0, MAX_LIST, &a, &d->nrouters) < 0)
		return -1;
	d->routers = gr_xcalloc((size_t)d->nrouters + 1, sizeof(*d->routers));
	for (int i = 0; i < d->nrouters; i++)
		if ((e = elem(a, i, "router", rkeys)) == NULL ||
		    router_parse(e, &d->routers[i], d, maps, nmaps) < 0)
			return at("routers", i);
	return 0;
}

struct doc *
doc_parse(json_t *j, const char *host, const struct doc_mapping *maps,
    int nmaps)
{
	struct doc *d = gr_xcalloc(1, sizeof(*d));

	if (doc_fill(d, j, host, maps, nmaps) < 0) {
		doc_free(d);
		return NULL;
	}
	return d;
}

void
doc_free(struct doc *d)
{
	if (d == NULL)
		return;
	for (int i = 0; d->nets && i < d->nnets; i++) {
		struct doc_net *n = &d->nets[i];

		free(n->peers);
		free(n->remotes);
		for (int k = 0; n->subnets && k < n->nsubnets; k++) {
			free(n->subnets[k].dns);
			free(n->subnets[k].routes);
		}
		free(n->subnets);
		if (n->dhcp) {
			free(n->dhcp->ips);
			free(n->dhcp->hosts);
			free(n->dhcp);
		}
	}
	free(d->nets);
	for (int i = 0; d->ports && i < d->nports; i++) {
		free(d->ports[i].ips);
		free(d->ports[i].sgs);
	}
	free(d->ports);
	for (int i = 0; d->sgs && i < d->nsgs; i++) {
		for (int k = 0; d->sgs[i].rules && k < d->sgs[i].nrules; k++)
			free(d->sgs[i].rules[k].remote_ips);
		free(d->sgs[i].rules);
	}
	free(d->sgs);
	for (int i = 0; d->routers && i < d->nrouters; i++) {
		free(d->routers[i].gateway);
		free(d->routers[i].legs);
		free(d->routers[i].fips);
		free(d->routers[i].forwards);
	}
	free(d->routers);
	free(d);
}

int
doc_mappings(const char *s, struct doc_mapping *maps, int max)
{
	GR_AUTOFREE char *copy = gr_xstrdup(s ? s : "");
	char *save = NULL, *tok, *colon;
	int n = 0;

	for (tok = strtok_r(copy, ", ", &save); tok;
	    tok = strtok_r(NULL, ", ", &save)) {
		if ((colon = strchr(tok, ':')) == NULL || colon == tok ||
		    colon[1] == '\0' || strlen(colon + 1) >= DOC_IFNAME ||
		    (size_t)(colon - tok) >= sizeof(maps->physnet) || n == max) {
			gr_error(GR_ERR_BAD_REQUEST, "bridge_mappings: \"%s\" is "
			    "not PHYSNET:BRIDGE (a bridge name is at most 15 "
			    "bytes; at most %d mappings).", tok, max);
			return -1;
		}
		*colon = '\0';
		snprintf(maps[n].physnet, sizeof(maps[n].physnet), "%s", tok);
		snprintf(maps[n].bridge, sizeof(maps[n].bridge), "%s", colon + 1);
		n++;
	}
	return n;
}

struct doc_net *
doc_net(const struct doc *d, const char *id)
{
	for (int i = 0; i < d->nnets; i++)
		if (strcmp(d->nets[i].id, id) == 0)
			return &d->nets[i];
	return NULL;
}

struct doc_port *
doc_port(const struct doc *d, const char *id)
{
	for (int i = 0; i < d->nports; i++)
		if (strcmp(d->ports[i].id, id) == 0)
			return &d->ports[i];
	return NULL;
}

struct doc_sg *
doc_sg(const struct doc *d, const char *id)
{
	for (int i = 0; i < d->nsgs; i++)
		if (strcmp(d->sgs[i].id, id) == 0)
			return &d->sgs[i];
	return NULL;
}

struct doc_subnet *
doc_subnet(const struct doc_net *n, const char *id)
{
	for (int i = 0; i < n->nsubnets; i++)
		if (strcmp(n->subnets[i].id, id) == 0)
			return &n->subnets[i];
	return NULL;
}

int
doc_net_ports(const struct doc *d, const struct doc_net *n)
{
	int c = 0;

	for (int i = 0; i < d->nports; i++)
		if (d->ports[i].net == n)
			c++;
	return c;
}
