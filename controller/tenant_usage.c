/*
 * tenant_usage.c - os-simple-tenant-usage as Nova computes it: the servers
 * that ran during [start, end) (launched before its end, not terminated
 * before its start, deleted ones included; at most Nova's max_limit of
 * them, by project and id), each charged the hours of the period it ran
 * in, times its flavor's vCPUs, memory and disk. A server that never
 * launched (it failed before reaching a node) used nothing and is not
 * listed. See tenant_usage.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "gr_auth.h"
#include "gr_db.h"
#include "gr_err.h"
#include "gr_json.h"
#include "compute_api.h"
#include "microversion.h"
#include "tenant_usage.h"

#define MAX_SERVERS	1000	/* Nova's [api] max_limit */

/*
 * A date Nova takes, read as UTC: "YYYY-MM-DDTHH:MM:SS" with or without
 * ".ffffff" (1 to 6 digits), or "YYYY-MM-DD HH:MM:SS.ffffff"; absent or
 * empty means now. *us is microseconds since the epoch. -1 with a 400
 * naming the parameter.
 */
static int
parse_time(const char *name, const char *v, long long *us)
{
	struct tm tm = { 0 }, back;
	int n = 0, frac = 0, digits = 0;
	char sep;
	time_t t;

	if (v == NULL || v[0] == '\0') {
		struct timeval now;

		gettimeofday(&now, NULL);
		*us = (long long)now.tv_sec * 1000000 + now.tv_usec;
		return 0;
	}
	static const char form[] = "dddd-dd-dd?dd:dd:dd";

	for (int i = 0; form[i]; i++)
		if (form[i] == 'd' ? v[i] < '0' || v[i] > '9' : form[i] == '?' ?
		    v[i] == '\0' : v[i] != form[i])
			goto bad;
	if (sscanf(v, "%4d-%2d-%2d%c%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &sep, &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 7 ||
	    n != 19 || (sep != 'T' && sep != ' '))
		goto bad;
	if (v[n] == '.') {
		for (n++; v[n] >= '0' && v[n] <= '9' && digits < 6; n++) {
			frac = frac * 10 + (v[n] - '0');
			digits++;
		}
		if (digits == 0)
			goto bad;
		for (int i = digits; i < 6; i++)
			frac *= 10;
	} else if (sep == ' ') {
		goto bad;
	}
	if (v[n] != '\0')
		goto bad;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	back = tm;
	t = timegm(&tm);
	/* timegm normalises 30 February to 2 March: refuse what moved. */
	if (tm.tm_year != back.tm_year || tm.tm_mon != back.tm_mon ||
	    tm.tm_mday != back.tm_mday || tm.tm_hour != back.tm_hour ||
	    tm.tm_min != back.tm_min || tm.tm_sec != back.tm_sec)
		goto bad;
	*us = (long long)t * 1000000 + frac;
	return 0;
bad:
	gr_error(GR_ERR_BAD_REQUEST, "Invalid datetime string: %s [%.64s] is "
	    "not a date as YYYY-MM-DDTHH:MM:SS[.ffffff] (UTC).", name, v);
	return -1;
}

/* Nova's naive UTC form of a time: "2026-01-01T06:00:00.000000". */
static json_t *
time_json(long long us)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	char buf[48];

	gmtime_r(&t, &tm);
	snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%06lld",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
	    tm.tm_sec, us % 1000000);
	return json_string(buf);
}

/* The period of the query: start before end (Nova's 400 otherwise), the
 * end no later than now. */
static int
period(struct gr_req *req, long long *start, long long *stop)
{
	long long now;

	if (parse_time("start", gr_req_query(req, "start"), start) < 0 ||
	    parse_time("end", gr_req_query(req, "end"), stop) < 0 ||
	    parse_time("now", NULL, &now) < 0)
		return -1;
	if (*start >= *stop) {
		gr_error(GR_ERR_BAD_REQUEST, "Invalid start time. The start time "
		    "cannot occur after the end time.");
		return -1;
	}
	if (*stop > now)
		*stop = now;
	return 0;
}

enum { U_ID, U_NAME, U_PROJECT, U_FLAVOR, U_RAM, U_DISK, U_VCPUS, U_HOURS,
    U_STARTED, U_ENDED, U_STATE, U_UPTIME };

/* The servers that ran in the period, of project (NULL: all), with their
 * hours in it: at most limit, after the instance marker (NULL: from the
 * first) in the order listed. */
static PGresult *
servers_in(long long start, long long stop, const char *project, long limit,
    const char *marker)
{
	char b[24], e[24], lim[24];

	snprintf(b, sizeof(b), "%lld", start);
	snprintf(e, sizeof(e), "%lld", stop);
	snprintf(lim, sizeof(lim), "%ld", limit);
	const char *p[5] = { b, e, project, lim, marker };
	return gr_db_query("WITH w AS (SELECT to_timestamp($1::numeric / "
	    "1000000) AS b, to_timestamp($2::numeric / 1000000) AS e) "
	    "SELECT i.id, i.name, i.project_id, coalesce(i.flavor->>'name', ''), "
	    "coalesce((i.flavor->>'ram')::bigint, 0), "
	    "coalesce((i.flavor->>'disk')::bigint, 0) + "
	    "coalesce((i.flavor->>'ephemeral')::bigint, 0), "
	    "coalesce((i.flavor->>'vcpus')::bigint, 0), "
	    "greatest(extract(epoch FROM least(w.e, coalesce(i.terminated_at, "
	    "w.e)) - greatest(i.launched_at, w.b)), 0) / 3600, "
	    GR_DB_ISO_US("i.launched_at") ", " GR_DB_ISO_US("i.terminated_at")
	    ", CASE WHEN i.terminated_at IS NULL THEN i.vm_state ELSE "
	    "'terminated' END, floor(extract(epoch FROM coalesce(i.terminated_at, "
	    "now()) - i.launched_at))::bigint "
	    "FROM instances i, w WHERE (i.terminated_at IS NULL OR "
	    "i.terminated_at > w.b) AND i.launched_at < w.e AND ($3::text IS "
	    "NULL OR i.project_id = $3) AND ($5::text IS NULL OR (i.project_id, "
	    "i.id) > (SELECT project_id, id FROM instances WHERE id = $5)) "
	    "ORDER BY i.project_id, i.id LIMIT $4::bigint", 5, p);
}

static json_t *
server_usage(PGresult *r, int i)
{
	return json_pack("{s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:f,s:s,s:o,s:s,s:I}",
	    "instance_id", PQgetvalue(r, i, U_ID),
	    "name", PQgetvalue(r, i, U_NAME),
	    "tenant_id", PQgetvalue(r, i, U_PROJECT),
	    "flavor", PQgetvalue(r, i, U_FLAVOR),
	    "memory_mb", (json_int_t)atoll(PQgetvalue(r, i, U_RAM)),
	    "local_gb", (json_int_t)atoll(PQgetvalue(r, i, U_DISK)),
	    "vcpus", (json_int_t)atoll(PQgetvalue(r, i, U_VCPUS)),
	    "hours", atof(PQgetvalue(r, i, U_HOURS)),
	    "started_at", PQgetvalue(r, i, U_STARTED),
	    "ended_at", gr_db_json_text(r, i, U_ENDED),
	    "state", PQgetvalue(r, i, U_STATE),
	    "uptime", (json_int_t)atoll(PQgetvalue(r, i, U_UPTIME)));
}

/* Adds n * hours to the number member key of o. */
static void
add(json_t *o, const char *key, double v)
{
	json_object_set_new(o, key, json_real(json_real_value(json_object_get(o,
	    key)) + v));
}

/* One summary per project, in the order of the rows; with detailed, each
 * with its server_usages. A new array. */
static json_t *
summaries(PGresult *r, long long start, long long stop, int detailed)
{
	json_t *list = json_array(), *sum = NULL;

	for (int i = 0; i < PQntuples(r); i++) {
		const char *project = PQgetvalue(r, i, U_PROJECT);
		double hours = atof(PQgetvalue(r, i, U_HOURS));

		if (sum == NULL || strcmp(json_string_value(json_object_get(sum,
		    "tenant_id")), project) != 0) {
			sum = json_pack("{s:s,s:f,s:f,s:f,s:f,s:o,s:o}",
			    "tenant_id", project, "total_local_gb_usage", 0.0,
			    "total_vcpus_usage", 0.0, "total_memory_mb_usage", 0.0,
			    "total_hours", 0.0, "start", time_json(start), "stop",
			    time_json(stop));
			if (detailed)
				json_object_set_new(sum, "server_usages",
				    json_array());
			json_array_append_new(list, sum);
		}
		add(sum, "total_local_gb_usage", hours *
		    atof(PQgetvalue(r, i, U_DISK)));
		add(sum, "total_vcpus_usage", hours *
		    atof(PQgetvalue(r, i, U_VCPUS)));
		add(sum, "total_memory_mb_usage", hours *
		    atof(PQgetvalue(r, i, U_RAM)));
		add(sum, "total_hours", hours);
		if (detailed)
			json_array_append_new(json_object_get(sum,
			    "server_usages"), server_usage(r, i));
	}
	return list;
}

/*
 * From microversion 2.40 Nova pages the servers: limit (a non-negative
 * integer, at most MAX_SERVERS) and marker (an instance's uuid, deleted
 * ones too; an unknown one is a 400). Below it, the first MAX_SERVERS.
 */
static int
paging(struct gr_req *req, long *limit, const char **marker)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *lim;
	char buf[24];

	*limit = MAX_SERVERS;
	*marker = NULL;
	if (compute_microversion(req) < 40)
		return 0;
	if (gr_req_query_int(req, "limit", 0, buf, &lim) < 0)
		return -1;
	if (lim && atol(buf) < MAX_SERVERS)
		*limit = atol(buf);
	if ((*marker = gr_req_query(req, "marker")) == NULL)
		return 0;
	const char *p[1] = { *marker };
	if ((r = gr_db_query("SELECT 1 FROM instances WHERE id = $1", 1, p)) ==
	    NULL)
		return -1;
	if (PQntuples(r) == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "Marker %.64s could not be found.",
		    *marker);
		return -1;
	}
	return 0;
}

/* Nova's next link (2.40) when the page of servers is full: to
 * collection, marker the last server's id. */
static void
add_links(struct gr_req *req, json_t *out, const char *key, PGresult *r,
    long limit, const char *collection)
{
	if (compute_microversion(req) < 40 || limit == 0 || PQntuples(r) !=
	    limit)
		return;
	json_object_set_new(out, key, compute_next_link(req, collection,
	    PQgetvalue(r, PQntuples(r) - 1, U_ID)));
}

int
tenant_usage_list(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *d = gr_req_query(req, "detailed"), *marker;
	long long start, stop;
	long limit;
	json_t *out;

	if (period(req, &start, &stop) < 0 ||
	    paging(req, &limit, &marker) < 0 ||
	    (r = servers_in(start, stop, NULL, limit, marker)) == NULL)
		return -1;
	out = json_pack("{s:o}", "tenant_usages", summaries(r, start, stop,
	    d && strcmp(d, "1") == 0));
	add_links(req, out, "tenant_usages_links", r, limit,
	    "os-simple-tenant-usage");
	gr_resp_json(resp, 200, out);
	return 0;
}

int
tenant_usage_show(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTO_PGRES PGresult *r = NULL;
	const char *pid = req->params[0], *marker;
	long long start, stop;
	long limit;
	json_t *list, *one, *out;
	char coll[300];

	if (gr_auth_admin_or(req, strcmp(pid, gr_auth_of(req)->project_id) ==
	    0, "only admins may see another project's usage") < 0 ||
	    period(req, &start, &stop) < 0 ||
	    paging(req, &limit, &marker) < 0 ||
	    (r = servers_in(start, stop, pid, limit, marker)) == NULL)
		return -1;
	list = summaries(r, start, stop, 1);
	one = json_array_size(list) ? json_incref(json_array_get(list, 0)) :
	    json_object();
	json_decref(list);
	out = json_pack("{s:o}", "tenant_usage", one);
	snprintf(coll, sizeof(coll), "os-simple-tenant-usage/%.255s", pid);
	add_links(req, out, "tenant_usage_links", r, limit, coll);
	gr_resp_json(resp, 200, out);
	return 0;
}
