/*
 * Unit tests for common/gr_sign.c: node keys (a known HKDF answer, one
 * key per node and secret), the signature of a request (a known answer
 * for its canonical form), verification, the clock skew allowed either
 * way, and refusal of a tampered method, path, timestamp, node or body.
 */
#include <stdio.h>
#include <string.h>

#include "gr_crypto.h"
#include "gr_err.h"
#include "gr_sign.h"
#include "gr_test.h"

#define SECRET	"cluster-secret"
#define PATH	"/v1/instances"
#define BODY	"{\"id\":\"i-1\"}"
#define NOW	1700000000

/* node1's key under SECRET (set up by test_keys). */
static struct gr_signer key;

/* Verifies the signature of POST PATH BODY at NOW, with one part changed. */
static int
verify(const char *method, const char *path, const char *ts,
    const char *sig, const char *body, long long now)
{
	gr_err_clear();
	return gr_sign_verify(&key, method, path, ts, sig, body, strlen(body),
	    (time_t)now);
}

/* Refused with 401 and a message containing want. */
#define REFUSED(call, want, desc) \
	CHECK((call) < 0 && gr_err_code() == GR_ERR_UNAUTHORIZED && \
	    strstr(gr_err_msg(), (want)) != NULL, desc)

static void
test_keys(void)
{
	struct gr_signer k2, other;

	/* `openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt
	 * key:cluster-secret -kdfopt salt:gureum-node-key -kdfopt info:node1
	 * HKDF`, as the test harness derives it. */
	CHECK(gr_sign_node(SECRET, "node1", &key) == 0, "derive node1's key");
	CHECK_STR(key.key, "bf4fb7536fecb1d421847a0dae7736c08220425b63715679e6"
	    "65348dd8b8f7a3", "the node key is HKDF-SHA256 of secret and name");
	CHECK_STR(key.node, "node1", "the signer names its node");
	CHECK(gr_sign_node(SECRET, "node2", &k2) == 0 &&
	    strcmp(k2.key, key.key) != 0, "another node has another key");
	CHECK(gr_sign_node("other-secret", "node1", &other) == 0 &&
	    strcmp(other.key, key.key) != 0, "another secret, another key");
	CHECK(gr_sign_node(SECRET, "node 1", &other) < 0 &&
	    gr_err_code() == GR_ERR_BAD_REQUEST, "a name with a space is "
	    "refused");
	CHECK(gr_sign_node(SECRET, "", &other) < 0, "an empty name is refused");
	CHECK(gr_sign_node(SECRET, "n/../x", &other) < 0, "a name with a "
	    "slash is refused");
	char longname[GR_NODE_MAX + 2];
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	CHECK(gr_sign_node(SECRET, longname, &other) < 0, "a name past 64 "
	    "bytes is refused");
	longname[GR_NODE_MAX] = '\0';
	CHECK(gr_sign_node(SECRET, longname, &other) == 0, "64 bytes is fine");
}

static void
test_known(void)
{
	char sig[GR_SHA256_HEX];

	/* HMAC-SHA256(node1's key, "POST\n" PATH "\n1700000000\nnode1\n"
	 * SHA256("{}")), computed independently of this code. */
	gr_sign(&key, "POST", PATH, NOW, "{}", 2, sig);
	CHECK_STR(sig, "113ea63642c56491b44e96c5ffd3c31beee5cd9c3d5b5cc29ce2c7"
	    "f40e2ee25e", "the signature of a known request");
	gr_sign(&key, "GET", "/v1/host", NOW, NULL, 0, sig);
	CHECK_STR(sig, "77f57b713cec1f623be979c98577631b8b579f7f5e8e2ca74ac6f3"
	    "04d3c6357f", "a request without a body signs the empty body");
	gr_sign(&key, "GET", "/v1/host", NOW, "ignored", 0, sig);
	CHECK_STR(sig, "77f57b713cec1f623be979c98577631b8b579f7f5e8e2ca74ac6f3"
	    "04d3c6357f", "only len bytes of the body are signed");
}

static void
test_verify(void)
{
	char sig[GR_SHA256_HEX], upper[GR_SHA256_HEX];

	struct gr_signer other, renamed = key;

	gr_sign(&key, "POST", PATH, NOW, BODY, strlen(BODY), sig);
	CHECK(verify("POST", PATH, "1700000000", sig, BODY, NOW) == 0 &&
	    gr_err_code() == GR_ERR_NONE, "a signature verifies");
	gr_sign_node("other-secret", "node1", &other);
	REFUSED(gr_sign_verify(&other, "POST", PATH, "1700000000", sig,
	    BODY, strlen(BODY), NOW), "same cluster secret",
	    "another secret does not");
	snprintf(renamed.node, sizeof(renamed.node), "node2");
	REFUSED(gr_sign_verify(&renamed, "POST", PATH, "1700000000", sig,
	    BODY, strlen(BODY), NOW), "node node2's key",
	    "node1's signature does not pass for node2, even with its key");
	REFUSED(verify("PUT", PATH, "1700000000", sig, BODY, NOW),
	    "does not match", "a changed method fails");
	REFUSED(verify("post", PATH, "1700000000", sig, BODY, NOW),
	    "does not match", "the method is case-sensitive");
	REFUSED(verify("POST", "/v1/instances/i-1", "1700000000", sig, BODY,
	    NOW), "does not match", "a changed path fails");
	REFUSED(verify("POST", PATH "/", "1700000000", sig, BODY, NOW),
	    "does not match", "a trailing slash is a change");
	REFUSED(verify("POST", PATH, "1700000000", sig, "{\"id\":\"i-2\"}",
	    NOW), "does not match", "a changed body fails");
	REFUSED(verify("POST", PATH, "1700000000", sig, BODY " ", NOW),
	    "does not match", "an appended byte fails");
	REFUSED(verify("POST", PATH, "1700000000", sig, "", NOW),
	    "does not match", "an emptied body fails");
	REFUSED(verify("POST", PATH, "1700000001", sig, BODY, NOW),
	    "does not match", "a changed timestamp fails");
	sig[0] = sig[0] == '0' ? '1' : '0';
	REFUSED(verify("POST", PATH, "1700000000", sig, BODY, NOW),
	    "does not match", "a changed signature fails");
	sig[0] = sig[0] == '0' ? '1' : '0';
	for (int i = 0; i < GR_SHA256_HEX; i++)
		upper[i] = sig[i] >= 'a' && sig[i] <= 'f' ? sig[i] - 32 :
		    sig[i];
	REFUSED(verify("POST", PATH, "1700000000", upper, BODY, NOW),
	    "does not match", "upper-case hex is not the signature");
	REFUSED(verify("POST", PATH, "1700000000", "", BODY, NOW),
	    "does not match", "an empty signature fails");
}

static void
test_skew(void)
{
	char sig[GR_SHA256_HEX];

	gr_sign(&key, "POST", PATH, NOW, BODY, strlen(BODY), sig);
	CHECK(verify("POST", PATH, "1700000000", sig, BODY, NOW + GR_SIGN_SKEW)
	    == 0, "a signature GR_SIGN_SKEW s old verifies");
	CHECK(verify("POST", PATH, "1700000000", sig, BODY, NOW - GR_SIGN_SKEW)
	    == 0, "one GR_SIGN_SKEW s ahead of the clock verifies");
	REFUSED(verify("POST", PATH, "1700000000", sig, BODY,
	    NOW + GR_SIGN_SKEW + 1), "-301 s away from the server's clock; at "
	    "most 300 s", "one second older is refused, saying by how much");
	REFUSED(verify("POST", PATH, "1700000000", sig, BODY,
	    NOW - GR_SIGN_SKEW - 1), "301 s away",
	    "one second further ahead is refused");
	REFUSED(verify("POST", PATH, "1700000000", sig, BODY, 0),
	    "server's clock", "a replay years later is refused");
}

static void
test_headers(void)
{
	char sig[GR_SHA256_HEX];

	gr_sign(&key, "POST", PATH, NOW, BODY, strlen(BODY), sig);
	REFUSED(verify("POST", PATH, NULL, sig, BODY, NOW),
	    "X-Gureum-Timestamp and X-Gureum-Signature", "no timestamp");
	REFUSED(verify("POST", PATH, "1700000000", NULL, BODY, NOW),
	    "X-Gureum-Timestamp and X-Gureum-Signature", "no signature");
	REFUSED(verify("POST", PATH, "", sig, BODY, NOW), "not a number",
	    "an empty timestamp");
	REFUSED(verify("POST", PATH, "1700000000s", sig, BODY, NOW),
	    "not a number", "a timestamp with a suffix");
	REFUSED(verify("POST", PATH, "0x6553f100", sig, BODY, NOW),
	    "not a number", "a hexadecimal timestamp");
	REFUSED(verify("POST", PATH, "99999999999999999999", sig, BODY, NOW),
	    "server's clock", "an overflowing timestamp is out of the skew");
	REFUSED(verify("POST", PATH, "-9223372036854775808", sig, BODY, NOW),
	    "server's clock", "the most negative timestamp is out of the skew");
	REFUSED(verify("POST", PATH, "-99999999999999999999", sig, BODY, NOW),
	    "server's clock", "an underflowing one too");
}

int
main(void)
{
	test_keys();
	test_known();
	test_verify();
	test_skew();
	test_headers();
	GR_TEST_END();
}
