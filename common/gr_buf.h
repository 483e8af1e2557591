/*
 * gr_buf.h - growable NUL-terminated byte buffer with a hard size limit.
 * Owns the heap block behind ->data. Errors are sticky: after an append
 * that would pass the limit, further appends do nothing and ->failed is set;
 * gr_buf_check() reports it once as GR_ERR_TOO_LARGE.
 */
#ifndef GR_BUF_H
#define GR_BUF_H

#include <stddef.h>

struct gr_buf {
	char	*data;		/* NULL until the first append */
	size_t	 len;		/* bytes used, excluding the NUL */
	size_t	 cap;		/* bytes allocated */
	size_t	 limit;		/* hard ceiling on len; 0 = no limit */
	int	 failed;	/* sticky: an append passed the limit */
};

#define GR_BUF_INIT(lim) { NULL, 0, 0, (lim), 0 }

void gr_buf_init(struct gr_buf *b, size_t limit);
/* Appends n bytes; returns 0, or -1 (sticky) when the limit is passed. */
int gr_buf_add(struct gr_buf *b, const void *p, size_t n);
int gr_buf_puts(struct gr_buf *b, const char *s);
int gr_buf_printf(struct gr_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Returns 0, or -1 with GR_ERR_TOO_LARGE if an append failed. */
int gr_buf_check(const struct gr_buf *b, const char *what);
/* Hands the data to the caller (who frees it) and resets the buffer. Never
 * NULL: an empty buffer yields "". */
char *gr_buf_steal(struct gr_buf *b);
void gr_buf_reset(struct gr_buf *b);
void gr_buf_free(struct gr_buf *b);

#endif
