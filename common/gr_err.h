/*
 * gr_err.h - the one error convention of Gureum.
 *
 * A function that fails reports the error once, where it happens, with
 * gr_error(code, fmt, ...) and returns -1 (or NULL). Callers pass -1 up
 * without reporting again. The boundary (the HTTP layer, main()) reads the
 * recorded error with gr_err_code()/gr_err_msg() and turns it into an HTTP
 * status and fault body, or a start-up message. The record is per thread.
 */
#ifndef GR_ERR_H
#define GR_ERR_H

enum gr_err_code {
	GR_ERR_NONE = 0,
	GR_ERR_BAD_REQUEST,	/* 400: the request is malformed or invalid */
	GR_ERR_UNAUTHORIZED,	/* 401: no, bad, expired or revoked credentials */
	GR_ERR_FORBIDDEN,	/* 403: authenticated but not allowed */
	GR_ERR_NOT_FOUND,	/* 404 */
	GR_ERR_METHOD,		/* 405 */
	GR_ERR_NOT_ACCEPTABLE,	/* 406: e.g. a microversion not served */
	GR_ERR_CONFLICT,	/* 409 */
	GR_ERR_TOO_LARGE,	/* 413 */
	GR_ERR_MEDIA_TYPE,	/* 415 */
	GR_ERR_RANGE,		/* 416 */
	GR_ERR_INTERNAL,	/* 500: a bug or an unexpected failure */
	GR_ERR_UNAVAILABLE,	/* 503: a dependency (database, agent) is down */
	GR_ERR_SYSTEM,		/* a system call failed (500 at the HTTP boundary) */
	GR_ERR__COUNT
};

/* Records an error for this thread; the previous record is replaced. */
void gr_error_at(const char *file, int line, const char *func,
    enum gr_err_code code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
#define gr_error(code, ...) \
	gr_error_at(__FILE__, __LINE__, __func__, (code), __VA_ARGS__)

/* Code of this thread's last recorded error, GR_ERR_NONE if none. */
enum gr_err_code gr_err_code(void);
/* Message of the last error: never NULL ("" when none); valid until the
 * next gr_error()/gr_err_clear() on this thread. */
const char *gr_err_msg(void);
/* "file:line func" of where the last error was recorded, for logs. */
const char *gr_err_where(void);
void gr_err_clear(void);
/* HTTP status for an error code. */
int gr_err_http_status(enum gr_err_code code);

#endif
