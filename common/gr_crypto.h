/*
 * gr_crypto.h - the cryptography Gureum needs, on OpenSSL: random tokens,
 * digests, password hashes (PBKDF2-HMAC-SHA256) and request signatures
 * (HMAC-SHA256). Output strings are lower-case hex, NUL-terminated, in
 * caller-provided buffers of the documented size.
 */
#ifndef GR_CRYPTO_H
#define GR_CRYPTO_H

#include <stddef.h>

#define GR_SHA256_HEX	65	/* 64 hex digits + NUL */
#define GR_PW_HASH_MAX	160	/* longest string gr_pw_hash() writes */

/* Fills out with 2*nbytes hex digits of cryptographic randomness.
 * Returns 0, or -1 if the random generator failed. */
int gr_random_hex(char *out, size_t nbytes);
/* A random UUID (version 4) in its 36-character form, into out[37]. */
int gr_uuid(char out[37]);
void gr_sha256_hex(const void *data, size_t len, char out[GR_SHA256_HEX]);
void gr_hmac_sha256_hex(const char *key, const void *data, size_t len,
    char out[GR_SHA256_HEX]);
/*
 * HKDF-SHA256 (RFC 5869) of key with salt and info, outlen bytes into out
 * as 2*outlen hex digits. Returns 0, or -1 with GR_ERR_INTERNAL.
 */
int gr_hkdf_sha256_hex(const char *key, const char *salt, const char *info,
    size_t outlen, char *out);
/* Hashes a password as "pbkdf2-sha256$ITER$SALTHEX$HASHHEX". */
int gr_pw_hash(const char *password, char out[GR_PW_HASH_MAX]);
/* 1 if password matches the stored hash, 0 if not (or the hash is bad). */
int gr_pw_verify(const char *password, const char *stored);
/* Compares two strings in time independent of where they differ. */
int gr_str_equal_ct(const char *a, const char *b);

#endif
