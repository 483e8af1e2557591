/*
 * gr_db.h - PostgreSQL access on libpq. Each thread owns one connection,
 * opened on first use and reopened if it broke (see gr_db_query). Queries
 * take $1 placeholders only: SQL is never built by string formatting. Failures are
 * recorded with gr_error: a unique-constraint violation as GR_ERR_CONFLICT,
 * a lost server as GR_ERR_UNAVAILABLE, anything else as GR_ERR_INTERNAL.
 */
#ifndef GR_DB_H
#define GR_DB_H

#include <jansson.h>
#include <libpq-fe.h>

/* One numbered schema migration, embedded from sql/NNNN_name.sql. */
struct gr_migration {
	int		 version;	/* NNNN */
	const char	*name;		/* file name without .sql */
	const char	*sql;		/* the file's text */
};

extern const struct gr_migration gr_migrations[];
extern const int gr_migrations_count;

void gr_pgresp(PGresult **r);
/* A text column as a JSON string, or JSON null if it is NULL. */
json_t *gr_db_json_text(PGresult *r, int row, int col);
#define GR_AUTO_PGRES __attribute__((cleanup(gr_pgresp)))

/* SQL for a timestamptz column as ISO 8601 text in UTC, as the OpenStack
 * APIs show their fields: to the second with "Z" (GR_DB_ISO_Z), or with
 * microseconds and no zone (GR_DB_ISO_US). col is SQL text: "created_at". */
#define GR_DB_ISO_Z(col) \
	"to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')"
#define GR_DB_ISO_US(col) \
	"to_char(" col " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US')"

/* Sets the connection string and checks it by connecting. Returns 0, or -1
 * with GR_ERR_UNAVAILABLE naming the server's complaint. */
int gr_db_init(const char *conninfo);
/* Closes this thread's connection (call before a thread exits). */
void gr_db_close(void);
/* gr_db_init(), the calling thread's connection closed at d's teardown. */
struct gr_daemon;
int gr_db_daemon(struct gr_daemon *d, const char *conninfo);

/*
 * Runs sql with n text parameters (NULL = SQL NULL). Returns the result,
 * which the caller PQclear()s (GR_AUTO_PGRES), or NULL with the error.
 * Outside a transaction a statement whose connection turns out dead (the
 * server restarted) is run once more on a new connection; inside one it
 * fails with GR_ERR_UNAVAILABLE, and so does every later statement of that
 * transaction, until gr_db_commit() or gr_db_rollback() ends it.
 */
PGresult *gr_db_query(const char *sql, int n, const char *const *params);
/* Like gr_db_query for statements whose result is not needed. */
int gr_db_exec(const char *sql, int n, const char *const *params);
/* Number of rows a command touched (UPDATE/DELETE), from a result. */
int gr_db_affected(PGresult *r);
int gr_db_begin(void);
int gr_db_commit(void);
/* Rolls back if a transaction is open; never fails loudly. */
void gr_db_rollback(void);

/* Applies every embedded migration newer than the database's version, all
 * in one transaction under an advisory lock, committed once at the end: a
 * failing migration leaves the database as it was. */
int gr_db_migrate(void);
/* The highest applied migration (0 when none). */
int gr_db_schema_version(int *out);
/* Fails with a message that says what to do when the database's schema is
 * older (or newer) than the one this binary was built for. */
int gr_db_require_schema(void);

#endif
