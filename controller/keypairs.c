/*
 * keypairs.c - os-keypairs, microversions 2.1 to 2.60: SSH keys a user
 * keeps for their instances. A keypair belongs to the user who made it
 * (not to the project) and counts against the project's key_pairs quota
 * per user, as in Nova. From 2.2 a key pair has a type; from 2.10 admins
 * act on other users' key pairs (?user_id=, "user_id" in a create), as
 * Nova's policy "admin or user_id:%(user_id)s" allows; from 2.35 the list
 * pages by name (limit, marker).
 *
 * Generated keys are RSA 2048 made with OpenSSL 3; the public half is
 * encoded here in the OpenSSH format (string "ssh-rsa", mpint e, mpint n)
 * and the private half is returned once, as a traditional PEM "RSA
 * PRIVATE KEY" (what ssh, paramiko and Nova's own clients read), and never
 * stored. Imported keys are parsed as OpenSSH public keys before they are
 * accepted. Fingerprints are MD5 of the key blob as aa:bb:..., as Nova
 * shows them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/encoder.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "compute_api.h"
#include "ctl.h"
#include "gr_buf.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_util.h"
#include "keypairs.h"
#include "keypairs_priv.h"
#include "microversion.h"
#include "quotas.h"

#define KEY_MAX		16384	/* bytes in an imported public key line */
#define NAME_MAX_LEN	255
#define PAGE_MAX	1000	/* Nova's osapi_max_limit */

/* ---- the SSH wire format (RFC 4251 section 5) ---- */

/* string: a 4-byte big-endian length, then the bytes. */
static void
put_string(struct gr_buf *b, const void *p, size_t n)
{
	unsigned char len[4] = { (unsigned char)(n >> 24),
	    (unsigned char)(n >> 16), (unsigned char)(n >> 8), (unsigned char)n };

	gr_buf_add(b, len, 4);
	gr_buf_add(b, p, n);
}

/* mpint: a string of the big-endian magnitude, with a leading zero byte
 * when the top bit is set (the numbers here are positive). */
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

struct ssh_reader {
	const unsigned char	*p;	/* next unread byte */
	size_t			 left;	/* bytes after p */
};

/* Reads one string; 0, or -1 if the blob ends inside it. */
static int
get_string(struct ssh_reader *r, const unsigned char **s, size_t *n)
{
	size_t len;

	if (r->left < 4)
		return -1;
	len = (size_t)r->p[0] << 24 | (size_t)r->p[1] << 16 |
	    (size_t)r->p[2] << 8 | r->p[3];
	if (len > r->left - 4)
		return -1;
	*s = r->p + 4;
	*n = len;
	r->p += 4 + len;
	r->left -= 4 + len;
	return 0;
}

/* A positive mpint (RSA e and n): non-empty, no sign bit. */
static int
get_positive(struct ssh_reader *r)
{
	const unsigned char *s;
	size_t n;

	return get_string(r, &s, &n) < 0 || n == 0 || (s[0] & 0x80) ? -1 : 0;
}

static int
string_is(const unsigned char *s, size_t n, const char *want)
{
	return n == strlen(want) && memcmp(s, want, n) == 0;
}

/*
 * Checks that blob is a whole public key of the named type: ssh-rsa
 * (e, n), ssh-ed25519 (a 32-byte key) or ecdsa-sha2-CURVE (the curve's
 * name and an uncompressed point of its size).
 */
static int
check_blob(const char *type, const unsigned char *blob, size_t len)
{
	static const struct {
		const char	*type;
		const char	*curve;
		size_t		 point;	/* 1 + 2 * field bytes */
	} ec[] = {
		{ "ecdsa-sha2-nistp256", "nistp256", 65 },
		{ "ecdsa-sha2-nistp384", "nistp384", 97 },
		{ "ecdsa-sha2-nistp521", "nistp521", 133 },
	};
	struct ssh_reader r = { blob, len };
	const unsigned char *s;
	size_t n;

	if (get_string(&r, &s, &n) < 0 || !string_is(s, n, type))
		return -1;
	if (strcmp(type, "ssh-rsa") == 0) {
		if (get_positive(&r) < 0 || get_positive(&r) < 0)
			return -1;
	} else if (strcmp(type, "ssh-ed25519") == 0) {
		if (get_string(&r, &s, &n) < 0 || n != 32)
			return -1;
	} else {
		size_t i = 0;

		while (i < sizeof(ec) / sizeof(ec[0]) && strcmp(ec[i].type, type))
			i++;
		if (i == sizeof(ec) / sizeof(ec[0]) ||
		    get_string(&r, &s, &n) < 0 || !string_is(s, n, ec[i].curve) ||
		    get_string(&r, &s, &n) < 0 || n != ec[i].point || s[0] != 4)
			return -1;
	}
	return r.left == 0 ? 0 : -1;
}

static char *
b64(const unsigned char *p, size_t n)
{
	char *out = gr_xmalloc(4 * ((n + 2) / 3) + 1);

	EVP_EncodeBlock((unsigned char *)out, p, (int)n);
	return out;
}

static void
fingerprint(const unsigned char *blob, size_t n, char out[KEYPAIR_FP_LEN])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned len = 0;

	if (!EVP_Digest(blob, n, md, &len, EVP_md5(), NULL) || len != 16)
		memset(md, 0, 16);
	for (int i = 0; i < 16; i++)
		snprintf(out + 3 * i, KEYPAIR_FP_LEN - 3 * i, "%02x%s", md[i],
		    i < 15 ? ":" : "");
}

/* ---- generated keys ---- */

/* The private key as traditional PEM ("BEGIN RSA PRIVATE KEY"). */
static char *
private_pem(EVP_PKEY *k)
{
	OSSL_ENCODER_CTX *ctx;
	unsigned char *data = NULL;
	size_t len = 0;
	char *pem = NULL;

	ctx = OSSL_ENCODER_CTX_new_for_pkey(k, OSSL_KEYMGMT_SELECT_KEYPAIR, "PEM",
	    "type-specific", NULL);
	if (ctx && OSSL_ENCODER_to_data(ctx, &data, &len) && data) {
		pem = gr_xmalloc(len + 1);
		memcpy(pem, data, len);
		pem[len] = '\0';
	}
	OPENSSL_free(data);
	OSSL_ENCODER_CTX_free(ctx);
	if (pem == NULL)
		gr_error(GR_ERR_INTERNAL, "Writing the private key failed.");
	return pem;
}

/* Makes an RSA key: the OpenSSH public line, the PEM private key, the
 * fingerprint. Both strings are new; NULL on failure. */
static int
generate(char **pub, char **priv, char fp[KEYPAIR_FP_LEN])
{
	EVP_PKEY *k = EVP_RSA_gen(2048);
	BIGNUM *n = NULL, *e = NULL;
	struct gr_buf blob = GR_BUF_INIT(0);
	char *enc;
	int ret = -1;

	*pub = *priv = NULL;
	if (k == NULL || !EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_N, &n) ||
	    !EVP_PKEY_get_bn_param(k, OSSL_PKEY_PARAM_RSA_E, &e)) {
		gr_error(GR_ERR_INTERNAL, "Generating an RSA key failed.");
		goto out;
	}
	if ((*priv = private_pem(k)) == NULL)
		goto out;
	put_string(&blob, "ssh-rsa", 7);
	put_mpint(&blob, e);
	put_mpint(&blob, n);
	enc = b64((unsigned char *)blob.data, blob.len);
	*pub = gr_xasprintf("ssh-rsa %s Generated-by-Gureum", enc);
	free(enc);
	fingerprint((unsigned char *)blob.data, blob.len, fp);
	ret = 0;
out:
	BN_free(n);
	BN_free(e);
	EVP_PKEY_free(k);
	gr_buf_free(&blob);
	return ret;
}

/* ---- imported keys ---- */

static int
bad_key(const char *why)
{
	gr_error(GR_ERR_BAD_REQUEST, "Keypair data is invalid: %s The public "
	    "key must be one OpenSSH line 'ssh-rsa|ssh-ed25519|"
	    "ecdsa-sha2-nistp256 BASE64 [comment]'.", why);
	return -1;
}

/* See keypairs_priv.h. */
char *
keypair_check_public(const char *key, char fp[KEYPAIR_FP_LEN])
{
	static const char *const types[] = { "ssh-rsa", "ssh-ed25519",
	    "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
	    NULL };
	GR_AUTOFREE char *line = NULL;
	GR_AUTOFREE unsigned char *raw = NULL;
	char *type, *data, *end;
	size_t len, dl;
	int n, known = 0;

	/* Trim surrounding whitespace (a file read whole ends in "\n"). */
	key += strspn(key, " \t\r\n");
	len = strlen(key);
	while (len > 0 && strchr(" \t\r\n", key[len - 1]))
		len--;
	line = gr_xmalloc(len + 1);
	memcpy(line, key, len);
	line[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)line[i] < 0x20 && line[i] != '\t') ||
		    line[i] == 0x7f) {
			bad_key("it holds more than one line or a control "
			    "character.");
			return NULL;
		}
	if (!gr_utf8_valid(line, len)) {
		bad_key("its comment is not UTF-8.");
		return NULL;
	}
	type = line;
	data = type + strcspn(type, " \t");
	if (*data == '\0') {
		bad_key("it has no base64 key data after the key type.");
		return NULL;
	}
	*data++ = '\0';
	data += strspn(data, " \t");
	for (int i = 0; types[i]; i++)
		if (strcmp(type, types[i]) == 0)
			known = 1;
	if (!known) {
		bad_key("the key type is not one Gureum accepts.");
		return NULL;
	}
	dl = strcspn(data, " \t");
	end = data + dl;
	if (dl == 0 || dl % 4 != 0) {
		bad_key("the key data is not base64.");
		return NULL;
	}
	raw = gr_xmalloc(dl);
	n = EVP_DecodeBlock(raw, (const unsigned char *)data, (int)dl);
	/* EVP_DecodeBlock counts '=' padding as zero bytes. */
	for (size_t i = dl; n > 0 && i > dl - 2 && data[i - 1] == '='; i--)
		n--;
	if (n <= 0) {
		bad_key("the key data is not base64.");
		return NULL;
	}
	if (check_blob(type, raw, (size_t)n) < 0) {
		bad_key("the decoded key is not a whole key of the type it "
		    "names.");
		return NULL;
	}
	fingerprint(raw, (size_t)n, fp);
	/* Normalise the separators: "TYPE DATA[ comment]". */
	end += strspn(end, " \t");
	return *end ? gr_xasprintf("%s %.*s %s", type, (int)dl, data, end) :
	    gr_xasprintf("%s %.*s", type, (int)dl, data);
}

/* ---- names, lookups ---- */

/* 1 to 255 of [A-Za-z0-9 _.@-], not starting or ending with a space. */
static int
check_keyname(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n > NAME_MAX_LEN || strspn(name,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	    " _.@-") != n || name[0] == ' ' || name[n - 1] == ' ') {
		gr_error(GR_ERR_BAD_REQUEST, "Keypair name '%.64s' is not allowed: "
		    "use 1 to %d letters, digits, inner spaces, '_', '.', '@' or "
		    "'-'.", name, NAME_MAX_LEN);
		return -1;
	}
	return 0;
}

static void
not_found(const char *name, const char *user_id)
{
	gr_error(GR_ERR_NOT_FOUND, "Keypair %.255s not found for user %s.",
	    name, user_id);
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
		not_found(name, user_id);
		return NULL;
	}
	return gr_xstrdup(PQgetvalue(r, 0, 0));
}

/* A key pair's document; its type (column 3 of r, "ssh") from 2.2. */
static json_t *
keypair_json(struct gr_req *req, PGresult *r, int i)
{
	json_t *k = json_pack("{s:s,s:s,s:s}", "name", PQgetvalue(r, i, 0),
	    "public_key", PQgetvalue(r, i, 1), "fingerprint",
	    PQgetvalue(r, i, 2));

	if (compute_microversion(req) >= 2)
		json_object_set_new(k, "type", json_string(PQgetvalue(r, i,
		    3)));
	return k;
}

/*
 * Whose key pairs a call is about: from 2.10 the user named by ?user_id=
 * (or, for a create, given), else the caller's own. Someone else's only
 * for admins: Nova's policy refuses members with a 403 naming the rule
 * (action: index, show, create or delete).
 */
static int
target_user(struct gr_req *req, const char *given, const char *action,
    const char **user_id)
{
	struct gr_auth *a = gr_auth_of(req);

	*user_id = a->user_id;
	if (compute_microversion(req) < 10)
		return 0;
	if (given == NULL)
		given = gr_req_query(req, "user_id");
	if (given == NULL || given[0] == '\0' ||
	    strcmp(given, a->user_id) == 0)
		return 0;
	if (!a->is_admin) {
		gr_error(GR_ERR_FORBIDDEN, "Policy doesn't allow "
		    "os_compute_api:os-keypairs:%s to be performed: only admins "
		    "may act on another user's key pairs.", action);
		return -1;
	}
	*user_id = given;
	return 0;
}

/* ---- handlers ---- */

/* From 2.35: limit (0 or none: the maximum) and marker, a name of the
 * user's (400 if it has none such). Sets *limit to NULL below 2.35. */
static int
page_of(struct gr_req *req, const char *user_id, char lim[24],
    const char **limit, const char **marker)
{
	GR_AUTO_PGRES PGresult *r = NULL;

	*limit = *marker = NULL;
	if (compute_microversion(req) < 35)
		return 0;
	if (gr_req_query_int(req, "limit", 0, lim, limit) < 0)
		return -1;
	if (*limit == NULL || atol(*limit) == 0 || atol(*limit) > PAGE_MAX)
		snprintf(lim, 24, "%d", PAGE_MAX);
	*limit = lim;
	if ((*marker = gr_req_query(req, "marker")) == NULL)
		return 0;
	const char *p[2] = { user_id, *marker };
	if ((r = gr_db_query("SELECT 1 FROM keypairs WHERE user_id = $1 AND "
	    "name = $2", 2, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Marker %.255s could not be found.",
		    *marker);
		return -1;
	}
	return 0;
}

int
keypair_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *user, *limit, *marker;
	char lim[24];
	json_t *list, *out;
	int n;

	if (target_user(req, NULL, "index", &user) < 0 ||
	    page_of(req, user, lim, &limit, &marker) < 0)
		return -1;
	const char *p[3] = { user, marker, limit };
	if ((r = gr_db_query("SELECT name, public_key, fingerprint, type FROM "
	    "keypairs WHERE user_id = $1 AND ($2::text IS NULL OR name > $2) "
	    "ORDER BY name LIMIT $3::bigint", 3, p)) == NULL)
		return -1;
	list = json_array();
	n = PQntuples(r);
	for (int i = 0; i < n; i++)
		json_array_append_new(list, json_pack("{s:o}", "keypair",
		    keypair_json(req, r, i)));
	out = json_pack("{s:o}", "keypairs", list);
	/* A full page links to the next, as Nova's collection links. */
	if (limit && n > 0 && n == atoi(limit))
		json_object_set_new(out, "keypairs_links", compute_next_link(req,
		    "os-keypairs", PQgetvalue(r, n - 1, 0)));
	gr_resp_json(resp, 200, out);
	return 0;
}

int
keypair_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *user;
	json_t *k;

	if (target_user(req, NULL, "show", &user) < 0)
		return -1;
	const char *p[2] = { user, req->params[0] };
	if ((r = gr_db_query("SELECT name, public_key, fingerprint, type, "
	    "user_id, " GR_DB_ISO_US("created_at") " FROM keypairs WHERE "
	    "user_id = $1 AND name = $2", 2, p)) == NULL)
		return -1;
	if (PQntuples(r) == 0) {
		not_found(req->params[0], p[0]);
		return -1;
	}
	/* Nova's show adds its database row's bookkeeping; a keypair here
	 * is keyed by (user, name) and has no number of its own. */
	k = keypair_json(req, r, 0);
	json_object_update_new(k, json_pack("{s:s,s:s,s:n,s:b,s:n,s:i}",
	    "user_id", PQgetvalue(r, 0, 4), "created_at", PQgetvalue(r, 0, 5),
	    "updated_at", "deleted", 0, "deleted_at", "id", 0));
	gr_resp_json(resp, 200, json_pack("{s:o}", "keypair", k));
	return 0;
}

/* Inserts the keypair unless the user is at the key_pairs limit; the
 * advisory lock on the user makes count-then-insert one step. */
static int
insert_keypair(const char *project_id, const char *user_id,
    const char *name, const char *pub, const char *fp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *u[1] = { user_id };
	const char *p[4] = { user_id, name, pub, fp };	/* type: ssh */
	long lim;

	if (quota_limit(project_id, "key_pairs", &lim) < 0 || gr_db_begin() < 0)
		return -1;
	if (gr_db_exec("SELECT pg_advisory_xact_lock(hashtext('keypairs:' || "
	    "$1))", 1, u) < 0 ||
	    (r = gr_db_query("SELECT count(*) FROM keypairs WHERE user_id = $1",
	    1, u)) == NULL)
		goto fail;
	if (lim >= 0 && atol(PQgetvalue(r, 0, 0)) >= lim) {
		gr_error(GR_ERR_FORBIDDEN, "Quota exceeded, too many key pairs: "
		    "the limit is %ld.", lim);
		goto fail;
	}
	if (gr_db_exec("INSERT INTO keypairs (user_id, name, public_key, "
	    "fingerprint) VALUES ($1, $2, $3, $4)", 4, p) < 0) {
		if (gr_err_code() == GR_ERR_CONFLICT)
			gr_error(GR_ERR_CONFLICT, "Key pair '%s' already exists.",
			    name);
		goto fail;
	}
	return gr_db_commit();
fail:
	gr_db_rollback();
	return -1;
}

int
keypair_create(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const top[] = { "keypair", NULL };
	/* "type" from 2.2, "user_id" from 2.10. */
	static const char *const known21[] = { "name", "public_key", NULL };
	static const char *const known22[] = { "name", "public_key", "type",
	    NULL };
	static const char *const known210[] = { "name", "public_key", "type",
	    "user_id", NULL };
	struct gr_auth *a = gr_auth_of(req);
	GR_AUTOFREE char *pub = NULL, *priv = NULL;
	int mv = compute_microversion(req);
	json_t *body, *k, *out;
	const char *name, *given = NULL, *type = "ssh", *for_user = NULL, *user;
	char fp[KEYPAIR_FP_LEN];

	if ((body = gr_req_json(req)) == NULL ||
	    gr_json_only(body, "request", top) < 0 ||
	    gr_json_object(body, "keypair", 1, &k) < 0 ||
	    gr_json_only(k, "keypair", mv >= 10 ? known210 : mv >= 2 ? known22 :
	    known21) < 0 ||
	    gr_json_str(k, "name", 1, NAME_MAX_LEN, &name) < 0 ||
	    check_keyname(name) < 0 ||
	    gr_json_str(k, "public_key", 0, KEY_MAX, &given) < 0 ||
	    gr_json_str(k, "type", 0, 16, &type) < 0 ||
	    gr_json_str(k, "user_id", 0, 255, &for_user) < 0 ||
	    target_user(req, for_user ? for_user : "", "create", &user) < 0)
		return -1;
	if (type == NULL)
		type = "ssh";
	/* Nova's enum is ssh and x509; x509 certificates are not made or
	 * checked here, so only ssh keys are taken. */
	if (strcmp(type, "ssh") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, strcmp(type, "x509") == 0 ?
		    "Key pairs of type x509 are not supported by this cloud; "
		    "use type ssh." : "Invalid input for field/attribute type. "
		    "Value: %.16s. '%.16s' is not one of ['ssh', 'x509']", type,
		    type);
		return -1;
	}
	if (given ? (pub = keypair_check_public(given, fp)) == NULL :
	    generate(&pub, &priv, fp) < 0)
		return -1;
	if (insert_keypair(a->project_id, user, name, pub, fp) < 0)
		return -1;
	out = json_pack("{s:s,s:s,s:s,s:s}", "name", name, "public_key", pub,
	    "fingerprint", fp, "user_id", user);
	if (priv)
		json_object_set_new(out, "private_key", json_string(priv));
	/* From 2.2: the type, and 201 (it was 200). */
	if (mv >= 2)
		json_object_set_new(out, "type", json_string(type));
	gr_resp_json(resp, mv >= 2 ? 201 : 200, json_pack("{s:o}", "keypair",
	    out));
	return 0;
}

int
keypair_delete(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *user;

	if (target_user(req, NULL, "delete", &user) < 0)
		return -1;
	const char *p[2] = { user, req->params[0] };
	if ((r = gr_db_query("DELETE FROM keypairs WHERE user_id = $1 AND name = "
	    "$2", 2, p)) == NULL)
		return -1;
	if (gr_db_affected(r) == 0) {
		not_found(req->params[0], p[0]);
		return -1;
	}
	/* 202 at 2.1, 204 from 2.2 on. */
	gr_resp_empty(resp, compute_microversion(req) >= 2 ? 204 : 202);
	return 0;
}
