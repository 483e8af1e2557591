/* gr_util.c - see gr_util.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_util.h"

void
gr_freep(void *p)
{
	free(*(void **)p);
}

static void
oom(size_t n)
{
	fprintf(stderr, "gureum: out of memory allocating %zu bytes\n", n);
	abort();
}

void *
gr_xmalloc_aligned(size_t align, size_t n)
{
	void *p;

	if (posix_memalign(&p, align, n ? n : 1) != 0)
		oom(n);
	return p;
}

void *
gr_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		oom(n);
	return p;
}

void *
gr_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		oom(n * size);
	return p;
}

void *
gr_xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (q == NULL)
		oom(n);
	return q;
}

char *
gr_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(gr_xmalloc(n), s, n);
}

char *
gr_xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		oom(0);
	return s;
}

size_t
gr_utf8_chars(const char *str)
{
	size_t n = 0;

	for (const unsigned char *c = (const unsigned char *)str; *c; c++)
		n += (*c & 0xc0) != 0x80;
	return n;
}

int
gr_utf8_valid(const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t need;
		unsigned cp;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			need = 1;
			cp = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			need = 2;
			cp = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			need = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		if (i + need >= len)
			return 0;
		for (size_t k = 1; k <= need; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if ((need == 1 && cp < 0x80) || (need == 2 && cp < 0x800) ||
		    (need == 3 && cp < 0x10000) || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff))
			return 0;
		i += need + 1;
	}
	return 1;
}

int
gr_check_name(const char *what, const char *s, size_t maxlen)
{
	size_t len = strlen(s);
	int blank = 1;

	if (len == 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The %s must not be empty.", what);
		return -1;
	}
	if (len > maxlen) {
		gr_error(GR_ERR_BAD_REQUEST,
		    "The %s is %zu bytes long; at most %zu are allowed.",
		    what, len, maxlen);
		return -1;
	}
	if (!gr_utf8_valid(s, len)) {
		gr_error(GR_ERR_BAD_REQUEST, "The %s is not valid UTF-8.", what);
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f) {
			gr_error(GR_ERR_BAD_REQUEST,
			    "The %s contains a control character (byte 0x%02x "
			    "at offset %zu).", what, c, i);
			return -1;
		}
		if (c != ' ')
			blank = 0;
	}
	if (blank) {
		gr_error(GR_ERR_BAD_REQUEST, "The %s must not be only spaces.",
		    what);
		return -1;
	}
	return 0;
}

int
gr_check_trimmed_name(const char *what, const char *s, size_t maxlen)
{
	if (gr_check_name(what, s, maxlen) < 0)
		return -1;
	if (s[0] == ' ' || s[strlen(s) - 1] == ' ') {
		gr_error(GR_ERR_BAD_REQUEST, "The %s '%s' has leading or trailing "
		    "spaces.", what, s);
		return -1;
	}
	return 0;
}

int
gr_write_all(int fd, const void *data, size_t len, const char *what)
{
	const char *p = data;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			gr_error(GR_ERR_SYSTEM, "Cannot write %s: %s.", what,
			    strerror(errno));
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

double
gr_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void
gr_url_escape(struct gr_buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-_.~", c))
			gr_buf_add(b, s, 1);
		else
			gr_buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

long
gr_listen_port(const char *listen)
{
	const char *c = strrchr(listen, ':');

	return c ? atol(c + 1) : 0;
}

int
gr_is_uuid(const char *s)
{
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23) {
			if (s[i] != '-')
				return 0;
		} else if (s[i] == '\0' || strchr("0123456789abcdefABCDEF",
		    s[i]) == NULL) {
			return 0;
		}
	}
	return s[36] == '\0';
}

void
gr_hostname(const char *name, char out[64])
{
	size_t j = 0;

	for (const char *s = name; *s && j < 63; s++) {
		char ch = *s;

		if (ch >= 'A' && ch <= 'Z')
			ch = (char)(ch - 'A' + 'a');
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-')
			out[j++] = ch;
		else if ((ch == ' ' || ch == '_' || ch == '.') && j > 0 &&
		    out[j - 1] != '-')
			out[j++] = '-';
	}
	while (j > 0 && out[j - 1] == '-')
		j--;
	out[j] = '\0';
	if (j == 0)
		snprintf(out, 64, "instance");
}
