/*
 * Unit tests for common/gr_crypto.c: SHA-256 (FIPS 180-2 examples) and
 * HMAC-SHA256 (RFC 4231 test cases 1-3, 6 and 7; the others have keys with
 * NUL bytes, which gr_hmac_sha256_hex's C-string key cannot hold) known
 * answers, PBKDF2 on a known vector, the password hash format, UUIDs and
 * random hex.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "gr_crypto.h"
#include "gr_err.h"
#include "gr_test.h"

/* n copies of byte c, NUL-terminated, in a static buffer. */
static const char *
rep(int c, size_t n)
{
	static char buf[2][200];
	static int which;
	char *b = buf[which ^= 1];

	memset(b, c, n);
	b[n] = '\0';
	return b;
}

static int
lower_hex(const char *s, size_t n)
{
	return strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

static void
test_sha256(void)
{
	char out[GR_SHA256_HEX];
	char *million = malloc(1000000);

	gr_sha256_hex("", 0, out);
	CHECK_STR(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca49599"
	    "1b7852b855", "SHA-256 of the empty string");
	gr_sha256_hex("abc", 3, out);
	CHECK_STR(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff"
	    "61f20015ad", "SHA-256 of 'abc' (FIPS 180-2 B.1)");
	gr_sha256_hex("abcdbcdecdefdefgefghfghighijhijk"
	    "ijkljklmklmnlmnomnopnopq", 56, out);
	CHECK_STR(out, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6eced"
	    "d419db06c1", "SHA-256 of the 448-bit message (FIPS 180-2 B.2)");
	memset(million, 'a', 1000000);
	gr_sha256_hex(million, 1000000, out);
	CHECK_STR(out, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39"
	    "ccc7112cd0", "SHA-256 of a million 'a' (FIPS 180-2 B.3)");
	free(million);
	gr_sha256_hex("a\0b", 3, out);
	CHECK(strcmp(out, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b98"
	    "07785afee48bb") != 0, "the length, not a NUL, ends the data");
}

static void
test_hmac(void)
{
	char out[GR_SHA256_HEX];

	gr_hmac_sha256_hex(rep(0x0b, 20), "Hi There", 8, out);
	CHECK_STR(out, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e937"
	    "6c2e32cff7", "HMAC-SHA256, RFC 4231 test case 1");
	gr_hmac_sha256_hex("Jefe", "what do ya want for nothing?", 28, out);
	CHECK_STR(out, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58"
	    "b964ec3843", "HMAC-SHA256, RFC 4231 test case 2");
	gr_hmac_sha256_hex(rep(0xaa, 20), rep(0xdd, 50), 50, out);
	CHECK_STR(out, "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d96355"
	    "14ced565fe", "HMAC-SHA256, RFC 4231 test case 3");
	gr_hmac_sha256_hex(rep(0xaa, 131), "Test Using Larger Than Block-Size "
	    "Key - Hash Key First", 54, out);
	CHECK_STR(out, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c514054604"
	    "0f0ee37f54", "HMAC-SHA256, RFC 4231 test case 6 (a long key)");
	gr_hmac_sha256_hex(rep(0xaa, 131), "This is a test using a larger than "
	    "block-size key and a larger than block-size data. The key needs "
	    "to be hashed before being used by the HMAC algorithm.", 152, out);
	CHECK_STR(out, "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51"
	    "535c3a35e2", "HMAC-SHA256, RFC 4231 test case 7 (long key, data)");
}

static void
test_password(void)
{
	/* PBKDF2-HMAC-SHA256("password", "saltSALTsaltSALT", 4096, 32),
	 * computed independently of this code. */
	static const char known[] = "pbkdf2-sha256$4096$"
	    "73616c7453414c5473616c7453414c54$"
	    "9150fa34ce258f3fa0f49507e456a9a71924f682d42f36482b2618848fd38e5a";
	char hash[GR_PW_HASH_MAX], hash2[GR_PW_HASH_MAX], bad[GR_PW_HASH_MAX];

	CHECK(gr_pw_verify("password", known) == 1,
	    "PBKDF2: the known vector verifies");
	CHECK(gr_pw_verify("Password", known) == 0,
	    "PBKDF2: another password does not");
	snprintf(bad, sizeof(bad), "%s", known);
	bad[strlen(bad) - 1] = 'b';
	CHECK(gr_pw_verify("password", bad) == 0, "one changed bit of the "
	    "hash fails");
	snprintf(bad, sizeof(bad), "pbkdf2-sha256$4097$%s", known + 19);
	CHECK(gr_pw_verify("password", bad) == 0, "another iteration count "
	    "fails");
	CHECK(gr_pw_verify("password", "pbkdf2-sha256$999$"
	    "73616c7453414c5473616c7453414c54$00") == 0,
	    "fewer than 1000 iterations are refused");
	CHECK(gr_pw_verify("password", "sha1$4096$00$00") == 0,
	    "another scheme is refused");
	CHECK(gr_pw_verify("x", "pbkdf2-sha256$1000$zz$zz") == 0,
	    "a garbled hash is refused");
	CHECK(gr_pw_verify("password", "pbkdf2-sha256$4096$"
	    "73616c7453414c5473616c7453414c54$9150fa34") == 0,
	    "a truncated hash is refused");

	setenv("GUREUM_PBKDF2_ITER", "1000", 1);
	CHECK(gr_pw_hash("s3cret", hash) == 0, "hash a password");
	CHECK(strncmp(hash, "pbkdf2-sha256$1000$", 19) == 0 &&
	    strlen(hash) == 116 && hash[51] == '$' &&
	    lower_hex(hash + 52, 64) &&
	    (hash[51] = '\0', lower_hex(hash + 19, 32)),
	    "the hash is scheme$iter$salt$hash, 16 and 32 bytes in hex");
	hash[51] = '$';
	CHECK(gr_pw_verify("s3cret", hash), "the right password verifies");
	CHECK(!gr_pw_verify("s3creT", hash), "a wrong password does not");
	gr_pw_hash("s3cret", hash2);
	CHECK(strcmp(hash, hash2) != 0, "hashes are salted");
	setenv("GUREUM_PBKDF2_ITER", "10", 1);
	CHECK(gr_pw_hash("s3cret", hash) == 0 &&
	    strncmp(hash, "pbkdf2-sha256$1000$", 19) == 0,
	    "the cost never goes below 1000 iterations");
	unsetenv("GUREUM_PBKDF2_ITER");
}

static void
test_random(void)
{
	char hex[257], hex2[257], uuid[37], uuid2[37];
	int form = 1;

	CHECK(gr_random_hex(hex, 32) == 0 && lower_hex(hex, 64),
	    "32 random bytes are 64 lower-case hex digits");
	gr_random_hex(hex2, 32);
	CHECK(strcmp(hex, hex2) != 0, "two draws differ");
	CHECK(gr_random_hex(hex, 0) == 0 && hex[0] == '\0', "zero bytes");
	CHECK(gr_random_hex(hex, 128) == 0 && lower_hex(hex, 256),
	    "the largest draw");
	CHECK(gr_random_hex(hex, 129) < 0 && gr_err_code() == GR_ERR_INTERNAL,
	    "more than 128 bytes fails");

	CHECK(gr_uuid(uuid) == 0 && strlen(uuid) == 36, "a UUID has 36 "
	    "characters");
	for (int i = 0; i < 36; i++)
		if (i == 8 || i == 13 || i == 18 || i == 23 ? uuid[i] != '-' :
		    !strchr("0123456789abcdef", uuid[i]))
			form = 0;
	CHECK(form, "8-4-4-4-12 lower-case hex digits");
	CHECK(uuid[14] == '4', "version 4");
	CHECK(strchr("89ab", uuid[19]) != NULL, "the RFC 4122 variant");
	gr_uuid(uuid2);
	CHECK(strcmp(uuid, uuid2) != 0, "two UUIDs differ");

	/* 100 UUIDs cross the random pool's refills (32 to a fill). */
	static char many[100][37];
	int distinct = 1, shaped = 1;
	for (int i = 0; i < 100; i++) {
		gr_uuid(many[i]);
		shaped &= strlen(many[i]) == 36 && many[i][14] == '4' &&
		    strchr("89ab", many[i][19]) != NULL && many[i][23] == '-';
		for (int j = 0; j < i; j++)
			distinct &= strcmp(many[i], many[j]) != 0;
	}
	CHECK(shaped && distinct, "100 UUIDs across pool refills: all of "
	    "version 4 and all different");
}

static void
test_equal(void)
{
	CHECK(gr_str_equal_ct("abc", "abc"), "equal strings");
	CHECK(!gr_str_equal_ct("abc", "abd"), "the last byte differs");
	CHECK(!gr_str_equal_ct("abc", "abcd"), "a prefix is not equal");
	CHECK(gr_str_equal_ct("", ""), "two empty strings");
}

int
main(void)
{
	test_sha256();
	test_hmac();
	test_password();
	test_random();
	test_equal();
	GR_TEST_END();
}
