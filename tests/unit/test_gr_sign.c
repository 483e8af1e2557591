/*
 * Unit tests for common/gr_sign.c: the signature of a request (a known
 * answer for its canonical form), verification, the clock skew allowed
 * either way, and refusal of a tampered method, path, timestamp or body.
 */
#include <string.h>

#include "gr_crypto.h"
#include "gr_err.h"
#include "gr_sign.h"
#include "gr_test.h"

#define KEY	"cluster-secret"
#define PATH	"/v1/instances"
#define BODY	"{\"id\":\"i-1\"}"
#define NOW	1700000000

/* Verifies the signature of POST PATH BODY at NOW, with one part changed. */
static int
verify(const char *method, const char *path, const char *ts,
    const char *sig, const char *body, long long now)
{
	gr_err_clear();
	return gr_sign_verify(KEY, method, path, ts, sig, body, strlen(body),
	    (time_t)now);
}

/* Refused with 401 and a message containing want. */
#define REFUSED(call, want, desc) \
	CHECK((call) < 0 && gr_err_code() == GR_ERR_UNAUTHORIZED && \
	    strstr(gr_err_msg(), (want)) != NULL, desc)

static void
test_known(void)
{
	char sig[GR_SHA256_HEX];

	/* HMAC-SHA256(KEY, "POST\n" PATH "\n1700000000\n" SHA256("{}")),
	 * computed independently of this code. */
	gr_sign(KEY, "POST", PATH, NOW, "{}", 2, sig);
	CHECK_STR(sig, "2e3bf44203ad610ec91fa7722d539294c388c137e5e87f2d602c0f"
	    "3be35c503e", "the signature of a known request");
	gr_sign(KEY, "GET", "/v1/host", NOW, NULL, 0, sig);
	CHECK_STR(sig, "9811c4158255a232c2e59666abc0ca9be2534e28c47f9001728d70"
	    "c98998d74d", "a request without a body signs the empty body");
	gr_sign(KEY, "GET", "/v1/host", NOW, "ignored", 0, sig);
	CHECK_STR(sig, "9811c4158255a232c2e59666abc0ca9be2534e28c47f9001728d70"
	    "c98998d74d", "only len bytes of the body are signed");
}

static void
test_verify(void)
{
	char sig[GR_SHA256_HEX], upper[GR_SHA256_HEX];

	gr_sign(KEY, "POST", PATH, NOW, BODY, strlen(BODY), sig);
	CHECK(verify("POST", PATH, "1700000000", sig, BODY, NOW) == 0 &&
	    gr_err_code() == GR_ERR_NONE, "a signature verifies");
	REFUSED(gr_sign_verify("other-secret", "POST", PATH, "1700000000", sig,
	    BODY, strlen(BODY), NOW), "same cluster secret",
	    "another secret does not");
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

	gr_sign(KEY, "POST", PATH, NOW, BODY, strlen(BODY), sig);
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

	gr_sign(KEY, "POST", PATH, NOW, BODY, strlen(BODY), sig);
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
	test_known();
	test_verify();
	test_skew();
	test_headers();
	GR_TEST_END();
}
