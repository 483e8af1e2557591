/* gr_log.c - see gr_log.h. */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "gr_log.h"

static const char *log_name = "gureum";
static enum gr_log_level log_min = GR_LOG_INFO;

void
gr_log_init(const char *name, enum gr_log_level min)
{
	log_name = name;
	log_min = min;
}

void
gr_log(enum gr_log_level level, const char *fmt, ...)
{
	static const char *const tag[] = { "debug", "info", "warning", "error" };
	char line[2048];
	struct timespec ts;
	struct tm tm;
	va_list ap;
	int n;

	if (level < log_min)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	n = snprintf(line, sizeof(line), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ %s %s: ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000, log_name, tag[level]);
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	va_end(ap);
	/* One fputs per line so lines from threads do not interleave. */
	fprintf(stderr, "%s\n", line);
}
