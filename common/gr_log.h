/*
 * gr_log.h - logging to stderr, one line per event, with a timestamp and
 * the daemon's name. Safe to call from any thread.
 */
#ifndef GR_LOG_H
#define GR_LOG_H

enum gr_log_level { GR_LOG_DEBUG, GR_LOG_INFO, GR_LOG_WARN, GR_LOG_ERROR };

/* Sets the name printed on every line and the lowest level printed. */
void gr_log_init(const char *name, enum gr_log_level min);
void gr_log(enum gr_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define gr_info(...)	gr_log(GR_LOG_INFO, __VA_ARGS__)
#define gr_warn(...)	gr_log(GR_LOG_WARN, __VA_ARGS__)
#define gr_err_log(...)	gr_log(GR_LOG_ERROR, __VA_ARGS__)
#define gr_debug(...)	gr_log(GR_LOG_DEBUG, __VA_ARGS__)

#endif
