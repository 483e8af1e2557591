/* gr_auth_db.c - gr_auth's tokens, validated against the identity tables,
 * and their cache; see gr_auth.h. The part of gr_auth that needs libpq. */
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gr_auth.h"
#include "gr_daemon.h"
#include "gr_crypto.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_util.h"

/* Copies column c of r's first row into the array dst, cut to fit. */
#define COPY_COL(dst, r, c) \
	snprintf((dst), sizeof(dst), "%s", PQgetvalue((r), 0, (c)))

/* Loads the context of a token hash. Distinguishes why a token fails so the
 * caller learns whether to re-authenticate. */
struct gr_auth *
gr_auth_load_fresh(const char *hash)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *p[1] = { hash };
	struct gr_auth *a;

	/* The roles are the user's on the token's scope, read now: a role
	 * granted or revoked since the token was issued counts at once. */
	r = gr_db_query(
	    "SELECT t.user_id, u.name, coalesce(t.project_id, ''), "
	    "coalesce(p.name, ''), extract(epoch FROM t.issued_at)::bigint, "
	    "extract(epoch FROM t.expires_at)::bigint, t.revoked, "
	    "t.expires_at <= now(), u.enabled AND coalesce(p.enabled, true) "
	    "AND ud.enabled AND coalesce(pd.enabled, true) AND "
	    "coalesce(sd.enabled, true), "
	    "coalesce((SELECT json_agg(json_build_object('id', ro.id, "
	    "'name', ro.name) ORDER BY ro.name) FROM roles ro WHERE ro.id IN "
	    "(SELECT role_id FROM user_project_roles WHERE user_id = t.user_id "
	    "AND project_id = t.project_id UNION SELECT role_id FROM "
	    "user_domain_roles WHERE user_id = t.user_id AND domain_id = "
	    "t.domain_id UNION SELECT role_id FROM user_system_roles "
	    "WHERE user_id = t.user_id AND t.system)), '[]'), "
	    "substr(t.hash, 1, 22), coalesce(t.domain_id, ''), t.system, "
	    "t.methods, coalesce(t.parent_audit_id, ''), coalesce(sd.name, ''), "
	    "ud.id, ud.name, coalesce(pd.id, ''), coalesce(pd.name, '') "
	    "FROM tokens t JOIN users u ON u.id = t.user_id "
	    "JOIN domains ud ON ud.id = u.domain_id "
	    "LEFT JOIN projects p ON p.id = t.project_id "
	    "LEFT JOIN domains pd ON pd.id = p.domain_id "
	    "LEFT JOIN domains sd ON sd.id = t.domain_id WHERE t.hash = $1",
	    1, p);
	if (r == NULL)
		return NULL;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_UNAUTHORIZED, "The token is not valid: no such "
		    "token was issued here.");
		return NULL;
	}
	if (PQgetvalue(r, 0, 6)[0] == 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The token has been revoked.");
		return NULL;
	}
	if (PQgetvalue(r, 0, 7)[0] == 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The token has expired: ask for a "
		    "new one.");
		return NULL;
	}
	if (PQgetvalue(r, 0, 8)[0] != 't') {
		gr_error(GR_ERR_UNAUTHORIZED, "The token's user or project, or "
		    "their domain, has been disabled.");
		return NULL;
	}
	/* As Keystone: a scoped token is only as good as the user's roles on
	 * its scope. */
	if (strcmp(PQgetvalue(r, 0, 9), "[]") == 0 && (PQgetvalue(r, 0, 2)[0] ||
	    PQgetvalue(r, 0, 11)[0] || PQgetvalue(r, 0, 12)[0] == 't')) {
		gr_error(GR_ERR_UNAUTHORIZED, "The token's user no longer holds a "
		    "role on the token's %s.", PQgetvalue(r, 0, 2)[0] ? "project" :
		    PQgetvalue(r, 0, 11)[0] ? "domain" : "system");
		return NULL;
	}
	a = gr_xcalloc(1, sizeof(*a));
	COPY_COL(a->user_id, r, 0);
	a->user_name = gr_xstrdup(PQgetvalue(r, 0, 1));
	COPY_COL(a->project_id, r, 2);
	a->project_name = gr_xstrdup(PQgetvalue(r, 0, 3));
	a->issued_at = atoll(PQgetvalue(r, 0, 4));
	a->expires_at = atoll(PQgetvalue(r, 0, 5));
	a->roles = json_loads(PQgetvalue(r, 0, 9), 0, NULL);
	COPY_COL(a->audit_id, r, 10);
	COPY_COL(a->domain_id, r, 11);
	a->system = PQgetvalue(r, 0, 12)[0] == 't';
	COPY_COL(a->methods, r, 13);
	COPY_COL(a->parent_audit_id, r, 14);
	COPY_COL(a->domain_name, r, 15);
	COPY_COL(a->user_domain_id, r, 16);
	COPY_COL(a->user_domain_name, r, 17);
	COPY_COL(a->project_domain_id, r, 18);
	COPY_COL(a->project_domain_name, r, 19);
	if (a->roles == NULL)
		a->roles = json_array();
	for (size_t i = 0; i < json_array_size(a->roles); i++) {
		json_t *n = json_object_get(json_array_get(a->roles, i), "name");

		if (strcmp(json_string_value(n), "admin") == 0)
			a->is_admin = 1;
	}
	return a;
}

/*
 * The cache of validated tokens: direct-mapped by the token's hash. An
 * entry answers for CACHE_TTL seconds at most, never past the token's
 * expiry, and only while the listener hears the database's change
 * notifications (sql/0004_auth_notify.sql); every notification empties it.
 * A generation counter keeps a load that raced with a flush from storing
 * its stale answer.
 */
#define CACHE_SLOTS	1024
#define CACHE_TTL	30

struct cached {
	char		 hash[GR_SHA256_HEX];
	struct gr_auth	*a;		/* NULL: empty slot */
	time_t		 at;
};

static struct cached cache[CACHE_SLOTS];
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long cache_gen;
static int cache_on;			/* the listener is connected */
static char *listen_conninfo;
static pthread_t listen_thread;
static volatile int listen_stop;

void
gr_auth_flush(void)
{
	pthread_mutex_lock(&cache_lock);
	cache_gen++;
	for (int i = 0; i < CACHE_SLOTS; i++) {
		gr_auth_free(cache[i].a);
		cache[i].a = NULL;
	}
	pthread_mutex_unlock(&cache_lock);
}

static unsigned
slot_of(const char *hash)
{
	return (unsigned)strtoul((char[9]){ hash[0], hash[1], hash[2],
	    hash[3], hash[4], hash[5], hash[6], hash[7], 0 }, NULL, 16) %
	    CACHE_SLOTS;
}

struct gr_auth *
gr_auth_load(const char *hash)
{
	struct gr_auth *a = NULL;
	unsigned long gen;
	unsigned i = slot_of(hash);
	time_t now = time(NULL);

	pthread_mutex_lock(&cache_lock);
	if (cache_on && cache[i].a && strcmp(cache[i].hash, hash) == 0 &&
	    now < cache[i].a->expires_at && now - cache[i].at < CACHE_TTL)
		a = gr_auth_dup(cache[i].a);
	gen = cache_gen;
	pthread_mutex_unlock(&cache_lock);
	if (a)
		return a;
	if ((a = gr_auth_load_fresh(hash)) == NULL)
		return NULL;
	pthread_mutex_lock(&cache_lock);
	if (cache_on && gen == cache_gen) {
		gr_auth_free(cache[i].a);
		cache[i].a = gr_auth_dup(a);
		cache[i].at = now;
		snprintf(cache[i].hash, sizeof(cache[i].hash), "%s", hash);
	}
	pthread_mutex_unlock(&cache_lock);
	return a;
}

static void
set_cache_on(int on)
{
	pthread_mutex_lock(&cache_lock);
	cache_on = on;
	pthread_mutex_unlock(&cache_lock);
	if (!on)
		gr_auth_flush();
}

/* Listens for gureum_auth notifications on a connection of its own. */
static void *
listener(void *arg)
{
	PGconn *c = NULL;

	(void)arg;
	while (!listen_stop) {
		struct pollfd pfd;
		PGnotify *n;
		int flush = 0;

		if (c == NULL || PQstatus(c) != CONNECTION_OK) {
			PGresult *r;

			set_cache_on(0);
			if (c)
				PQfinish(c);
			c = PQconnectdb(listen_conninfo);
			r = PQstatus(c) == CONNECTION_OK ?
			    PQexec(c, "LISTEN gureum_auth") : NULL;
			if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
				if (r)
					PQclear(r);
				PQfinish(c);
				c = NULL;
				sleep(1);
				continue;
			}
			PQclear(r);
			/* Anything cached before we listened may be stale. */
			gr_auth_flush();
			set_cache_on(1);
		}
		pfd.fd = PQsocket(c);
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) <= 0)
			continue;
		if (!PQconsumeInput(c)) {
			set_cache_on(0);
			continue;
		}
		while ((n = PQnotifies(c)) != NULL) {
			flush = 1;
			PQfreemem(n);
		}
		if (flush)
			gr_auth_flush();
	}
	set_cache_on(0);
	if (c)
		PQfinish(c);
	return NULL;
}

int
gr_auth_cache_start(const char *conninfo)
{
	listen_conninfo = gr_xstrdup(conninfo);
	listen_stop = 0;
	if (pthread_create(&listen_thread, NULL, listener, NULL) != 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot start the token cache listener.");
		free(listen_conninfo);
		listen_conninfo = NULL;
		return -1;
	}
	return 0;
}

void
gr_auth_cache_stop(void)
{
	if (listen_conninfo == NULL)
		return;
	listen_stop = 1;
	pthread_join(listen_thread, NULL);
	gr_auth_flush();
	free(listen_conninfo);
	listen_conninfo = NULL;
}

static void
cache_end(void *arg)
{
	(void)arg;
	gr_auth_cache_stop();
}

int
gr_auth_cache_daemon(struct gr_daemon *d, const char *conninfo)
{
	if (gr_auth_cache_start(conninfo) < 0)
		return -1;
	gr_daemon_defer(d, cache_end, NULL);
	return 0;
}
