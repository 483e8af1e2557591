/*
 * fuzz_keypair.c - libFuzzer target for an imported SSH public key:
 * keypair_check_public() (controller/keypairs.c) on the "public_key" of
 * POST /os-keypairs, which gr_json_str() has bounded to 16384 bytes
 * without a NUL.
 *
 * Besides the sanitizers, it checks the parser's contract and traps when
 * it fails: a key is either refused with GR_ERR_BAD_REQUEST and a message
 * for a fault body, or accepted as one trimmed UTF-8 line "TYPE DATA" or
 * "TYPE DATA COMMENT" of a known type, with a fingerprint of 16 hex pairs;
 * and the accepted line, checked again, is accepted unchanged with the
 * same fingerprint.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compute_api.h"
#include "ctl.h"
#include "fuzz.h"
#include "gr_err.h"
#include "gr_util.h"
#include "keypairs.h"
#include "keypairs_priv.h"
#include "quotas.h"

#define KEY_MAX		16384

/* keypairs.c's calls into the rest of the controller (quotas.c, the
 * list's next link in compute_api.c), which keypair_check_public() never
 * makes. */
int
quota_limit(const char *project_id, const char *resource, long *out)
{
	__builtin_trap();
}

json_t *
compute_next_link(struct gr_req *req, const char *collection,
    const char *last)
{
	__builtin_trap();
}

static void
check_fingerprint(const char *fp)
{
	CHECK(strlen(fp) == KEYPAIR_FP_LEN - 1);
	for (int i = 0; i < KEYPAIR_FP_LEN - 1; i++)
		CHECK(i % 3 == 2 ? fp[i] == ':' :
		    strchr("0123456789abcdef", fp[i]) != NULL);
}

static void
check_line(const char *line)
{
	static const char *const types[] = { "ssh-rsa ", "ssh-ed25519 ",
	    "ecdsa-sha2-nistp256 ", "ecdsa-sha2-nistp384 ",
	    "ecdsa-sha2-nistp521 ", NULL };
	size_t n = strlen(line), t = 0, d;

	for (int i = 0; types[i] && t == 0; i++)
		if (strncmp(line, types[i], strlen(types[i])) == 0)
			t = strlen(types[i]);
	CHECK(t > 0);
	d = strspn(line + t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/=");
	CHECK(d > 0 && d % 4 == 0);
	CHECK(line[t + d] == '\0' || (line[t + d] == ' ' &&
	    line[t + d + 1] != ' ' && line[t + d + 1] != '\t' &&
	    line[t + d + 1] != '\0'));
	CHECK(gr_utf8_valid(line, n));
	CHECK(line[n - 1] != ' ' && line[n - 1] != '\t');
	for (size_t i = 0; i < n; i++)
		CHECK(((unsigned char)line[i] >= 0x20 || line[i] == '\t') &&
		    line[i] != 0x7f);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char fp[KEYPAIR_FP_LEN], fp2[KEYPAIR_FP_LEN];
	char *key, *line, *again;

	if (size > KEY_MAX)
		size = KEY_MAX;
	key = gr_xmalloc(size + 1);
	memcpy(key, data, size);
	key[size] = '\0';
	gr_err_clear();
	line = keypair_check_public(key, fp);
	if (line == NULL) {
		CHECK(gr_err_code() == GR_ERR_BAD_REQUEST && strncmp(
		    gr_err_msg(), "Keypair data is invalid: ", 25) == 0);
		fuzz_check_fault();
	} else {
		check_line(line);
		check_fingerprint(fp);
		again = keypair_check_public(line, fp2);
		CHECK(again != NULL && strcmp(again, line) == 0 &&
		    strcmp(fp, fp2) == 0);
		free(again);
	}
	free(line);
	free(key);
	return 0;
}
