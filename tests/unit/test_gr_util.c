/* Unit tests for common/gr_util.c, gr_conf.c, gr_crypto.c and gr_sign.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_conf.h"
#include "gr_crypto.h"
#include "gr_err.h"
#include "gr_sign.h"
#include "gr_util.h"
#include "gr_test.h"

int
main(void)
{
	struct gr_conf *c;
	char hash[GR_PW_HASH_MAX], sig[GR_SHA256_HEX], hex[65], uuid[37];
	long n;

	CHECK(gr_utf8_valid("caf\xc3\xa9", 5), "valid two-byte UTF-8");
	CHECK(!gr_utf8_valid("\xc3", 1), "truncated sequence");
	CHECK(!gr_utf8_valid("\xc0\xaf", 2), "overlong encoding");
	CHECK(!gr_utf8_valid("\xed\xa0\x80", 3), "UTF-16 surrogate");
	CHECK(!gr_utf8_valid("\xff", 1), "invalid byte");
	CHECK(gr_check_name("name", "vm-1 \xea\xb5\xac\xeb\xa6\x84", 255) == 0,
	    "a Hangul name is fine");
	CHECK(gr_check_name("name", "a\tb", 255) < 0 &&
	    gr_err_code() == GR_ERR_BAD_REQUEST, "a tab is refused");
	CHECK(strstr(gr_err_msg(), "control character") != NULL,
	    "the message says why");
	CHECK(gr_check_name("name", "", 255) < 0, "empty is refused");
	CHECK(gr_check_name("name", "   ", 255) < 0, "only spaces is refused");
	CHECK(gr_check_name("name", "abcd", 3) < 0, "too long is refused");
	CHECK(gr_check_name("name", "x'; DROP TABLE users; --", 255) == 0,
	    "SQL metacharacters are just characters");

	c = gr_conf_parse("# comment\n\n a = 1 \nname=x y\na = 2\n", "t.conf");
	CHECK(c != NULL, "config parses");
	CHECK_STR(gr_conf_get(c, "a", NULL), "2", "the last value wins");
	CHECK_STR(gr_conf_get(c, "name", NULL), "x y", "values keep inner spaces");
	CHECK(gr_conf_int(c, "a", 0, 0, 10, &n) == 0 && n == 2, "integers");
	CHECK(gr_conf_int(c, "name", 0, 0, 10, &n) < 0 &&
	    strstr(gr_err_msg(), "'name'"), "a non-integer names the key");
	CHECK(gr_conf_int(c, "missing", 7, 0, 10, &n) == 0 && n == 7, "default");
	CHECK(gr_conf_need(c, "missing") == NULL, "a missing required key");
	CHECK(gr_conf_warn_unused(c) == 0, "every key was read: no warning");
	gr_conf_free(c);
	c = gr_conf_parse("a = 1\nreconcile_intervall = 5\nb = 2\n", "t.conf");
	gr_conf_get(c, "a", NULL);
	gr_conf_get(c, "b", NULL);
	CHECK(gr_conf_warn_unused(c) == 1, "a misspelt key is the one warned of");
	gr_conf_free(c);
	CHECK(gr_conf_parse("novalue\n", "t.conf") == NULL &&
	    strstr(gr_err_msg(), "t.conf:1"), "a bad line names file and line");

	setenv("GUREUM_PBKDF2_ITER", "1000", 1);
	CHECK(gr_pw_hash("s3cret", hash) == 0, "hash a password");
	CHECK(strncmp(hash, "pbkdf2-sha256$1000$", 19) == 0, "hash format");
	CHECK(gr_pw_verify("s3cret", hash), "the right password verifies");
	CHECK(!gr_pw_verify("s3creT", hash), "a wrong password does not");
	char hash2[GR_PW_HASH_MAX];
	gr_pw_hash("s3cret", hash2);
	CHECK(strcmp(hash, hash2) != 0, "hashes are salted");
	CHECK(!gr_pw_verify("x", "pbkdf2-sha256$1$zz$zz"), "a garbled hash");
	CHECK(gr_random_hex(hex, 32) == 0 && strlen(hex) == 64, "random hex");
	CHECK(gr_uuid(uuid) == 0 && strlen(uuid) == 36 && uuid[14] == '4',
	    "uuid v4");

	struct gr_signer k, k2, kn;
	CHECK(gr_sign_node("k", "node1", &k) == 0 &&
	    gr_sign_node("k2", "node1", &k2) == 0 &&
	    gr_sign_node("k", "node2", &kn) == 0, "derive node keys");
	gr_sign_node("secret", "node1", &kn);
	/* The same as `openssl kdf -keylen 32 -kdfopt digest:SHA256 -kdfopt
	 * key:secret -kdfopt salt:gureum-node-key -kdfopt info:node1 HKDF`. */
	CHECK(strcmp(kn.key, "23deb8ddb9a8ec1969ec4b3d889fd165ed65cbb48c2c0eacb8"
	    "a51493f6402d5c") == 0, "the node key is HKDF-SHA256");
	gr_sign_node("k", "node2", &kn);
	CHECK(strcmp(k.key, k2.key) != 0 && strcmp(k.key, kn.key) != 0,
	    "keys differ by secret and by node");
	CHECK(gr_sign_node("k", "no de", &kn) < 0 &&
	    gr_err_code() == GR_ERR_BAD_REQUEST, "a bad node name is refused");
	gr_sign(&k, "POST", "/x", 1000, "{}", 2, sig);
	CHECK(gr_sign_verify(&k, "POST", "/x", "1000", sig, "{}", 2, 1000) == 0,
	    "a signature verifies");
	CHECK(gr_sign_verify(&k, "POST", "/x", "1000", sig, "{ }", 3, 1000) < 0,
	    "a changed body fails");
	CHECK(gr_sign_verify(&k2, "POST", "/x", "1000", sig, "{}", 2, 1000) < 0,
	    "a different secret fails");
	snprintf(k2.key, sizeof(k2.key), "%s", k.key);
	snprintf(k2.node, sizeof(k2.node), "node2");
	CHECK(gr_sign_verify(&k2, "POST", "/x", "1000", sig, "{}", 2, 1000) < 0,
	    "node1's signature does not pass as node2's");
	CHECK(gr_sign_verify(&k, "POST", "/x", "1000", sig, "{}", 2, 2000) < 0 &&
	    strstr(gr_err_msg(), "clock"), "an old signature fails");
	CHECK(gr_sign_verify(&k, "POST", "/x", NULL, NULL, "", 0, 0) < 0 &&
	    gr_err_code() == GR_ERR_UNAUTHORIZED, "an unsigned request fails");
	GR_TEST_END();
}
