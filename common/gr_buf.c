/* gr_buf.c - see gr_buf.h. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_util.h"

void
gr_buf_init(struct gr_buf *b, size_t limit)
{
	memset(b, 0, sizeof(*b));
	b->limit = limit;
}

int
gr_buf_add(struct gr_buf *b, const void *p, size_t n)
{
	if (b->failed)
		return -1;
	if (b->limit && (n > b->limit || b->len > b->limit - n)) {
		b->failed = 1;
		return -1;
	}
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 64;

		while (cap < b->len + n + 1)
			cap *= 2;
		char *d = realloc(b->data, cap);
		if (d == NULL) {
			fprintf(stderr, "gureum: out of memory\n");
			abort();
		}
		b->data = d;
		b->cap = cap;
	}
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
gr_buf_puts(struct gr_buf *b, const char *s)
{
	return gr_buf_add(b, s, strlen(s));
}

int
gr_buf_printf(struct gr_buf *b, const char *fmt, ...)
{
	char small[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n < sizeof(small))
		return gr_buf_add(b, small, n);

	char *big = gr_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	int r = gr_buf_add(b, big, n);
	free(big);
	return r;
}

int
gr_buf_check(const struct gr_buf *b, const char *what)
{
	if (!b->failed)
		return 0;
	gr_error(GR_ERR_TOO_LARGE, "The %s is larger than the limit of %zu bytes.",
	    what, b->limit);
	return -1;
}

char *
gr_buf_steal(struct gr_buf *b)
{
	char *d = b->data ? b->data : gr_xstrdup("");

	b->data = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
	return d;
}

void
gr_buf_reset(struct gr_buf *b)
{
	b->len = 0;
	b->failed = 0;
	if (b->data)
		b->data[0] = '\0';
}

void
gr_buf_free(struct gr_buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
