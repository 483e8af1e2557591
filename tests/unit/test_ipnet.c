/*
 * Unit tests for controller/ipnet.c: strict parsing of addresses and
 * prefixes, host bits normalised away, host addresses of a prefix, the
 * default allocation pools around a gateway, and the pool checks in
 * Neutron's order.
 */
#include "gr_test.h"
#include "ipnet.h"

static const char *
cidr_of(const char *in)
{
	static char out[IPNET_CIDR_LEN];
	struct ipnet n;

	if (ipnet_cidr(in, &n) < 0)
		return NULL;
	ipnet_cidr_str(&n, out);
	return out;
}

static void
test_parse(void)
{
	static const char *const bad[] = { "foo", "10.0.0.0", "10.0.0/24",
	    "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/", "10.0.0.0/2a",
	    "10.0.0.256/24", "::1/128", "10.0.0.0/024", " 10.0.0.0/24",
	    "010.0.0.0/8x", NULL };
	uint32_t a;
	int refused = 1;

	CHECK_STR(cidr_of("10.0.0.0/24"), "10.0.0.0/24", "a prefix as given");
	CHECK_STR(cidr_of("10.0.0.5/24"), "10.0.0.0/24",
	    "host bits are cleared (Neutron normalises them)");
	CHECK_STR(cidr_of("192.168.7.9/0"), "0.0.0.0/0", "/0 parses (the API "
	    "refuses it with its own sentence)");
	CHECK_STR(cidr_of("172.16.5.4/32"), "172.16.5.4/32", "/32 keeps all");
	for (int i = 0; bad[i]; i++)
		if (cidr_of(bad[i]) != NULL) {
			printf("#   accepted '%s'\n", bad[i]);
			refused = 0;
		}
	CHECK(refused, "malformed prefixes are refused");
	CHECK(ipnet_addr("10.1.2.3", &a) == 0 && a == 0x0a010203,
	    "an address in host order");
	CHECK(ipnet_addr("10.1.2", &a) < 0 && ipnet_addr("10.1.2.3/8", &a) < 0
	    && ipnet_addr("1.2.3.4 ", &a) < 0 && ipnet_addr(NULL, &a) < 0,
	    "short forms, masks, spaces are no address");
}

static void
test_hosts(void)
{
	struct ipnet n, p31;
	uint32_t a;

	ipnet_cidr("10.0.0.0/24", &n);
	ipnet_cidr("10.0.0.4/31", &p31);
	ipnet_addr("10.0.0.255", &a);
	CHECK(ipnet_last(&n) == a, "the last address is the broadcast");
	CHECK(!ipnet_is_host(&n, n.addr) && !ipnet_is_host(&n, a) &&
	    ipnet_is_host(&n, n.addr + 1) && ipnet_is_host(&n, a - 1),
	    "network and broadcast addresses are no hosts");
	CHECK(!ipnet_is_host(&n, a + 1) && !ipnet_contains(&n, a + 1),
	    "an address past the prefix is outside");
	CHECK(ipnet_is_host(&p31, p31.addr) && ipnet_is_host(&p31,
	    p31.addr + 1), "both addresses of a /31 are hosts");
}

static void
test_default_pools(void)
{
	struct ipnet n;
	struct ipnet_pool p[2];
	int k;

	ipnet_cidr("10.0.0.0/24", &n);
	k = ipnet_default_pools(&n, n.addr + 1, p);
	CHECK(k == 1 && p[0].start == n.addr + 2 && p[0].end == n.addr + 254,
	    "gateway .1: one pool .2-.254");
	k = ipnet_default_pools(&n, 0, p);
	CHECK(k == 1 && p[0].start == n.addr + 1 && p[0].end == n.addr + 254,
	    "no gateway: .1-.254");
	k = ipnet_default_pools(&n, n.addr + 100, p);
	CHECK(k == 2 && p[0].start == n.addr + 1 && p[0].end == n.addr + 99 &&
	    p[1].start == n.addr + 101 && p[1].end == n.addr + 254,
	    "a gateway inside splits the range in two");
	k = ipnet_default_pools(&n, n.addr + 254, p);
	CHECK(k == 1 && p[0].end == n.addr + 253, "gateway at the end");
}

static void
test_check_pools(void)
{
	struct ipnet n;
	struct ipnet_pool p[3];
	int bad, other;
	uint32_t b;

	ipnet_cidr("10.0.0.0/24", &n);
	b = n.addr;
	p[0] = (struct ipnet_pool){ b + 10, b + 20 };
	p[1] = (struct ipnet_pool){ b + 30, b + 40 };
	CHECK(ipnet_check_pools(&n, b + 1, p, 2, &bad, &other) ==
	    IPNET_POOL_OK, "disjoint pools away from the gateway pass");
	p[1] = (struct ipnet_pool){ b + 40, b + 30 };
	CHECK(ipnet_check_pools(&n, b + 1, p, 2, &bad, &other) ==
	    IPNET_POOL_REVERSED && bad == 1, "start after end is refused");
	p[1] = (struct ipnet_pool){ b + 250, b + 255 };
	CHECK(ipnet_check_pools(&n, b + 1, p, 2, &bad, &other) ==
	    IPNET_POOL_OUTSIDE && bad == 1, "the broadcast address is outside");
	p[1] = (struct ipnet_pool){ b + 15, b + 25 };
	CHECK(ipnet_check_pools(&n, b + 1, p, 2, &bad, &other) ==
	    IPNET_POOL_OVERLAP && bad == 0 && other == 1, "overlapping pools "
	    "are named");
	p[1] = (struct ipnet_pool){ b + 30, b + 40 };
	CHECK(ipnet_check_pools(&n, b + 35, p, 2, &bad, &other) ==
	    IPNET_POOL_GATEWAY && bad == 1, "a gateway in a pool is refused");
	p[2] = (struct ipnet_pool){ b + 5, b + 300 };
	CHECK(ipnet_check_pools(&n, b + 35, p, 3, &bad, &other) ==
	    IPNET_POOL_OUTSIDE && bad == 2, "bounds come before the gateway");
}

int
main(void)
{
	test_parse();
	test_hosts();
	test_default_pools();
	test_check_pools();
	GR_TEST_END();
}
