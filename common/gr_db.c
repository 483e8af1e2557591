/* gr_db.c - see gr_db.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_db.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"

static char *db_conninfo;
static __thread PGconn *db_conn;
static __thread int db_in_tx;

/*
 * Statements this thread's connection has prepared, by the SQL's text: a
 * query is parsed and planned once per connection instead of per request
 * (it halves the cost of a token validation). Reset on reconnect.
 */
#define PREP_SLOTS	512
struct prep {
	char		*sql;
	unsigned	 hash;
};
static __thread struct prep *db_prep;	/* PREP_SLOTS, open addressing */
static __thread int db_nprep;
static pthread_key_t db_key;
static pthread_once_t db_key_once = PTHREAD_ONCE_INIT;

static void
prep_reset(void)
{
	if (db_prep) {
		for (int i = 0; i < PREP_SLOTS; i++)
			free(db_prep[i].sql);
		free(db_prep);
	}
	db_prep = NULL;
	db_nprep = 0;
}

/* Closes a worker thread's connection when the thread exits. */
static void
conn_destroy(void *c)
{
	PQfinish(c);
	prep_reset();
}

static void
key_init(void)
{
	pthread_key_create(&db_key, conn_destroy);
}

json_t *
gr_db_json_text(PGresult *r, int row, int col)
{
	return PQgetisnull(r, row, col) ? json_null() :
	    json_string(PQgetvalue(r, row, col));
}

void
gr_pgresp(PGresult **r)
{
	if (*r)
		PQclear(*r);
}

static void
first_line(char *s)
{
	s[strcspn(s, "\n")] = '\0';
}

static PGconn *
conn_get(void)
{
	if (db_conn != NULL && PQstatus(db_conn) == CONNECTION_OK)
		return db_conn;
	if (db_conn != NULL) {
		pthread_setspecific(db_key, NULL);
		PQfinish(db_conn);
		db_conn = NULL;
	}
	prep_reset();
	if (db_conninfo == NULL) {
		gr_error(GR_ERR_INTERNAL, "The database is not configured.");
		return NULL;
	}
	db_conn = PQconnectdb(db_conninfo);
	if (PQstatus(db_conn) != CONNECTION_OK) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(db_conn));
		first_line(msg);
		gr_error(GR_ERR_UNAVAILABLE,
		    "Cannot connect to the database: %s", msg);
		PQfinish(db_conn);
		db_conn = NULL;
		return NULL;
	}
	db_in_tx = 0;
	pthread_once(&db_key_once, key_init);
	pthread_setspecific(db_key, db_conn);
	return db_conn;
}

int
gr_db_init(const char *conninfo)
{
	free(db_conninfo);
	db_conninfo = gr_xstrdup(conninfo);
	return conn_get() ? 0 : -1;
}

void
gr_db_close(void)
{
	if (db_conn) {
		pthread_setspecific(db_key, NULL);
		PQfinish(db_conn);
	}
	db_conn = NULL;
	prep_reset();
}

static void
record_failure(PGconn *c, PGresult *r)
{
	const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
	char msg[512];

	snprintf(msg, sizeof(msg), "%s",
	    r ? PQresultErrorMessage(r) : PQerrorMessage(c));
	first_line(msg);
	if (state && strcmp(state, "23505") == 0)
		gr_error(GR_ERR_CONFLICT, "That name or id is already taken.");
	else if (state && strcmp(state, "23503") == 0)
		gr_error(GR_ERR_CONFLICT, "It is still referenced: %s", msg);
	else if (PQstatus(c) != CONNECTION_OK)
		gr_error(GR_ERR_UNAVAILABLE, "The database connection was lost: %s",
		    msg);
	else
		gr_error(GR_ERR_INTERNAL, "Database error: %s", msg);
	if (gr_err_code() == GR_ERR_INTERNAL)
		gr_err_log("database error: %s", msg);
}

/*
 * The name of sql's prepared statement on this connection, preparing it
 * the first time; NULL to run it unprepared (the table is full). When the
 * server refuses to prepare it, *err gets its result: the statement is
 * wrong, and inside a transaction that failure has aborted it already.
 */
static const char *
prepared(PGconn *c, const char *sql, int n, char name[16], PGresult **err)
{
	unsigned h = 5381;
	PGresult *r;
	int i;

	for (const char *p = sql; *p; p++)
		h = h * 33 + (unsigned char)*p;
	if (db_prep == NULL)
		db_prep = gr_xcalloc(PREP_SLOTS, sizeof(*db_prep));
	for (i = (int)(h % PREP_SLOTS); db_prep[i].sql; i = (i + 1) % PREP_SLOTS)
		if (db_prep[i].hash == h && strcmp(db_prep[i].sql, sql) == 0) {
			snprintf(name, 16, "g%d", i);
			return name;
		}
	if (db_nprep >= PREP_SLOTS / 2)
		return NULL;
	snprintf(name, 16, "g%d", i);
	r = PQprepare(c, name, sql, n, NULL);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
		*err = r;
		return NULL;
	}
	PQclear(r);
	db_prep[i].sql = gr_xstrdup(sql);
	db_prep[i].hash = h;
	db_nprep++;
	return name;
}

PGresult *
gr_db_query(const char *sql, int n, const char *const *params)
{
	PGconn *c = conn_get();
	const char *stmt;
	char name[16];
	PGresult *r = NULL;

	if (c == NULL)
		return NULL;
	/* Parameterless statements (BEGIN, COMMIT...) gain nothing. */
	stmt = n > 0 && PQtransactionStatus(c) != PQTRANS_INERROR ?
	    prepared(c, sql, n, name, &r) : NULL;
	if (r != NULL || (stmt == NULL && PQstatus(c) != CONNECTION_OK)) {
		record_failure(c, r);
		if (r)
			PQclear(r);
		return NULL;
	}
	if (stmt)
		r = PQexecPrepared(c, stmt, n, params, NULL, NULL, 0);
	else
		r = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
	if (r != NULL && (PQresultStatus(r) == PGRES_TUPLES_OK ||
	    PQresultStatus(r) == PGRES_COMMAND_OK))
		return r;
	record_failure(c, r);
	if (r)
		PQclear(r);
	return NULL;
}

int
gr_db_exec(const char *sql, int n, const char *const *params)
{
	PGresult *r = gr_db_query(sql, n, params);

	if (r == NULL)
		return -1;
	PQclear(r);
	return 0;
}

int
gr_db_affected(PGresult *r)
{
	return atoi(PQcmdTuples(r));
}

int
gr_db_begin(void)
{
	if (gr_db_exec("BEGIN", 0, NULL) < 0)
		return -1;
	db_in_tx = 1;
	return 0;
}

int
gr_db_commit(void)
{
	db_in_tx = 0;
	return gr_db_exec("COMMIT", 0, NULL);
}

void
gr_db_rollback(void)
{
	if (db_conn && PQtransactionStatus(db_conn) != PQTRANS_IDLE) {
		PGresult *r = PQexec(db_conn, "ROLLBACK");

		if (r)
			PQclear(r);
	}
	db_in_tx = 0;
}

int
gr_db_built_version(void)
{
	return gr_migrations_count ? gr_migrations[gr_migrations_count - 1].version
	    : 0;
}

int
gr_db_schema_version(int *out)
{
	GR_AUTO_PGRES PGresult *r = NULL;

	r = gr_db_query("SELECT to_regclass('schema_migrations') IS NOT NULL", 0,
	    NULL);
	if (r == NULL)
		return -1;
	if (strcmp(PQgetvalue(r, 0, 0), "t") != 0) {
		*out = 0;
		return 0;
	}
	PQclear(r);
	r = gr_db_query("SELECT coalesce(max(version), 0) FROM schema_migrations",
	    0, NULL);
	if (r == NULL)
		return -1;
	*out = atoi(PQgetvalue(r, 0, 0));
	return 0;
}

static int
apply_one(const struct gr_migration *m)
{
	char ver[16];
	const char *p[2] = { ver, m->name };
	PGresult *r;
	PGconn *c = conn_get();

	snprintf(ver, sizeof(ver), "%d", m->version);
	/* A migration file may hold several statements: simple protocol. */
	r = PQexec(c, m->sql);
	if (r == NULL || PQresultStatus(r) != PGRES_COMMAND_OK) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", r ? PQresultErrorMessage(r) :
		    PQerrorMessage(c));
		first_line(msg);
		gr_error(GR_ERR_INTERNAL, "Migration %s failed: %s", m->name, msg);
		if (r)
			PQclear(r);
		return -1;
	}
	PQclear(r);
	return gr_db_exec("INSERT INTO schema_migrations (version, name) "
	    "VALUES ($1, $2)", 2, p);
}

int
gr_db_migrate(void)
{
	int have;

	if (gr_db_begin() < 0)
		return -1;
	/* Serialises controllers that start together on one database. */
	if (gr_db_exec("SELECT pg_advisory_xact_lock(7316571)", 0, NULL) < 0 ||
	    gr_db_exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
	    "version integer PRIMARY KEY, name text NOT NULL, "
	    "applied_at timestamptz NOT NULL DEFAULT now())", 0, NULL) < 0 ||
	    gr_db_schema_version(&have) < 0)
		goto fail;
	for (int i = 0; i < gr_migrations_count; i++) {
		if (gr_migrations[i].version <= have)
			continue;
		if (apply_one(&gr_migrations[i]) < 0)
			goto fail;
		gr_info("applied schema migration %s", gr_migrations[i].name);
	}
	return gr_db_commit();
fail:
	gr_db_rollback();
	return -1;
}

int
gr_db_require_schema(void)
{
	int have, want = gr_db_built_version();

	if (gr_db_schema_version(&have) < 0)
		return -1;
	if (have < want) {
		gr_error(GR_ERR_UNAVAILABLE,
		    "The database schema is at version %d but this program needs "
		    "version %d: start (or upgrade) gureum-controller first, "
		    "which applies the migrations.", have, want);
		return -1;
	}
	if (have > want) {
		gr_error(GR_ERR_UNAVAILABLE,
		    "The database schema is at version %d, newer than this "
		    "program's %d: upgrade this program.", have, want);
		return -1;
	}
	return 0;
}
