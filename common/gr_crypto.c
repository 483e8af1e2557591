/* gr_crypto.c - see gr_crypto.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include "gr_crypto.h"
#include "gr_err.h"

/* OWASP's 2023 figure for PBKDF2-HMAC-SHA256 is 600,000; a token issue then
 * costs ~0.3 s of CPU here. The lab uses fewer by default and says so. */
#define PW_ITER		100000
#define PW_SALT		16
#define PW_LEN		32

static void
to_hex(const unsigned char *in, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = hex[in[i] >> 4];
		out[2 * i + 1] = hex[in[i] & 15];
	}
	out[2 * n] = '\0';
}

static int
from_hex(const char *in, unsigned char *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned v;

		if (sscanf(in + 2 * i, "%2x", &v) != 1)
			return -1;
		out[i] = (unsigned char)v;
	}
	return in[2 * n] == '\0' || in[2 * n] == '$' ? 0 : -1;
}

int
gr_random_hex(char *out, size_t nbytes)
{
	unsigned char raw[128];

	if (nbytes > sizeof(raw) || RAND_bytes(raw, (int)nbytes) != 1) {
		gr_error(GR_ERR_INTERNAL, "The random generator failed.");
		return -1;
	}
	to_hex(raw, nbytes, out);
	return 0;
}

/*
 * Random bytes for UUIDs come from a pool per thread, filled by
 * RAND_bytes 32 UUIDs at a time: OpenSSL's own per-call cost (its provider
 * lookups and locks) was most of a request id's. The bytes are the same
 * CSPRNG's; a pool is never shared between threads, and the daemons do not
 * fork without exec.
 */
#define UUID_POOL	512

int
gr_uuid(char out[37])
{
	static __thread unsigned char pool[UUID_POOL];
	static __thread size_t left;
	unsigned char r[16];
	char hex[33];

	if (left < sizeof(r)) {
		if (RAND_bytes(pool, sizeof(pool)) != 1) {
			gr_error(GR_ERR_INTERNAL, "The random generator failed.");
			return -1;
		}
		left = sizeof(pool);
	}
	left -= sizeof(r);
	memcpy(r, pool + left, sizeof(r));
	OPENSSL_cleanse(pool + left, sizeof(r));
	r[6] = (r[6] & 0x0f) | 0x40;
	r[8] = (r[8] & 0x3f) | 0x80;
	to_hex(r, sizeof(r), hex);
	/* 8-4-4-4-12 */
	memcpy(out, hex, 8);
	out[8] = '-';
	memcpy(out + 9, hex + 8, 4);
	out[13] = '-';
	memcpy(out + 14, hex + 12, 4);
	out[18] = '-';
	memcpy(out + 19, hex + 16, 4);
	out[23] = '-';
	memcpy(out + 24, hex + 20, 12);
	out[36] = '\0';
	return 0;
}

/* SHA-256 fetched once: EVP_sha256() is fetched anew on every digest. */
static EVP_MD *sha256_md;
static pthread_once_t sha256_once = PTHREAD_ONCE_INIT;

static void
sha256_fetch(void)
{
	sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void
gr_sha256_hex(const void *data, size_t len, char out[GR_SHA256_HEX])
{
	unsigned char md[32];
	unsigned int mdlen = sizeof(md);

	pthread_once(&sha256_once, sha256_fetch);
	EVP_Digest(data, len, md, &mdlen, sha256_md ? sha256_md : EVP_sha256(),
	    NULL);
	to_hex(md, 32, out);
}

void
gr_hmac_sha256_hex(const char *key, const void *data, size_t len,
    char out[GR_SHA256_HEX])
{
	unsigned char md[32];
	unsigned int mdlen = sizeof(md);

	HMAC(EVP_sha256(), key, (int)strlen(key), data, len, md, &mdlen);
	to_hex(md, 32, out);
}

int
gr_hkdf_sha256_hex(const char *key, const char *salt, const char *info,
    size_t outlen, char *out)
{
	unsigned char md[64];
	EVP_KDF *kdf;
	EVP_KDF_CTX *kc = NULL;
	OSSL_PARAM p[5];
	int ok = 0;

	if (outlen > sizeof(md))
		goto fail;
	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)"SHA256", 0);
	p[1] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)key, strlen(key));
	p[2] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
	    (void *)salt, strlen(salt));
	p[3] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO,
	    (void *)info, strlen(info));
	p[4] = OSSL_PARAM_construct_end();
	if ((kdf = EVP_KDF_fetch(NULL, "HKDF", NULL)) != NULL) {
		kc = EVP_KDF_CTX_new(kdf);
		EVP_KDF_free(kdf);
	}
	ok = kc && EVP_KDF_derive(kc, md, outlen, p) == 1;
	EVP_KDF_CTX_free(kc);
	if (ok) {
		to_hex(md, outlen, out);
		return 0;
	}
fail:
	gr_error(GR_ERR_INTERNAL, "HKDF-SHA256 failed.");
	return -1;
}

static int
derive(const char *pw, const unsigned char *salt, int iter, unsigned char *out)
{
	return PKCS5_PBKDF2_HMAC(pw, (int)strlen(pw), salt, PW_SALT, iter,
	    EVP_sha256(), PW_LEN, out) == 1 ? 0 : -1;
}

int
gr_pw_hash(const char *password, char out[GR_PW_HASH_MAX])
{
	unsigned char salt[PW_SALT], dk[PW_LEN];
	char salthex[2 * PW_SALT + 1], dkhex[2 * PW_LEN + 1];
	const char *env = getenv("GUREUM_PBKDF2_ITER");
	int iter = env ? atoi(env) : PW_ITER;

	/* Tests may lower the cost; never below a sane floor. */
	if (iter < 1000)
		iter = 1000;
	if (RAND_bytes(salt, sizeof(salt)) != 1 || derive(password, salt, iter,
	    dk) < 0) {
		gr_error(GR_ERR_INTERNAL, "Password hashing failed.");
		return -1;
	}
	to_hex(salt, PW_SALT, salthex);
	to_hex(dk, PW_LEN, dkhex);
	snprintf(out, GR_PW_HASH_MAX, "pbkdf2-sha256$%d$%s$%s", iter, salthex,
	    dkhex);
	return 0;
}

int
gr_pw_verify(const char *password, const char *stored)
{
	unsigned char salt[PW_SALT], want[PW_LEN], got[PW_LEN];
	const char *p;
	int iter;

	if (strncmp(stored, "pbkdf2-sha256$", 14) != 0)
		return 0;
	iter = atoi(stored + 14);
	p = strchr(stored + 14, '$');
	if (iter < 1000 || iter > 10000000 || p == NULL ||
	    from_hex(p + 1, salt, PW_SALT) < 0)
		return 0;
	p = strchr(p + 1, '$');
	if (p == NULL || from_hex(p + 1, want, PW_LEN) < 0)
		return 0;
	if (derive(password, salt, iter, got) < 0)
		return 0;
	return CRYPTO_memcmp(want, got, PW_LEN) == 0;
}

int
gr_str_equal_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return CRYPTO_memcmp(a, b, la) == 0;
}
