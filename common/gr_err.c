/* gr_err.c - per-thread error record; see gr_err.h. */
#include <stdarg.h>
#include <stdio.h>

#include "gr_err.h"

static __thread enum gr_err_code last_code;
static __thread char last_msg[1024];
static __thread char last_where[160];

void
gr_error_at(const char *file, int line, const char *func,
    enum gr_err_code code, const char *fmt, ...)
{
	va_list ap;

	last_code = code;
	va_start(ap, fmt);
	vsnprintf(last_msg, sizeof(last_msg), fmt, ap);
	va_end(ap);
	snprintf(last_where, sizeof(last_where), "%s:%d %s", file, line, func);
}

enum gr_err_code
gr_err_code(void)
{
	return last_code;
}

const char *
gr_err_msg(void)
{
	return last_msg;
}

const char *
gr_err_where(void)
{
	return last_where;
}

void
gr_err_clear(void)
{
	last_code = GR_ERR_NONE;
	last_msg[0] = '\0';
	last_where[0] = '\0';
}

static const int status_of[GR_ERR__COUNT] = {
	[GR_ERR_NONE] = 200,
	[GR_ERR_BAD_REQUEST] = 400,
	[GR_ERR_UNAUTHORIZED] = 401,
	[GR_ERR_FORBIDDEN] = 403,
	[GR_ERR_NOT_FOUND] = 404,
	[GR_ERR_METHOD] = 405,
	[GR_ERR_NOT_ACCEPTABLE] = 406,
	[GR_ERR_CONFLICT] = 409,
	[GR_ERR_TOO_LARGE] = 413,
	[GR_ERR_MEDIA_TYPE] = 415,
	[GR_ERR_RANGE] = 416,
	[GR_ERR_INTERNAL] = 500,
	[GR_ERR_UNAVAILABLE] = 503,
	[GR_ERR_SYSTEM] = 500,
};

int
gr_err_http_status(enum gr_err_code code)
{
	if ((unsigned)code >= GR_ERR__COUNT)
		return 500;
	return status_of[code];
}
