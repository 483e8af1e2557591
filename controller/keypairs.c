/*
 * keypairs.c - os-keypairs: SSH keys a user keeps for their instances.
 * Generated keys are RSA 2048 made with OpenSSL; the public half is
 * encoded in the OpenSSH format here (string "ssh-rsa", mpint e, mpint n)
 * and the private half is returned once, as PEM, and never stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "ctl.h"
#include "gr_buf.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"

#define KEY_MAX		16384

/* SSH wire format: a 4-byte big-endian length, then the bytes. */
static void
put_string(struct gr_buf *b, const void *p, size_t n)
{
	unsigned char len[4] = { (unsigned char)(n >> 24),
	    (unsigned char)(n >> 16), (unsigned char)(n >> 8), (unsigned char)n };

	gr_buf_add(b, len, 4);
	gr_buf_add(b, p, n);
}

/* An mpint: big-endian, with a leading zero byte if the top bit is set. */
static void
put_mpint(struct gr_buf *b, const BIGNUM *bn)
{
	int n = BN_num_bytes(bn);
	unsigned char *buf = gr_xmalloc((size_t)n + 1);

	buf[0] = 0;
	BN_bn2bin(bn, buf + 1);
	if (n > 0 && (buf[1] & 0x80))
		put_string(b, buf, (size_t)n + 1);
	else
		put_string(b, buf + 1, (size_t)n);
	free(buf);
}

static char *
b64(const unsigned char *p, size_t n)
{
	char *out = gr_xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

/* MD5 of the key blob as aa:bb:..., as Nova shows fingerprints. */
static void
fingerprint(const unsigned char *blob, size_t n, char out[48])
{
	unsigned char md[16];
	unsigned len;

	EVP_Digest(blob, n, md, &len, EVP_md5(), NULL);
	for (int i = 0; i < 16; i++)
		sprintf(out + 3 * i, "%02x%s", md[i], i < 15 ? ":" : "");
}

/* Makes an RSA key: the OpenSSH public line, PEM private key, fingerprint. */
static int
generate(const char *comment, char **pub, char **priv, char fp[48])
{
	EVP_PKEY *k = EVP_RSA_gen(2048);
	BIGNUM *n = NULL, *e = NULL;
	struct gr_buf blob = GR_BUF_INIT(0);
	BIO *bio = NULL;
	char *data, *enc;
	long len;
	int ret = -1;

	if (k == NULL || !EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n) ||
	    !EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e)) {
		gr_error(GR_ERR_INTERNAL, "Generating an RSA key failed.");
		goto out;
	}
	put_string(&blob, "ssh-rsa", 7);
	put_mpint(&blob, e);
	put_mpint(&blob, n);
	enc = b64((unsigned char *)blob.data, blob.len);
	*pub = gr_xasprintf("ssh-rsa %s %s", enc, comment);
	free(enc);
	fingerprint((unsigned char *)blob.data, blob.len, fp);
	bio = BIO_new(BIO_s_mem());
	if (bio == NULL || !PEM_write_bio_PrivateKey(bio, k, NULL, NULL, 0, NULL,
	    NULL)) {
		gr_error(GR_ERR_INTERNAL, "Writing the private key failed.");
		free(*pub);
		goto out;
	}
	len = BIO_get_mem_data(bio, &data);
	*priv = gr_xmalloc((size_t)len + 1);
	memcpy(*priv, data, (size_t)len);
	(*priv)[len] = '\0';
	ret = 0;
out:
	BIO_free(bio);
	BN_free(n);
	BN_free(e);
	EVP_PKEY_free(k);
	gr_buf_free(&blob);
	return ret;
}

/* Checks an imported "TYPE BASE64 [comment]" key; fills its fingerprint. */
static int
check_public(const char *key, char fp[48])
{
	static const char *const types[] = { "ssh-rsa", "ssh-ed25519",
	    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	    NULL };
	char type[32];
	const char *sp = strchr(key, ' '), *data, *end;
	unsigned char *raw = NULL;
	size_t tl, dl;
	int n, ok = 0;

	if (sp == NULL || (tl = (size_t)(sp - key)) >= sizeof(type))
		goto bad;
	memcpy(type, key, tl);
	type[tl] = '\0';
	for (int i = 0; types[i]; i++)
		if (strcmp(type, types[i]) == 0)
			ok = 1;
	if (!ok)
		goto bad;
	data = sp + 1;
	end = strchr(data, ' ');
	dl = end ? (size_t)(end - data) : strcspn(data, "\r\n");
	if (dl == 0 || dl % 4 != 0)
		goto bad;
	raw = gr_xmalloc(dl);
	n = EVP_DecodeBlock(raw, (const unsigned char *)data, (int)dl);
	while (n > 0 && dl > 0 && data[dl - 1] == '=') {
		n--;
		dl--;
	}
	/* The blob starts with its own type as an SSH string. */
	if (n < (int)(4 + tl) || raw[0] || raw[1] || raw[2] != 0 ||
	    raw[3] != tl || memcmp(raw + 4, type, tl) != 0)
		goto bad;
	fingerprint(raw, (size_t)n, fp);
	free(raw);
	return 0;
bad:
	free(raw);
	gr_error(GR_ERR_BAD_REQUEST, "Keypair data is invalid: the public key "
	    "must be 'ssh-rsa|ssh-ed25519|ecdsa-sha2-nistp256 BASE64 [comment]' "
	    "in OpenSSH format.");
	return -1;
}

static int
check_keyname(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > 255 || strspn(name, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _.@-") != n) {
		gr_error(GR_ERR_BAD_REQUEST, "Keypair name '%.64s' is not allowed: "
		    "use 1 to 255 letters, digits, spaces, '_', '.', '@' or '-'.",
		    name);
		return -1;
	}
	return 0;
}

char *
keypair_public_key(const char *user_id, const char *name)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { user_id, name };

	if ((r = gr_db_query("SELECT public_key FROM keypairs WHERE user_id = $1 "
	    "AND name = $2", 2, p)) == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Keypair %s not found for user %s.",
		    name, user_id);
		return NULL;
	}
	return gr_xstrdup(PQgetvalue(r, 0, 0));
}

static json_t *
keypair_json(PGresult *r, int i)
{
	return json_pack("{s:s,s:s,s:s}", "name", PQgetvalue(r, i, 0),
	    "public_key", PQgetvalue(r, i, 1), "fingerprint",
	    PQgetvalue(r, i, 2));
}

int
keypair_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { gr_auth_of(req)->user_id };
	json_t *list;

	if ((r = gr_db_query("SELECT name, public_key, fingerprint FROM keypairs "
	    "WHERE user_id = $1 ORDER BY name", 1, p)) == NULL)
		return -1;
	list = json_array();
	for (int i = 0; i < PQntuples(r); i++)
		json_array_append_new(list, json_pack("{s:o}", "keypair",
		    keypair_json(r, i)));
	gr_resp_json(resp, 200, json_pack("{s:o}", "keypairs", list));
	return 0;
}

int
keypair_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { gr_auth_of(req)->user_id, req->params[0] };
	json_t *k;

	if ((r = gr_db_query("SELECT name, public_key, fingerprint, user_id, "
	    "to_char(created_at AT TIME ZONE 'UTC', "
	    "'YYYY-MM-DD\"T\"HH24:MI:SS.US') FROM keypairs WHERE user_id = $1 "
	    "AND name = $2", 2, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Keypair %s not found for user %s.",
		    req->params[0], p[0]);
		return -1;
	}
	k = keypair_json(r, 0);
	json_object_update_new(k, json_pack("{s:s,s:s,s:b,s:n,s:i}", "user_id",
	    PQgetvalue(r, 0, 3), "created_at", PQgetvalue(r, 0, 4), "deleted", 0,
	    "deleted_at", "id", 0));
	gr_resp_json(resp, 200, json_pack("{s:o}", "keypair", k));
	return 0;
}

int
keypair_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const known[] = { "name", "public_key", "type",
	    "user_id", NULL };
	struct gr_auth *a = gr_auth_of(req);
	GR_AUTO_PGRES PGresult *r = NULL;
	GR_AUTOFREE char *pub = NULL, *priv = NULL;
	json_t *body, *k, *out;
	const char *name, *given = NULL;
	char fp[48];
	long lim;

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_object(body, "keypair", 1, &k) < 0 ||
	    gr_json_only(k, "keypair", known) < 0 ||
	    gr_json_str(k, "name", 1, 255, &name) < 0 ||
	    check_keyname(name) < 0 ||
	    gr_json_str(k, "public_key", 0, KEY_MAX, &given) < 0)
		return -1;
	const char *qp[1] = { a->user_id };
	if (quota_limit(a->project_id, "key_pairs", &lim) < 0 ||
	    (r = gr_db_query("SELECT count(*) FROM keypairs WHERE user_id = $1", 1,
	    qp)) == NULL)
		return -1;
	if (lim >= 0 && atol(PQgetvalue(r, 0, 0)) >= lim) {
		gr_error(GR_ERR_FORBIDDEN, "Quota exceeded: this user already has "
		    "%ld keypairs.", lim);
		return -1;
	}
	if (given) {
		if (check_public(given, fp) < 0)
			return -1;
		pub = gr_xstrdup(given);
		pub[strcspn(pub, "\r\n")] = '\0';
	} else {
		GR_AUTOFREE char *comment = gr_xasprintf("Generated-by-Gureum");

		if (generate(comment, &pub, &priv, fp) < 0)
			return -1;
	}
	const char *p[4] = { a->user_id, name, pub, fp };
	if (gr_db_exec("INSERT INTO keypairs (user_id, name, public_key, "
	    "fingerprint) VALUES ($1, $2, $3, $4)", 4, p) < 0) {
		if (gr_err_code() == GR_ERR_CONFLICT)
			gr_error(GR_ERR_CONFLICT, "Key pair '%s' already exists.",
			    name);
		return -1;
	}
	out = json_pack("{s:s,s:s,s:s,s:s}", "name", name, "public_key", pub,
	    "fingerprint", fp, "user_id", a->user_id);
	if (priv)
		json_object_set_new(out, "private_key", json_string(priv));
	gr_resp_json(resp, 200, json_pack("{s:o}", "keypair", out));
	return 0;
}

int
keypair_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[2] = { gr_auth_of(req)->user_id, req->params[0] };

	if ((r = gr_db_query("DELETE FROM keypairs WHERE user_id = $1 AND name = "
	    "$2", 2, p)) == NULL)
		return -1;
	if (gr_db_affected(r) == 0) {
		gr_error(GR_ERR_NOT_FOUND, "Keypair %s not found for user %s.",
		    req->params[0], p[0]);
		return -1;
	}
	gr_resp_empty(resp, 202);
	return 0;
}
