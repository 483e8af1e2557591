/*
 * gr_util.h - small helpers every module uses: cleanup attributes for
 * locals, checked allocation, string validation for names from outside.
 */
#ifndef GR_UTIL_H
#define GR_UTIL_H

#include <stddef.h>
#include <stdlib.h>

void gr_freep(void *p);
#define GR_AUTOFREE __attribute__((cleanup(gr_freep)))

/* Allocation that aborts the process on failure: out of memory is not an
 * error a request can recover from. */
void *gr_xmalloc(size_t n);
void *gr_xmalloc_aligned(size_t align, size_t n); /* align: a power of 2 */
void *gr_xcalloc(size_t n, size_t size);
void *gr_xrealloc(void *p, size_t n);
char *gr_xstrdup(const char *s);
/* printf into a new heap string; never NULL. */
char *gr_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Checks a name from outside (project, user, server...): valid UTF-8,
 * 1..maxlen bytes, no control characters, not only spaces. Returns 0 or -1
 * with GR_ERR_BAD_REQUEST naming `what` in the message.
 */
int gr_check_name(const char *what, const char *s, size_t maxlen);
/* gr_check_name, and no leading or trailing space (Nova's rule for the
 * names of flavors and server groups). */
int gr_check_trimmed_name(const char *what, const char *s, size_t maxlen);
/* 1 if s is a UUID in its 36-character text form (either case). */
int gr_is_uuid(const char *s);
/* 1 if s is valid UTF-8 (no overlongs, no surrogates), else 0. */
int gr_utf8_valid(const char *s, size_t len);
/* The number of characters (code points) of NUL-terminated UTF-8 text, as
 * JSON schema's maxLength counts them: the bytes that do not continue a
 * sequence. */
size_t gr_utf8_chars(const char *s);

/* Appends s to the buffer percent-encoded for a URL query value. */
struct gr_buf;
void gr_url_escape(struct gr_buf *b, const char *s);

/* The port of a listen address "ADDR:PORT", 0 if it has none. */
long gr_listen_port(const char *listen);
/*
 * Writes all len bytes of data to fd, retrying short writes and EINTR.
 * Returns 0, or -1 with GR_ERR_SYSTEM "Cannot write WHAT: REASON.".
 */
int gr_write_all(int fd, const void *data, size_t len, const char *what);

/* The guest hostname for a server name: lower-case letters, digits and
 * '-' ("My VM_1" -> "my-vm-1"), "instance" when nothing is left. The
 * config drive gives it to the guest; the compute API shows it. */
void gr_hostname(const char *name, char out[64]);

/* Monotonic time in seconds. */
double gr_now(void);

#endif
