/*
 * hello.c - the baseline of `make bench`: a bare libmicrohttpd server that
 * answers GET / with a small JSON body, started with the same threading and
 * options as common/gr_http.c (internal polling thread, poll(2), a pool of 4
 * threads, 120 s connection timeout, address reuse), so the difference
 * between it and a Gureum API is what Gureum itself adds per request.
 * Usage: hello PORT   (listens on 127.0.0.1:PORT until SIGTERM or SIGINT;
 * with PORT 0 the system picks one). Prints "listening on 127.0.0.1:PORT"
 * once it accepts connections.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>

#define HELLO_BODY	"{\"hello\":\"gureum\"}"
#define HELLO_THREADS	4	/* gr_http.c's default pool size */

/* Marks a connection's request as seen, as gr_http.c does with its
 * per-request state, so the answer comes on the second call. */
static int seen;

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *conn, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_size, void **con_cls)
{
	struct MHD_Response *r;
	enum MHD_Result ret;
	int ok;

	(void)cls;
	(void)version;
	(void)upload_data;
	if (*con_cls == NULL) {
		*con_cls = &seen;
		return MHD_YES;
	}
	if (*upload_size) {
		*upload_size = 0;
		return MHD_YES;
	}
	ok = strcmp(method, "GET") == 0 && strcmp(url, "/") == 0;
	r = MHD_create_response_from_buffer(ok ? strlen(HELLO_BODY) : 0,
	    ok ? HELLO_BODY : "", MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, "Content-Type", "application/json");
	ret = MHD_queue_response(conn, ok ? 200 : 404, r);
	MHD_destroy_response(r);
	return ret;
}

int
main(int argc, char **argv)
{
	struct MHD_Daemon *d;
	const union MHD_DaemonInfo *info;
	struct sockaddr_in sa, bound;
	socklen_t blen = sizeof(bound);
	sigset_t set;
	char *end;
	unsigned long port;
	int sig;

	if (argc != 2 || (port = strtoul(argv[1], &end, 10), end == argv[1]) ||
	    *end != '\0' || port > 65535) {
		fprintf(stderr, "usage: hello PORT\n");
		return 2;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

	/* Only sigwait below sees the stop signals, not MHD's threads. */
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL |
	    MHD_USE_ERROR_LOG, 0, NULL, NULL, on_request, NULL,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)HELLO_THREADS,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)120,
	    MHD_OPTION_LISTENING_ADDRESS_REUSE, (unsigned)1,
	    MHD_OPTION_END);
	if (d == NULL) {
		fprintf(stderr, "hello: cannot listen on 127.0.0.1:%lu\n",
		    port);
		return 1;
	}
	info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_LISTEN_FD);
	if (info && getsockname(info->listen_fd, (struct sockaddr *)&bound,
	    &blen) == 0)
		port = ntohs(bound.sin_port);
	printf("listening on 127.0.0.1:%lu\n", port);
	fflush(stdout);
	sigwait(&set, &sig);
	MHD_stop_daemon(d);
	return 0;
}
