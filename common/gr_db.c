/* gr_db.c - see gr_db.h. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gr_daemon.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_schema.h"
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

/*
 * This thread's connection, opened (again) if it is missing or broken.
 * A connection lost inside a transaction is not replaced until that
 * transaction is ended (gr_db_commit/gr_db_rollback): the rest of its
 * statements must fail, not run on a new connection outside it.
 */
static PGconn *
conn_get(void)
{
	if (db_conn != NULL && PQstatus(db_conn) == CONNECTION_OK)
		return db_conn;
	if (db_conn != NULL && db_in_tx) {
		gr_error(GR_ERR_UNAVAILABLE, "The database connection was lost "
		    "during a transaction: its work is undone.");
		return NULL;
	}
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
	else if (state && strcmp(state, "2201B") == 0)
		/* A filter that is a regular expression (server names). */
		gr_error(GR_ERR_BAD_REQUEST, "A filter is not a valid regular "
		    "expression: %s", msg);
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

/* Runs sql once on c: its result, failed or not (NULL if libpq has none). */
static PGresult *
run(PGconn *c, const char *sql, int n, const char *const *params)
{
	const char *stmt = NULL;
	char name[16];
	PGresult *r = NULL;

	/* Parameterless statements (BEGIN, COMMIT...) gain nothing. */
	if (n > 0 && PQtransactionStatus(c) != PQTRANS_INERROR)
		stmt = prepared(c, sql, n, name, &r);
	if (r != NULL)
		return r;
	if (stmt)
		return PQexecPrepared(c, stmt, n, params, NULL, NULL, 0);
	return PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
}

static int
succeeded(const PGresult *r)
{
	return r != NULL && (PQresultStatus(r) == PGRES_TUPLES_OK ||
	    PQresultStatus(r) == PGRES_COMMAND_OK);
}

PGresult *
gr_db_query(const char *sql, int n, const char *const *params)
{
	PGconn *c = conn_get();
	PGresult *r;

	if (c == NULL)
		return NULL;
	r = run(c, sql, n, params);
	/*
	 * A connection found dead outside a transaction (the server restarted
	 * while it was idle) has lost no work: reconnect and run the statement
	 * once more. Inside a transaction the work so far is gone, so the
	 * statement fails; conn_get() reconnects once the transaction ends.
	 * (libpq cannot tell a connection that died before the statement from
	 * one whose server died after committing it but before answering: in
	 * that rare second case an autocommitted statement runs twice.)
	 */
	if (!succeeded(r) && PQstatus(c) != CONNECTION_OK && !db_in_tx) {
		char msg[512];

		snprintf(msg, sizeof(msg), "%s", PQerrorMessage(c));
		first_line(msg);
		gr_info("the database connection was lost (%s); reconnecting",
		    msg);
		if (r)
			PQclear(r);
		if ((c = conn_get()) == NULL)
			return NULL;
		r = run(c, sql, n, params);
	}
	if (succeeded(r))
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
	/* Inside the transaction still: a lost connection must not run this
	 * COMMIT on a new one, where it would "succeed" with nothing to do. */
	int ret = gr_db_exec("COMMIT", 0, NULL);

	db_in_tx = 0;
	return ret;
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
	int have, want = gr_schema_built_version();

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

static void
db_end(void *arg)
{
	(void)arg;
	gr_db_close();
}

int
gr_db_daemon(struct gr_daemon *d, const char *conninfo)
{
	if (gr_db_init(conninfo) < 0)
		return -1;
	gr_daemon_defer(d, db_end, NULL);
	return 0;
}
