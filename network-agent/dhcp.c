/*
 * dhcp.c - see dhcp.h. dnsmasq and dhcp_release are programs: they are
 * started with fork, setns into the network's namespace, execv, never
 * through a shell; the namespace is opened before the fork, so the child
 * only makes system calls.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dhcp.h"
#include "gr_buf.h"
#include "gr_err.h"
#include "gr_log.h"
#include "gr_util.h"
#include "leg.h"
#include "netlink.h"
#include "netns.h"

#define DNSMASQ		"/usr/sbin/dnsmasq"
#define DHCP_RELEASE	"/usr/bin/dhcp_release"
#define CMDLINE_MAX	(64 * 1024)

void
dhcp_paths(const char *state_dir, const char *net_id, struct dhcp_paths *p)
{
	/* state_dir comes from the configuration: bounded well below the
	 * buffers (a longer one is cut, and then found nowhere). */
	snprintf(p->dir, sizeof(p->dir), "%.3000s/dhcp/%s", state_dir, net_id);
	snprintf(p->pid, sizeof(p->pid), "%.3900s/pid", p->dir);
	snprintf(p->hosts, sizeof(p->hosts), "%.3900s/host", p->dir);
	snprintf(p->opts, sizeof(p->opts), "%.3900s/opts", p->dir);
	snprintf(p->leases, sizeof(p->leases), "%.3900s/leases", p->dir);
}

/* Network address and mask of an IPv4 CIDR; -1 for IPv6 (not served). */
static int
v4net(const char *cidr, char net[16], char mask[16], int *len)
{
	char a[DOC_CIDR], *slash;
	struct in_addr in, m;

	snprintf(a, sizeof(a), "%s", cidr);
	if ((slash = strchr(a, '/')) == NULL)
		return -1;
	*slash = '\0';
	if (inet_pton(AF_INET, a, &in) != 1)
		return -1;
	*len = atoi(slash + 1);
	m.s_addr = *len ? htonl(~0u << (32 - *len)) : 0;
	in.s_addr &= m.s_addr;
	inet_ntop(AF_INET, &in, net, 16);
	inet_ntop(AF_INET, &m, mask, 16);
	return 0;
}

static int
served(const struct doc_subnet *s)
{
	char net[16], mask[16];
	int len;

	return s->enable_dhcp && v4net(s->cidr, net, mask, &len) == 0;
}

char **
dhcp_argv(const struct dhcp_paths *p, const struct doc_net *n)
{
	char **v = gr_xcalloc((size_t)n->nsubnets + 24, sizeof(*v));
	int i = 0;

	v[i++] = gr_xstrdup(DNSMASQ);
	v[i++] = gr_xstrdup("--no-hosts");
	v[i++] = gr_xstrdup("--no-resolv");
	v[i++] = gr_xasprintf("--pid-file=%s", p->pid);
	v[i++] = gr_xasprintf("--dhcp-hostsfile=%s", p->hosts);
	v[i++] = gr_xasprintf("--dhcp-optsfile=%s", p->opts);
	v[i++] = gr_xasprintf("--dhcp-leasefile=%s", p->leases);
	v[i++] = gr_xasprintf("--interface=%s", n->dhcp ? n->dhcp->dev : "");
	v[i++] = gr_xstrdup("--bind-dynamic");
	v[i++] = gr_xstrdup("--port=0");
	for (int k = 0; k < n->nsubnets; k++) {
		const struct doc_subnet *s = &n->subnets[k];
		char net[16], mask[16];
		int len;

		if (!s->enable_dhcp || v4net(s->cidr, net, mask, &len) < 0)
			continue;
		/* static: only the hosts file's addresses are handed out. */
		v[i++] = gr_xasprintf("--dhcp-range=set:subnet-%s,%s,static,"
		    "%s,%s", s->id, net, mask, DHCP_LEASE);
	}
	/* Forced: busybox udhcpc does not ask for option 26. */
	v[i++] = gr_xasprintf("--dhcp-option-force=option:mtu,%d", n->mtu);
	/* Fixed, not the number of hosts: a host more must not change the
	 * command line (that would restart dnsmasq). */
	v[i++] = gr_xasprintf("--dhcp-lease-max=%d", DHCP_LEASE_MAX);
	v[i++] = gr_xstrdup("--conf-file=/dev/null");
	v[i++] = gr_xstrdup("--dhcp-authoritative");
	return v;
}

void
dhcp_argv_free(char **argv)
{
	for (char **p = argv; p && *p; p++)
		free(*p);
	free(argv);
}

char *
dhcp_hosts_text(const struct doc_net *n)
{
	struct gr_buf b = GR_BUF_INIT(0);

	for (int i = 0; n->dhcp && i < n->dhcp->nhosts; i++) {
		const struct doc_host *h = &n->dhcp->hosts[i];

		gr_buf_printf(&b, "%s,%s,%s\n", h->mac, h->ip, h->name);
	}
	return gr_buf_steal(&b);
}

char *
dhcp_opts_text(const struct doc_net *n)
{
	struct gr_buf b = GR_BUF_INIT(0);

	for (int k = 0; k < n->nsubnets; k++) {
		const struct doc_subnet *s = &n->subnets[k];

		if (!served(s))
			continue;
		/* No gateway: an empty router option, or dnsmasq offers its
		 * own address as the router. */
		gr_buf_printf(&b, "tag:subnet-%s,option:router%s%s\n", s->id,
		    s->gateway[0] ? "," : "", s->gateway);
		if (s->ndns) {
			gr_buf_printf(&b, "tag:subnet-%s,option:dns-server", s->id);
			for (int i = 0; i < s->ndns; i++)
				gr_buf_printf(&b, ",%s", s->dns[i]);
			gr_buf_puts(&b, "\n");
		}
		if (s->nroutes) {
			gr_buf_printf(&b, "tag:subnet-%s,"
			    "option:classless-static-route", s->id);
			for (int i = 0; i < s->nroutes; i++)
				gr_buf_printf(&b, ",%s,%s",
				    s->routes[i].destination, s->routes[i].nexthop);
			/* RFC 3442: a client given classless routes ignores
			 * the router option, so the default route repeats. */
			if (s->gateway[0])
				gr_buf_printf(&b, ",0.0.0.0/0,%s", s->gateway);
			gr_buf_puts(&b, "\n");
		}
	}
	return gr_buf_steal(&b);
}

/* The whole file, or NULL if it cannot be read. */
static char *
slurp(const char *path, size_t *len)
{
	struct gr_buf b = GR_BUF_INIT(CMDLINE_MAX * 4);
	char chunk[4096];
	ssize_t r;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return NULL;
	while ((r = read(fd, chunk, sizeof(chunk))) > 0)
		gr_buf_add(&b, chunk, (size_t)r);
	close(fd);
	if (len)
		*len = b.len;
	if (b.failed) {
		gr_buf_free(&b);
		return NULL;
	}
	return gr_buf_steal(&b);
}

/* The process the pid file names and its command line (NUL-separated,
 * *len bytes; a new string), or NULL when it names no live process. */
static char *
pid_cmdline(const struct dhcp_paths *p, pid_t *pid, size_t *len)
{
	GR_AUTOFREE char *pidtext = slurp(p->pid, NULL);
	char proc[64];
	long n;

	if (pidtext == NULL || (n = strtol(pidtext, NULL, 10)) <= 0)
		return NULL;
	*pid = (pid_t)n;
	snprintf(proc, sizeof(proc), "/proc/%ld/cmdline", n);
	return slurp(proc, len);
}

/* The pid in the pid file if it is a live process running exactly argv,
 * else 0. */
static pid_t
running(const struct dhcp_paths *p, char **argv)
{
	pid_t pid = 0;
	size_t len = 0, off = 0;
	GR_AUTOFREE char *cmd = pid_cmdline(p, &pid, &len);

	if (cmd == NULL)
		return 0;
	for (char **a = argv; *a; a++) {
		size_t n = strlen(*a) + 1;

		if (off + n > len || memcmp(cmd + off, *a, n) != 0)
			return 0;
		off += n;
	}
	return off == len ? pid : 0;
}

/* A dnsmasq of this network, whatever its command line (an older one
 * after a change of subnets): its pid when its command line names our
 * pid file, else 0. */
static pid_t
ours(const struct dhcp_paths *p)
{
	pid_t pid = 0;
	size_t len = 0;
	GR_AUTOFREE char *cmd = pid_cmdline(p, &pid, &len);
	char want[DHCP_PATH + 16];

	if (cmd == NULL)
		return 0;
	snprintf(want, sizeof(want), "--pid-file=%s", p->pid);
	for (size_t off = 0; off < len; off += strlen(cmd + off) + 1)
		if (strcmp(cmd + off, want) == 0)
			return pid;
	return 0;
}

/* 1 while pid runs: a zombie (dnsmasq's parent is init, which may not
 * reap here) has gone. */
static int
alive(pid_t pid)
{
	char path[64], buf[256], *paren;
	GR_AUTOFREE char *stat = NULL;

	if (kill(pid, 0) < 0)
		return 0;
	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)pid);
	if ((stat = slurp(path, NULL)) == NULL)
		return 0;
	snprintf(buf, sizeof(buf), "%s", stat);
	paren = strrchr(buf, ')');
	return paren == NULL || paren[1] == '\0' || paren[2] != 'Z';
}

/* Sends SIGTERM and waits up to 5 s for the process to go. */
static void
stop(pid_t pid)
{
	struct timespec ts = { 0, 20 * 1000 * 1000 };

	if (kill(pid, SIGTERM) < 0)
		return;
	for (int i = 0; i < 250 && alive(pid); i++) {
		/* Our own child (dnsmasq forks away, but be sure). */
		waitpid(pid, NULL, WNOHANG);
		nanosleep(&ts, NULL);
	}
}

/*
 * Runs argv inside the namespace open at nsfd and waits for it: dnsmasq
 * forks into the background and its first process exits 0 once it is
 * ready; dhcp_release just sends its packet.
 */
static int
spawn_in(int nsfd, char **argv)
{
	pid_t pid;
	int status;

	if ((pid = fork()) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot fork for %s: %s.", argv[0],
		    strerror(errno));
		return -1;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		sigset_t none;

		/* The agent blocks its stop signals and ignores SIGPIPE; a
		 * program must not inherit that (dnsmasq would ignore its
		 * SIGTERM). */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		signal(SIGPIPE, SIG_DFL);

		if (null >= 0) {
			dup2(null, 0);
			dup2(null, 1);
		}
		if (setns(nsfd, CLONE_NEWNET) < 0)
			_exit(126);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			gr_error(GR_ERR_SYSTEM, "Cannot wait for %s: %s.",
			    argv[0], strerror(errno));
			return -1;
		}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		gr_error(GR_ERR_INTERNAL, "%s failed (status %d).", argv[0],
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		return -1;
	}
	return 0;
}

/* Writes text to path by a temporary file and a rename, so that dnsmasq
 * never reads half a file. 1 when it changed, 0 when it was the same. */
static int
replace_file(const char *path, const char *text)
{
	GR_AUTOFREE char *old = slurp(path, NULL);
	GR_AUTOFREE char *tmp = gr_xasprintf("%s.tmp", path);
	int fd;

	if (old && strcmp(old, text) == 0)
		return 0;
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0644)) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot write %s: %s.", tmp,
		    strerror(errno));
		return -1;
	}
	if (gr_write_all(fd, text, strlen(text), tmp) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	if (rename(tmp, path) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot rename %s: %s.", tmp,
		    strerror(errno));
		return -1;
	}
	return 1;
}

static int
mkdirs(const char *dir)
{
	char p[DHCP_PATH];

	snprintf(p, sizeof(p), "%s", dir);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = '\0';
			mkdir(p, 0755);
			*s = '/';
		}
	if (mkdir(p, 0755) < 0 && errno != EEXIST) {
		gr_error(GR_ERR_SYSTEM, "Cannot create %s: %s.", p,
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* Releases the leases of the hosts in old that new no longer has. */
static void
release_gone(int nsfd, const char *dev, const char *old, const char *new)
{
	GR_AUTOFREE char *copy = gr_xstrdup(old ? old : "");
	char *save = NULL, *line;

	for (line = strtok_r(copy, "\n", &save); line;
	    line = strtok_r(NULL, "\n", &save)) {
		char mac[DOC_MAC], ip[DOC_IP], *c1, *c2;

		if (strstr(new, line) != NULL || (c1 = strchr(line, ',')) ==
		    NULL || (c2 = strchr(c1 + 1, ',')) == NULL)
			continue;
		snprintf(mac, sizeof(mac), "%.*s", (int)(c1 - line), line);
		snprintf(ip, sizeof(ip), "%.*s", (int)(c2 - c1 - 1), c1 + 1);
		char *argv[] = { DHCP_RELEASE, (char *)dev, ip, mac, NULL };

		gr_info("releasing the lease of %s (%s)", mac, ip);
		if (spawn_in(nsfd, argv) < 0)
			gr_warn("%s", gr_err_msg());
	}
}

/* The DHCP port as a leg into qdhcp-<net>, with its addresses. */
static int
plumb(struct netagent *a, const struct doc_net *n, int br)
{
	const struct doc_dhcp *dh = n->dhcp;
	struct leg g = { .ns = dh->ns, .dev = dh->dev, .tap = dh->tap,
	    .mac = dh->mac, .mtu = n->mtu };

	for (int i = 0; i < dh->nips; i++) {
		const struct doc_subnet *s = doc_subnet(n, dh->ips[i].subnet_id);
		const char *slash = s ? strchr(s->cidr, '/') : NULL;

		if (slash)
			leg_addr(&g, dh->ips[i].ip, atoi(slash + 1));
	}
	return leg_apply(a, &g, br);
}

int
dhcp_apply(struct netagent *a, const struct doc_net *n, int br)
{
	const struct doc_dhcp *dh = n->dhcp;
	struct dhcp_paths p;
	char **argv = NULL;
	GR_AUTOFREE char *hosts = NULL, *opts = NULL, *old = NULL;
	int nsfd = -1, ret = -1, hchanged, ochanged;
	pid_t pid;

	dhcp_paths(a->state_dir, n->id, &p);
	if (mkdirs(p.dir) < 0 || netns_add(a->netns_dir, dh->ns) < 0 ||
	    (nsfd = netns_open(a->netns_dir, dh->ns)) < 0 ||
	    plumb(a, n, br) < 0)
		goto out;
	hosts = dhcp_hosts_text(n);
	opts = dhcp_opts_text(n);
	old = slurp(p.hosts, NULL);
	if ((hchanged = replace_file(p.hosts, hosts)) < 0 ||
	    (ochanged = replace_file(p.opts, opts)) < 0)
		goto out;
	argv = dhcp_argv(&p, n);
	if ((pid = running(&p, argv)) > 0) {
		if (hchanged || ochanged) {
			release_gone(nsfd, dh->dev, old, hosts);
			/* dnsmasq rereads its hosts and options files. */
			kill(pid, SIGHUP);
		}
		ret = 0;
		goto out;
	}
	if ((pid = ours(&p)) > 0) {
		gr_info("restarting dnsmasq %ld of %s: its command line "
		    "changed", (long)pid, n->id);
		if (hchanged)
			release_gone(nsfd, dh->dev, old, hosts);
		stop(pid);
	}
	gr_info("starting dnsmasq for network %s in %s", n->id, dh->ns);
	unlink(p.pid);
	ret = spawn_in(nsfd, argv);
out:
	dhcp_argv_free(argv);
	if (nsfd >= 0)
		close(nsfd);
	return ret;
}

static void
remove_files(const struct dhcp_paths *p)
{
	const char *files[] = { p->pid, p->hosts, p->opts, p->leases };

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	rmdir(p->dir);
}

/* Removes the DHCP of network id: its dnsmasq, veth, namespace, files. */
static int
dhcp_remove(struct netagent *a, const char *id)
{
	struct dhcp_paths p;
	char ns[DOC_IFNAME + 48];
	pid_t pid;

	gr_info("removing the DHCP of network %s", id);
	dhcp_paths(a->state_dir, id, &p);
	if ((pid = ours(&p)) > 0)
		stop(pid);
	snprintf(ns, sizeof(ns), "qdhcp-%s", id);
	/* Deleting the namespace deletes its veth end and so the pair. */
	if (netns_del(a->netns_dir, ns) < 0)
		return -1;
	remove_files(&p);
	return 0;
}

static int
has_dhcp(const struct doc *d, const char *id)
{
	const struct doc_net *n = doc_net(d, id);

	return n && n->dhcp;
}

int
dhcp_prune(struct netagent *a, const struct doc *d)
{
	GR_AUTOFREE char (*ids)[37] = NULL;
	int n, ret = 0;

	netns_ids(a->netns_dir, "qdhcp-", &ids, &n);
	for (int i = 0; i < n; i++)
		if (!has_dhcp(d, ids[i]) && dhcp_remove(a, ids[i]) < 0)
			ret = -1;
	return ret;
}

int
dhcp_alive(const struct netagent *a, const struct doc_net *n)
{
	struct dhcp_paths p;
	char **argv;
	int r;

	dhcp_paths(a->state_dir, n->id, &p);
	argv = dhcp_argv(&p, n);
	r = running(&p, argv) > 0;
	dhcp_argv_free(argv);
	return r;
}

int
dhcp_has_host(const struct netagent *a, const char *net_id, const char *mac)
{
	struct dhcp_paths p;
	GR_AUTOFREE char *text = NULL;
	char want[DOC_MAC + 2];

	dhcp_paths(a->state_dir, net_id, &p);
	if ((text = slurp(p.hosts, NULL)) == NULL)
		return 0;
	snprintf(want, sizeof(want), "%s,", mac);
	for (char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') +
	    1 : NULL)
		if (strncmp(l, want, strlen(want)) == 0)
			return 1;
	return 0;
}
