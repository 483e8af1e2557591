/* console.c - see console.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libvirt/libvirt.h>

#include "console.h"
#include "domain.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "inventory.h"

#define CHUNK		8192	/* bytes moved at a time */
#define SEND_TRIES	200	/* 10 ms waits for a full stream (2 s) */
#define STREAM_EVENTS	(VIR_STREAM_EVENT_READABLE | \
	VIR_STREAM_EVENT_ERROR | VIR_STREAM_EVENT_HANGUP)

static struct node_ctx *ctx;
static pthread_t events_thread;
static volatile int events_stop;

static void *
events_main(void *arg)
{
	(void)arg;
	while (!events_stop)
		if (virEventRunDefaultImpl() < 0)
			gr_warn("libvirt's event loop: %s", inv_virt_msg());
	return NULL;
}

static void
wake(int timer, void *arg)
{
	(void)arg;
	virEventRemoveTimeout(timer);
}

static void
events_end(void *arg)
{
	(void)arg;
	events_stop = 1;
	/* A timer that fires at once makes the loop's poll return. */
	virEventAddTimeout(0, wake, NULL, NULL);
	pthread_join(events_thread, NULL);
}

int
console_events_start(struct gr_daemon *d)
{
	int err;

	if (virEventRegisterDefaultImpl() < 0) {
		gr_error(GR_ERR_SYSTEM, "libvirt's event loop cannot be set up: "
		    "%s", inv_virt_msg());
		return -1;
	}
	if ((err = pthread_create(&events_thread, NULL, events_main,
	    NULL)) != 0) {
		gr_error(GR_ERR_SYSTEM, "No thread for libvirt's event loop: %s.",
		    strerror(err));
		return -1;
	}
	gr_daemon_defer(d, events_end, NULL);
	return 0;
}

void
console_init(struct node_ctx *c)
{
	ctx = c;
}

/* One console: the stream and the pipe its event callback wakes the
 * relay's poll with. */
struct console {
	virDomainPtr	 dom;
	virStreamPtr	 st;
	int		 wake[2];
	int		 watching;	/* the callback is registered */
	int		 slot;		/* in slots[], or -1 */
	char		 id[37];
};

/*
 * The relays' wake pipes, by slot: a stream's callback is given its slot,
 * never the console itself, since libvirt may still be dispatching it
 * when the console is freed (and calls no free function for a removed
 * callback). A slot freed meanwhile is -1, one reused wakes a relay for
 * nothing, which only reads its stream once more.
 */
#define MAX_CONSOLES	256
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;
static int slots[MAX_CONSOLES];
static int slots_used[MAX_CONSOLES];

static int
slot_take(int fd)
{
	int i;

	pthread_mutex_lock(&slots_lock);
	for (i = 0; i < MAX_CONSOLES && slots_used[i]; i++)
		;
	if (i < MAX_CONSOLES) {
		slots_used[i] = 1;
		slots[i] = fd;
	}
	pthread_mutex_unlock(&slots_lock);
	return i < MAX_CONSOLES ? i : -1;
}

static void
slot_free(int i)
{
	pthread_mutex_lock(&slots_lock);
	slots_used[i] = 0;
	slots[i] = -1;
	pthread_mutex_unlock(&slots_lock);
}

static void
console_free(void *arg)
{
	struct console *c = arg;

	if (c->watching)
		virStreamEventRemoveCallback(c->st);
	if (c->slot >= 0)
		slot_free(c->slot);
	if (c->st) {
		virStreamAbort(c->st);
		virStreamFree(c->st);
	}
	if (c->dom)
		virDomainFree(c->dom);
	if (c->wake[0] >= 0)
		close(c->wake[0]);
	if (c->wake[1] >= 0)
		close(c->wake[1]);
	free(c);
}

/*
 * On libvirt's event thread: the stream has bytes (or ended). The relay
 * is woken and the callback muted until it has read what there is
 * (stream events are level-triggered: it would fire again at once).
 */
static void
on_stream(virStreamPtr st, int events, void *opaque)
{
	int i = (int)(intptr_t)opaque;
	char b = 1;

	(void)events;
	virStreamEventUpdateCallback(st, 0);
	pthread_mutex_lock(&slots_lock);
	if (slots_used[i] && write(slots[i], &b, 1) < 0 && errno != EAGAIN)
		gr_warn("a console's relay cannot be woken: %s",
		    strerror(errno));
	pthread_mutex_unlock(&slots_lock);
}

/* All of buf into the stream; 0 or -1 (the stream failed or stayed
 * full for SEND_TRIES waits). */
static int
stream_send(struct console *c, const char *buf, size_t len)
{
	int tries = 0, n;

	while (len > 0) {
		n = virStreamSend(c->st, buf, len);
		if (n == -2) {
			if (++tries == SEND_TRIES)
				return -1;
			poll(NULL, 0, 10);
			continue;
		}
		if (n < 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* What the stream holds, to fd; 1 while it is open, 0 when it ended. */
static int
stream_drain(struct console *c, int fd)
{
	char buf[CHUNK], b[64];
	int n;

	while (read(c->wake[0], b, sizeof(b)) > 0)
		;
	for (;;) {
		n = virStreamRecv(c->st, buf, sizeof(buf));
		if (n == -2)
			break;
		if (n <= 0 || gr_write_all(fd, buf, (size_t)n,
		    "console output") < 0)
			return 0;
	}
	virStreamEventUpdateCallback(c->st, STREAM_EVENTS);
	return 1;
}

static void
relay(int fd, const char *extra, size_t extra_len, void *arg)
{
	struct console *c = arg;
	struct pollfd pfd[2] = { { .fd = fd, .events = POLLIN },
	    { .fd = c->wake[0], .events = POLLIN } };
	char buf[CHUNK];
	ssize_t n;

	if (virStreamEventAddCallback(c->st, STREAM_EVENTS, on_stream,
	    (void *)(intptr_t)c->slot, NULL) < 0) {
		gr_warn("console of instance %s: no stream events: %s", c->id,
		    inv_virt_msg());
		return;
	}
	c->watching = 1;
	gr_info("console of instance %s: open", c->id);
	if (extra_len && stream_send(c, extra, extra_len) < 0)
		goto out;
	while (poll(pfd, 2, -1) >= 0) {
		if (pfd[1].revents && !stream_drain(c, fd))
			break;
		if (pfd[0].revents) {
			if ((n = read(fd, buf, sizeof(buf))) <= 0 ||
			    stream_send(c, buf, (size_t)n) < 0)
				break;
		}
	}
out:
	gr_info("console of instance %s: closed", c->id);
}

int
console_open(struct gr_req *req, struct gr_resp *resp)
{
	const char *id = req->params[0];
	const char *up = gr_req_header(req, "Upgrade");
	struct console *c;
	int state, reason;

	if (node_check_id(id) < 0)
		return -1;
	if (up == NULL || strcasecmp(up, "gureum-console") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The serial console is an upgraded "
		    "connection: send Upgrade: gureum-console.");
		return -1;
	}
	c = gr_xcalloc(1, sizeof(*c));
	c->wake[0] = c->wake[1] = -1;
	c->slot = -1;
	snprintf(c->id, sizeof(c->id), "%s", id);
	if ((c->dom = domain_lookup(ctx, id)) == NULL) {
		gr_error(GR_ERR_NOT_FOUND, "Instance %s has no domain on this "
		    "node.", id);
		goto fail;
	}
	if (virDomainGetState(c->dom, &state, &reason, 0) < 0 ||
	    (state != VIR_DOMAIN_RUNNING && state != VIR_DOMAIN_PAUSED)) {
		gr_error(GR_ERR_CONFLICT, "Instance %s is not running.", id);
		goto fail;
	}
	if (pipe2(c->wake, O_CLOEXEC | O_NONBLOCK) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot make a pipe: %s.",
		    strerror(errno));
		goto fail;
	}
	if ((c->slot = slot_take(c->wake[1])) < 0) {
		gr_error(GR_ERR_UNAVAILABLE, "This node has %d consoles open "
		    "already.", MAX_CONSOLES);
		goto fail;
	}
	if ((c->st = virStreamNew(ctx->inv->conn, VIR_STREAM_NONBLOCK)) ==
	    NULL || virDomainOpenConsole(c->dom, NULL, c->st,
	    VIR_DOMAIN_CONSOLE_FORCE) < 0) {
		gr_error(GR_ERR_UNAVAILABLE, "libvirt cannot open the serial "
		    "console of instance %s: %s", id, inv_virt_msg());
		goto fail;
	}
	gr_resp_header(resp, "Upgrade", "gureum-console");
	gr_resp_header(resp, "Connection", "Upgrade");
	gr_resp_upgrade(resp, relay, c, console_free);
	return 0;
fail:
	console_free(c);
	return -1;
}
