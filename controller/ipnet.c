/* ipnet.c - see ipnet.h. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ipnet.h"

static uint32_t
mask_of(int prefix)
{
	return prefix == 0 ? 0 : 0xffffffffu << (32 - prefix);
}

int
ipnet_addr(const char *s, uint32_t *out)
{
	struct in_addr in;

	/* inet_pton(AF_INET) takes only the four-part decimal form. */
	if (s == NULL || inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*out = ntohl(in.s_addr);
	return 0;
}

int
ipnet_cidr(const char *s, struct ipnet *out)
{
	char addr[IPNET_ADDR_LEN], *end;
	const char *slash = s ? strchr(s, '/') : NULL;
	size_t n;
	long prefix;
	uint32_t a;

	if (slash == NULL || (n = (size_t)(slash - s)) >= sizeof(addr))
		return -1;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (slash[1] < '0' || slash[1] > '9')
		return -1;
	prefix = strtol(slash + 1, &end, 10);
	if (*end != '\0' || prefix < 0 || prefix > 32 || end - slash > 3 ||
	    ipnet_addr(addr, &a) < 0)
		return -1;
	out->prefix = (int)prefix;
	out->addr = a & mask_of(out->prefix);
	return 0;
}

void
ipnet_addr_str(uint32_t a, char out[IPNET_ADDR_LEN])
{
	snprintf(out, IPNET_ADDR_LEN, "%u.%u.%u.%u", a >> 24, (a >> 16) & 255,
	    (a >> 8) & 255, a & 255);
}

void
ipnet_cidr_str(const struct ipnet *n, char out[IPNET_CIDR_LEN])
{
	char a[IPNET_ADDR_LEN];

	ipnet_addr_str(n->addr, a);
	snprintf(out, IPNET_CIDR_LEN, "%s/%d", a, n->prefix);
}

uint32_t
ipnet_last(const struct ipnet *n)
{
	return n->addr | ~mask_of(n->prefix);
}

int
ipnet_contains(const struct ipnet *n, uint32_t a)
{
	return (a & mask_of(n->prefix)) == n->addr;
}

int
ipnet_is_host(const struct ipnet *n, uint32_t a)
{
	if (!ipnet_contains(n, a))
		return 0;
	if (n->prefix >= 31)
		return 1;
	return a != n->addr && a != ipnet_last(n);
}

int
ipnet_default_pools(const struct ipnet *n, uint32_t gateway,
    struct ipnet_pool out[2])
{
	uint32_t first = n->prefix >= 31 ? n->addr : n->addr + 1;
	uint32_t last = n->prefix >= 31 ? ipnet_last(n) : ipnet_last(n) - 1;
	int k = 0;

	if (gateway == 0 || gateway < first || gateway > last) {
		out[0] = (struct ipnet_pool){ first, last };
		return 1;
	}
	if (gateway > first)
		out[k++] = (struct ipnet_pool){ first, gateway - 1 };
	if (gateway < last)
		out[k++] = (struct ipnet_pool){ gateway + 1, last };
	return k;
}

enum ipnet_pool_fault
ipnet_check_pools(const struct ipnet *n, uint32_t gateway,
    const struct ipnet_pool *pools, int npools, int *bad, int *other)
{
	*bad = *other = 0;
	for (int i = 0; i < npools; i++) {
		*bad = i;
		if (pools[i].start > pools[i].end)
			return IPNET_POOL_REVERSED;
		if (!ipnet_is_host(n, pools[i].start) ||
		    !ipnet_is_host(n, pools[i].end))
			return IPNET_POOL_OUTSIDE;
	}
	for (int i = 0; i < npools; i++)
		for (int j = i + 1; j < npools; j++)
			if (pools[i].start <= pools[j].end &&
			    pools[j].start <= pools[i].end) {
				*bad = i;
				*other = j;
				return IPNET_POOL_OVERLAP;
			}
	for (int i = 0; i < npools; i++)
		if (gateway && gateway >= pools[i].start &&
		    gateway <= pools[i].end) {
			*bad = i;
			return IPNET_POOL_GATEWAY;
		}
	return IPNET_POOL_OK;
}
