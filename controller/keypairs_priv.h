/*
 * keypairs_priv.h - the OpenSSH public key parser of keypairs.c, which
 * touches no database, exported for its fuzz target (fuzz/fuzz_keypair.c)
 * only; the rest of the controller uses ctl.h.
 */
#ifndef KEYPAIRS_PRIV_H
#define KEYPAIRS_PRIV_H

#define KEYPAIR_FP_LEN	48	/* 16 bytes as "aa:" ... "ff" + NUL */

/*
 * Checks an imported "TYPE BASE64 [comment]" line: one line, UTF-8, a
 * type Gureum accepts and base64 data that decodes to a whole key of that
 * type. Returns it trimmed, with single spaces between its parts (a new
 * string), and its MD5 fingerprint in fp; NULL with a 400 saying what is
 * wrong.
 */
char *keypair_check_public(const char *key, char fp[KEYPAIR_FP_LEN]);

#endif
