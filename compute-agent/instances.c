/* instances.c - see instances.h. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <libvirt/virterror.h>
#include <openssl/evp.h>

#include "gr_buf.h"
#include "gr_err.h"
#include "gr_httpc.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "instances.h"
#include "vm_xml.h"

#define REPORT_TIMEOUT_MS	10000
#define CONSOLE_MAX		(1 << 20)	/* bytes of console returned */
#define WORKERS_GRACE_S		30	/* s a stopping agent waits for work */

/* libvirt power states as Nova numbers them. */
enum { PS_NOSTATE = 0, PS_RUNNING = 1, PS_PAUSED = 3, PS_SHUTDOWN = 4,
    PS_CRASHED = 6 };

static struct inst_ctx *ctx;

/* Worker threads under way, so that a stopping agent lets them finish
 * before it closes the libvirt connection they use (inst_free). */
static pthread_mutex_t workers_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t workers_done = PTHREAD_COND_INITIALIZER;
static int workers;

static virDomainPtr lookup(const char *id);

int
inst_init(struct inst_ctx *c, struct inv_ctx *inv, struct imgcache *cache,
    struct gr_agent *agent, long shutdown_timeout)
{
	c->inv = inv;
	c->cache = cache;
	c->agent = agent;
	c->shutdown_timeout = shutdown_timeout;
	c->dir = gr_xasprintf("%s/instances", inv->state_dir);
	if (mkdir(c->dir, 0755) < 0 && errno != EEXIST) {
		gr_error(GR_ERR_SYSTEM, "Cannot create '%s': %s.", c->dir,
		    strerror(errno));
		return -1;
	}
	ctx = c;
	return 0;
}

void
inst_free(struct inst_ctx *c)
{
	struct timespec until;

	/* A boot or an operation under way finishes (up to its guest's
	 * shutdown timeout and a margin) before libvirt is closed. */
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += c->shutdown_timeout + WORKERS_GRACE_S;
	pthread_mutex_lock(&workers_lock);
	if (workers > 0)
		gr_info("waiting for %d operations under way", workers);
	while (workers > 0 && pthread_cond_timedwait(&workers_done,
	    &workers_lock, &until) == 0)
		;
	if (workers > 0)
		gr_warn("stopping with %d operations still under way", workers);
	pthread_mutex_unlock(&workers_lock);
	free(c->dir);
}

static const char *
virt_msg(void)
{
	const virError *e = virGetLastError();

	return e && e->message ? e->message : "unknown libvirt error";
}

/* ---- small helpers ---- */

/* Runs argv, waits; on failure records its stderr in the error. */
static int
run(char *const argv[])
{
	int pipefd[2], status;
	char out[1024];
	ssize_t n, got = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		goto syserr;
	pid = fork();
	if (pid < 0)
		goto syserr;
	if (pid == 0) {
		dup2(pipefd[1], 2);
		dup2(pipefd[1], 1);
		execvp(argv[0], argv);
		_exit(127);
	}
	close(pipefd[1]);
	while ((n = read(pipefd[0], out + got, sizeof(out) - 1 - got)) > 0)
		got += n;
	out[got] = '\0';
	close(pipefd[0]);
	if (waitpid(pid, &status, 0) < 0)
		goto syserr;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	out[strcspn(out, "\n")] = '\0';
	gr_error(GR_ERR_INTERNAL, "%s failed (status %d): %s", argv[0],
	    WIFEXITED(status) ? WEXITSTATUS(status) : -1, out);
	return -1;
syserr:
	gr_error(GR_ERR_SYSTEM, "Cannot run %s: %s.", argv[0], strerror(errno));
	return -1;
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)ftw;
	if (flag == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static void
rm_rf(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static int
write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);

	if (fd < 0 || write(fd, data, len) != (ssize_t)len) {
		gr_error(GR_ERR_SYSTEM, "Cannot write '%s': %s.", path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return close(fd);
}

/* Instance ids become paths and domain names: only UUID characters. */
static int
check_id(const char *id)
{
	size_t n = strlen(id);

	if (n != 36 || strspn(id, "0123456789abcdef-") != n) {
		gr_error(GR_ERR_BAD_REQUEST, "'%.40s' is not an instance id.", id);
		return -1;
	}
	return 0;
}

static void
domain_name(const char *id, char out[64])
{
	snprintf(out, 64, "instance-%s", id);
}

/* ---- reports ---- */

static void
report(const char *id, const char *vm_state, int power, const char *event,
    const char *fault)
{
	GR_AUTOFREE char *url = gr_xasprintf("%s/internal/v1/instances/%s/state",
	    ctx->agent->controller_url, id);
	json_t *body = json_pack("{s:s,s:i,s:s,s:s}", "vm_state", vm_state,
	    "power_state", power, "event", event, "host", ctx->agent->host);
	struct gr_httpc_resp r;

	if (fault)
		json_object_set_new(body, "fault", json_pack("{s:s}", "message",
		    fault));
	/* A lost report is repaired by the next resync; log and go on. */
	if (gr_httpc_json("POST", url, body, &ctx->agent->signer,
	    REPORT_TIMEOUT_MS, &r) < 0)
		gr_warn("cannot report %s of %s: %s", event, id, gr_err_msg());
	else if (r.status != 204)
		gr_warn("the controller answered %ld to the %s report of %s: %s",
		    r.status, event, id, r.body);
	if (r.body)
		gr_httpc_resp_free(&r);
	json_decref(body);
}

static int
power_of(virDomainPtr d)
{
	int state, reason;

	if (virDomainGetState(d, &state, &reason, 0) < 0)
		return PS_NOSTATE;
	switch (state) {
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
		return PS_RUNNING;
	case VIR_DOMAIN_PAUSED:
		return PS_PAUSED;
	case VIR_DOMAIN_CRASHED:
		return PS_CRASHED;
	default:
		return PS_SHUTDOWN;
	}
}

/* The vm_state a power state reports: running is active, else stopped. */
static const char *
vm_state_of(int ps)
{
	return ps == PS_RUNNING ? "active" : "stopped";
}

/* The instance id of a domain named "instance-<uuid>", or NULL. */
static const char *
instance_of(virDomainPtr d)
{
	const char *name = virDomainGetName(d);

	if (strncmp(name, "instance-", 9) != 0 || check_id(name + 9) < 0)
		return NULL;
	return name + 9;
}

/* Destroys and undefines the instance's domain (if any) and removes its
 * directory: disk, base link, config drive, console log. */
static void
remove_instance(const char *id)
{
	GR_AUTOFREE char *dir = gr_xasprintf("%s/%s", ctx->dir, id);
	virDomainPtr d = lookup(id);

	if (d) {
		if (virDomainIsActive(d) == 1)
			virDomainDestroy(d);
		virDomainUndefine(d);
		virDomainFree(d);
	}
	rm_rf(dir);
}

void
inst_resync(struct inst_ctx *c)
{
	virDomainPtr *doms = NULL;
	int n;

	if (inv_connect(c->inv) < 0)
		return;
	n = virConnectListAllDomains(c->inv->conn, &doms, 0);
	for (int i = 0; i < n; i++) {
		const char *id = instance_of(doms[i]);
		int ps = power_of(doms[i]);

		if (id)
			report(id, vm_state_of(ps), ps, "resync", NULL);
		virDomainFree(doms[i]);
	}
	free(doms);
	gr_err_clear();
}

/* ---- orphans ---- */

/* An instance this node holds: its domain, its directory, or both. */
struct held {
	char	id[37];
	int	dom, dir;
};

static struct held *
held_add(struct held **v, int *n, const char *id)
{
	for (int i = 0; i < *n; i++)
		if (strcmp((*v)[i].id, id) == 0)
			return &(*v)[i];
	*v = gr_xrealloc(*v, (size_t)(*n + 1) * sizeof(**v));
	memset(&(*v)[*n], 0, sizeof(**v));
	snprintf((*v)[*n].id, sizeof((*v)[*n].id), "%s", id);
	return &(*v)[(*n)++];
}

/* What libvirt and the instances directory hold, or -1 with the error. */
static int
held_list(struct held **v, int *n)
{
	virDomainPtr *doms = NULL;
	struct dirent *e;
	DIR *d;
	int nd;

	if (inv_connect(ctx->inv) < 0 ||
	    (nd = virConnectListAllDomains(ctx->inv->conn, &doms, 0)) < 0) {
		if (gr_err_code() == GR_ERR_NONE)
			gr_error(GR_ERR_INTERNAL, "Cannot list domains: %s",
			    virt_msg());
		return -1;
	}
	for (int i = 0; i < nd; i++) {
		const char *id = instance_of(doms[i]);

		if (id)
			held_add(v, n, id)->dom = 1;
		virDomainFree(doms[i]);
	}
	free(doms);
	if ((d = opendir(ctx->dir)) != NULL) {
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' && check_id(e->d_name) == 0)
				held_add(v, n, e->d_name)->dir = 1;
		closedir(d);
	}
	gr_err_clear();
	return 0;
}

/* The instances the controller places on this node ({id, vm_state,
 * task_state}), or NULL with the error. */
static json_t *
placed_here(void)
{
	GR_AUTOFREE char *url = gr_xasprintf("%s/internal/v1/hosts/%s/instances",
	    ctx->agent->controller_url, ctx->agent->host);
	struct gr_httpc_resp r;
	json_t *doc = NULL, *ids;

	if (gr_httpc_json("GET", url, NULL, &ctx->agent->signer,
	    REPORT_TIMEOUT_MS, &r) < 0)
		return NULL;
	if (r.status == 200)
		doc = json_loads(r.body, 0, NULL);
	gr_httpc_resp_free(&r);
	ids = json_object_get(doc, "instances");
	if (!json_is_array(ids)) {
		json_decref(doc);
		gr_error(GR_ERR_UNAVAILABLE, "The controller did not list this "
		    "node's instances (%ld).", r.status);
		return NULL;
	}
	json_incref(ids);
	json_decref(doc);
	return ids;
}

static json_t *
placed(json_t *list, const char *id)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) {
		const char *s = json_string_value(json_object_get(v, "id"));

		if (s && strcmp(s, id) == 0)
			return v;
	}
	return NULL;
}

/*
 * Tells the controller what libvirt says of an instance it places here
 * when the two disagree and no task is under way: a boot whose report
 * was lost (the controller was down) still shows building; a guest that
 * powered itself off, or was started or stopped behind the API's back,
 * shows the wrong state. As Nova's power-state sync, libvirt wins.
 */
static void
sync_state(json_t *inst, const char *id)
{
	const char *vm = json_string_value(json_object_get(inst, "vm_state"));
	const char *task = json_string_value(json_object_get(inst,
	    "task_state"));
	virDomainPtr d;
	int ps;

	if (vm == NULL || (task && strcmp(vm, "building") != 0) ||
	    (d = lookup(id)) == NULL)
		return;
	ps = power_of(d);
	virDomainFree(d);
	if (strcmp(vm, "building") == 0 && ps == PS_RUNNING)
		report(id, vm_state_of(ps), ps, "spawned", NULL);
	else if ((strcmp(vm, "active") == 0 || strcmp(vm, "stopped") == 0) &&
	    strcmp(vm, vm_state_of(ps)) != 0)
		report(id, vm_state_of(ps), ps, "power_sync", NULL);
	else
		return;
	gr_info("instance %s: the controller had it %s; libvirt has it %s",
	    id, vm, ps == PS_RUNNING ? "running" : "not running");
}

int
inst_reconcile(struct inst_ctx *c)
{
	struct held *v = NULL;
	json_t *ids = NULL, *inst;
	int n = 0, found = 0;

	/* Local view first: an instance placed after it cannot be in it,
	 * and one placed before it is in the controller's answer. */
	if (held_list(&v, &n) < 0 || (ids = placed_here()) == NULL) {
		gr_warn("reconcile skipped: %s", gr_err_msg());
		free(v);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		const char *what = !v[i].dir ? "domain" : !v[i].dom ?
		    "disk directory" : "domain and disk directory";

		if ((inst = placed(ids, v[i].id)) != NULL) {
			if (v[i].dom)
				sync_state(inst, v[i].id);
			continue;
		}
		found++;
		if (!c->orphan_remove) {
			gr_warn("orphan instance %s: the controller does not place "
			    "it here, but this node holds its %s in %s/%s (left, "
			    "as orphan_action = report)", v[i].id, what, c->dir,
			    v[i].id);
			continue;
		}
		remove_instance(v[i].id);
		gr_warn("orphan instance %s removed (its %s): the controller "
		    "does not place it here", v[i].id, what);
	}
	gr_debug("reconcile pass: %d instances held here, %zu placed here, %d "
	    "orphans", n, json_array_size(ids), found);
	json_decref(ids);
	free(v);
	gr_err_clear();
	return found;
}

/* ---- boot ---- */

struct boot {
	json_t	*spec;
	char	 id[37];
	double	 t[5];		/* when each phase ended: image, disk, config
				 * drive, define, start (for the log) */
};

static void
hostname_of(const char *name, char out[64])
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

/* The OpenStack config drive: meta_data.json and user_data on an ISO. */
static int
config_drive(const char *dir, json_t *spec, const char *iso)
{
	GR_AUTOFREE char *top = gr_xasprintf("%s/config", dir);
	GR_AUTOFREE char *latest = gr_xasprintf("%s/openstack/latest", top);
	GR_AUTOFREE char *os = gr_xasprintf("%s/openstack", top);
	GR_AUTOFREE char *meta = gr_xasprintf("%s/meta_data.json", latest);
	GR_AUTOFREE char *ud = gr_xasprintf("%s/user_data", latest);
	GR_AUTOFREE char *text = NULL;
	const char *name = json_string_value(json_object_get(spec, "name"));
	const char *key = json_string_value(json_object_get(spec, "public_key"));
	const char *udb64 = json_string_value(json_object_get(spec, "user_data"));
	char host[64];
	json_t *md;
	int ret;

	hostname_of(name, host);
	md = json_pack("{s:s,s:s,s:s,s:O,s:s}", "uuid", json_string_value(
	    json_object_get(spec, "id")), "hostname", host, "name", name,
	    "meta", json_object_get(spec, "metadata"), "availability_zone",
	    "nova");
	if (key && *key)
		json_object_set_new(md, "public_keys", json_pack("{s:s}",
		    "default", key));
	text = json_dumps(md, JSON_COMPACT);
	json_decref(md);
	if ((mkdir(top, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(os, 0755) < 0 && errno != EEXIST) ||
	    (mkdir(latest, 0755) < 0 && errno != EEXIST)) {
		gr_error(GR_ERR_SYSTEM, "Cannot create '%s': %s.", latest,
		    strerror(errno));
		return -1;
	}
	if (write_file(meta, text, strlen(text)) < 0)
		return -1;
	if (udb64 && *udb64) {
		size_t n = strlen(udb64);
		unsigned char *raw = gr_xmalloc(n);
		int len = EVP_DecodeBlock(raw, (const unsigned char *)udb64,
		    (int)n);

		/* EVP_DecodeBlock counts the '=' padding as zero bytes. */
		while (len > 0 && n > 0 && udb64[--n] == '=')
			len--;
		ret = len < 0 ? -1 : write_file(ud, raw, (size_t)len);
		free(raw);
		if (ret < 0) {
			gr_error(GR_ERR_BAD_REQUEST, "user_data is not base64.");
			return -1;
		}
	}
	/* genisoimage, as Nova: xorriso would cost 100 ms more (it sleeps
	 * that long for its writer thread). */
	char *argv[] = { "genisoimage", "-quiet", "-R", "-J", "-V", "config-2",
	    "-o", (char *)iso, top, NULL };
	ret = run(argv);
	rm_rf(top);
	return ret;
}

/* The instance's disk: a qcow2 overlay on a hard link to the cached base
 * (thin), or a fully allocated raw copy (thick). */
static int
make_disk(const char *dir, const char *base, json_t *spec, char **path,
    const char **format)
{
	long long gb = json_integer_value(json_object_get(spec, "disk_gb"));
	const char *prov = json_string_value(json_object_get(spec,
	    "disk_provisioning"));
	char size[32];

	snprintf(size, sizeof(size), "%lldG", gb);
	if (prov && strcmp(prov, "thick") == 0) {
		struct stat sb;
		int fd, err;

		*path = gr_xasprintf("%s/disk.raw", dir);
		*format = "raw";
		char *argv[] = { "qemu-img", "convert", "-q", "-O", "raw",
		    (char *)base, *path, NULL };
		if (run(argv) < 0)
			return -1;
		fd = open(*path, O_RDWR | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &sb) < 0) {
			gr_error(GR_ERR_SYSTEM, "Cannot open '%s'.", *path);
			if (fd >= 0)
				close(fd);
			return -1;
		}
		/* Thick: every block of the full size is allocated now. */
		off_t want = (off_t)gb << 30;
		err = posix_fallocate(fd, 0, want > sb.st_size ? want :
		    sb.st_size);
		close(fd);
		if (err) {
			gr_error(GR_ERR_SYSTEM, "Cannot preallocate %lld GB for "
			    "'%s': %s.", gb, *path, strerror(err));
			return -1;
		}
		return 0;
	}
	GR_AUTOFREE char *link_path = gr_xasprintf("%s/base", dir);
	*path = gr_xasprintf("%s/disk.qcow2", dir);
	*format = "qcow2";
	/* The link marks the cached base as in use (see imgcache.h). */
	if (link(base, link_path) < 0 && errno != EEXIST) {
		gr_error(GR_ERR_SYSTEM, "Cannot link the base image: %s.",
		    strerror(errno));
		return -1;
	}
	char *argv[] = { "qemu-img", "create", "-q", "-f", "qcow2", "-F",
	    "qcow2", "-b", link_path, *path, size, NULL };
	/* A flavor disk smaller than the image: keep the image's size. */
	if (gb <= 0)
		argv[10] = NULL;
	return run(argv);
}

static int
boot(struct boot *b)
{
	GR_AUTOFREE char *dir = gr_xasprintf("%s/%s", ctx->dir, b->id);
	GR_AUTOFREE char *base = NULL, *disk = NULL, *xml = NULL;
	GR_AUTOFREE char *iso = gr_xasprintf("%s/config.iso", dir);
	GR_AUTOFREE char *log = gr_xasprintf("%s/console.log", dir);
	const char *format;
	char dname[64];
	struct vm_spec vs;
	virDomainPtr dom = NULL;
	int downloaded, ret = -1;
	json_t *vj;

	memset(&vs, 0, sizeof(vs));
	if (mkdir(dir, 0755) < 0) {
		gr_error(GR_ERR_CONFLICT, "Instance %s already exists on this "
		    "node.", b->id);
		return -1;
	}
	if (imgcache_get(ctx->cache, json_string_value(json_object_get(b->spec,
	    "image_id")), &base, &downloaded) < 0)
		goto out;
	b->t[0] = gr_now();
	if (make_disk(dir, base, b->spec, &disk, &format) < 0)
		goto out;
	b->t[1] = gr_now();
	if (config_drive(dir, b->spec, iso) < 0)
		goto out;
	b->t[2] = gr_now();
	domain_name(b->id, dname);
	vj = json_pack("{s:s,s:s,s:s,s:s,s:O,s:O,s:s,s:s,s:s,s:s,s:s,s:s,s:[]}",
	    "uuid", b->id, "name", dname,
	    "display_name", json_string_value(json_object_get(b->spec, "name")),
	    "flavor_name", json_string_value(json_object_get(b->spec,
	    "flavor_name")),
	    "vcpus", json_object_get(b->spec, "vcpus"),
	    "memory_mb", json_object_get(b->spec, "memory_mb"),
	    "disk_path", disk, "disk_format", format,
	    "disk_bus", json_string_value(json_object_get(b->spec, "disk_bus")),
	    "config_drive", iso, "console_log", log,
	    "virt_type", ctx->inv->virt_type, "nics");
	/* Until tenant networks exist, one NIC on user-mode NAT (the guest
	 * gets 10.0.2.15 by DHCP), of the model the image asks for. */
	char mac[18];
	snprintf(mac, sizeof(mac), "52:54:00:%.2s:%.2s:%.2s", b->id, b->id + 2,
	    b->id + 4);
	json_array_append_new(json_object_get(vj, "nics"), json_pack(
	    "{s:s,s:s}", "mac", mac, "model", json_string_value(
	    json_object_get(b->spec, "vif_model"))));
	ret = vm_spec_from_json(vj, &vs);
	json_decref(vj);
	if (ret < 0)
		goto out;
	ret = -1;
	xml = vm_xml(&vs);
	if (inv_connect(ctx->inv) < 0)
		goto out;
	dom = virDomainDefineXML(ctx->inv->conn, xml);
	if (dom == NULL) {
		gr_error(GR_ERR_INTERNAL, "libvirt refused the domain: %s",
		    virt_msg());
		goto out;
	}
	b->t[3] = gr_now();
	if (virDomainCreate(dom) < 0) {
		gr_error(GR_ERR_INTERNAL, "libvirt could not start the domain: "
		    "%s", virt_msg());
		virDomainUndefine(dom);
		goto out;
	}
	b->t[4] = gr_now();
	ret = 0;
out:
	if (dom)
		virDomainFree(dom);
	vm_spec_free(&vs);
	if (ret < 0)
		rm_rf(dir);
	return ret;
}

static void *
boot_thread(void *arg)
{
	struct boot *b = arg;
	double t0 = gr_now();

	if (boot(b) < 0) {
		gr_warn("instance %s failed to boot: %s", b->id, gr_err_msg());
		report(b->id, "error", PS_NOSTATE, "error", gr_err_msg());
	} else {
		gr_info("instance %s running (%.0f ms: image %.0f, disk %.0f, "
		    "config drive %.0f, define %.0f, start %.0f)", b->id,
		    (gr_now() - t0) * 1e3, (b->t[0] - t0) * 1e3,
		    (b->t[1] - b->t[0]) * 1e3, (b->t[2] - b->t[1]) * 1e3,
		    (b->t[3] - b->t[2]) * 1e3, (b->t[4] - b->t[3]) * 1e3);
		report(b->id, "active", PS_RUNNING, "spawned", NULL);
	}
	json_decref(b->spec);
	free(b);
	return NULL;
}

struct worker {
	void	*(*fn)(void *);
	void	*arg;
};

static void *
worker_main(void *arg)
{
	struct worker w = *(struct worker *)arg;

	free(arg);
	w.fn(w.arg);
	pthread_mutex_lock(&workers_lock);
	if (--workers == 0)
		pthread_cond_broadcast(&workers_done);
	pthread_mutex_unlock(&workers_lock);
	return NULL;
}

static int
spawn(void *(*fn)(void *), void *arg)
{
	struct worker *w = gr_xmalloc(sizeof(*w));
	pthread_attr_t at;
	pthread_t t;
	int err;

	w->fn = fn;
	w->arg = arg;
	pthread_mutex_lock(&workers_lock);
	workers++;
	pthread_mutex_unlock(&workers_lock);
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&t, &at, worker_main, w);
	pthread_attr_destroy(&at);
	if (err) {
		free(w);
		pthread_mutex_lock(&workers_lock);
		workers--;
		pthread_mutex_unlock(&workers_lock);
		gr_error(GR_ERR_SYSTEM, "Cannot start a worker thread: %s.",
		    strerror(err));
		return -1;
	}
	return 0;
}

int
inst_create(struct gr_req *req, struct gr_resp *resp)
{
	json_t *spec = gr_req_json(req);
	const char *id = NULL, *img = NULL;
	struct boot *b;

	if (spec == NULL || gr_json_str(spec, "id", 1, 36, &id) < 0 ||
	    check_id(id) < 0 || gr_json_str(spec, "image_id", 1, 36, &img) < 0)
		return -1;
	b = gr_xcalloc(1, sizeof(*b));
	b->spec = json_incref(spec);
	snprintf(b->id, sizeof(b->id), "%s", id);
	if (spawn(boot_thread, b) < 0) {
		json_decref(b->spec);
		free(b);
		return -1;
	}
	gr_resp_empty(resp, 202);
	return 0;
}

/* ---- lifecycle ---- */

struct op {
	char	id[37];
	char	what[16];	/* delete, stop, start, reboot, snapshot */
	int	hard;
	char	image_id[37];	/* snapshot: the queued image to fill */
	char	token[129];	/* snapshot: the user's, for the upload */
};

static virDomainPtr
lookup(const char *id)
{
	char name[64];

	domain_name(id, name);
	if (inv_connect(ctx->inv) < 0)
		return NULL;
	return virDomainLookupByName(ctx->inv->conn, name);
}

/* Asks the guest to shut down (the ACPI power button); forces it off
 * after the timeout. The log says which it was. */
static void
stop_domain(virDomainPtr d)
{
	double t0 = gr_now(), end = t0 + ctx->shutdown_timeout;
	const char *name = virDomainGetName(d);

	if (virDomainIsActive(d) != 1)
		return;
	if (ctx->shutdown_timeout > 0 && virDomainShutdown(d) == 0) {
		while (gr_now() < end && virDomainIsActive(d) == 1)
			usleep(20000);
		if (virDomainIsActive(d) != 1) {
			gr_info("%s: the guest shut down in %.0f ms", name,
			    (gr_now() - t0) * 1e3);
			return;
		}
	}
	virDomainDestroy(d);
	gr_info("%s: forced off (no clean shutdown within %ld s)", name,
	    ctx->shutdown_timeout);
}

/*
 * A snapshot: the guest is paused (if it runs) while qemu-img copies its
 * disk, overlay and base flattened into one qcow2, then resumed; the copy
 * is uploaded to the image the controller created. The pause makes the
 * copy crash-consistent, as a power cut at that instant would leave it.
 */
static int
snapshot(struct op *o, virDomainPtr d)
{
	GR_AUTOFREE char *dir = gr_xasprintf("%s/%s", ctx->dir, o->id);
	GR_AUTOFREE char *disk = gr_xasprintf("%s/disk.qcow2", dir);
	GR_AUTOFREE char *out = gr_xasprintf("%s/snapshot-%s.qcow2", dir,
	    o->image_id);
	GR_AUTOFREE char *url = gr_xasprintf("%s/v2/images/%s/file",
	    ctx->cache->image_url, o->image_id);
	const char *fmt = "qcow2";
	struct gr_httpc_resp r = { 0 };
	int paused = 0, ret;
	double t0 = gr_now();

	if (access(disk, F_OK) < 0) {
		free(disk);
		disk = gr_xasprintf("%s/disk.raw", dir);
		fmt = "raw";
	}
	if (virDomainIsActive(d) == 1) {
		if (virDomainSuspend(d) < 0) {
			gr_error(GR_ERR_INTERNAL, "Cannot pause the guest for "
			    "the snapshot: %s", virt_msg());
			return -1;
		}
		paused = 1;
	}
	/* -U: qemu keeps its lock on the disk while the guest is paused. */
	char *argv[] = { "qemu-img", "convert", "-q", "-U", "-f", (char *)fmt,
	    "-O", "qcow2", disk, out, NULL };
	ret = run(argv);
	if (paused && virDomainResume(d) < 0)
		gr_warn("instance %s: cannot resume after the snapshot: %s",
		    o->id, virt_msg());
	gr_info("instance %s: disk copied for image %s in %.0f ms%s", o->id,
	    o->image_id, (gr_now() - t0) * 1e3, paused ? " (guest paused)" :
	    "");
	if (ret == 0) {
		ret = gr_httpc_put_file(url, o->token, out, NULL, 3600, &r);
		if (ret == 0 && r.status != 204) {
			gr_error(GR_ERR_UNAVAILABLE, "The image service refused "
			    "the snapshot's data (%ld): %.300s", r.status,
			    r.body ? r.body : "");
			ret = -1;
		}
		gr_httpc_resp_free(&r);
	}
	unlink(out);
	return ret;
}

/* A failed snapshot leaves no image behind: the queued one goes. */
static void
snapshot_undo(struct op *o)
{
	GR_AUTOFREE char *url = gr_xasprintf("%s/v2/images/%s",
	    ctx->cache->image_url, o->image_id);
	struct gr_httpc_resp r;

	if (gr_httpc_token("DELETE", url, NULL, o->token, REPORT_TIMEOUT_MS,
	    &r) == 0)
		gr_httpc_resp_free(&r);
}

static void *
op_thread(void *arg)
{
	struct op *o = arg;
	virDomainPtr d = NULL;

	if (strcmp(o->what, "delete") == 0) {
		remove_instance(o->id);
		report(o->id, "deleted", PS_NOSTATE, "deleted", NULL);
		goto out;
	}
	d = lookup(o->id);
	if (d == NULL) {
		if (strcmp(o->what, "snapshot") == 0)
			snapshot_undo(o);
		report(o->id, "error", PS_NOSTATE, "error", "The instance's "
		    "domain is missing on its node.");
		goto out;
	}
	if (strcmp(o->what, "snapshot") == 0) {
		int failed = snapshot(o, d) < 0, ps = power_of(d);

		if (failed)
			gr_warn("instance %s: snapshot failed: %s", o->id,
			    gr_err_msg());
		report(o->id, vm_state_of(ps), ps, failed ? "snapshot_failed" :
		    "snapshot", failed ? gr_err_msg() : NULL);
		if (failed)
			snapshot_undo(o);
	} else if (strcmp(o->what, "stop") == 0) {
		stop_domain(d);
		report(o->id, "stopped", power_of(d), "stopped", NULL);
	} else {
		/* start, or reboot: a soft one shuts down first. */
		if (strcmp(o->what, "reboot") == 0) {
			if (o->hard)
				virDomainDestroy(d);
			else
				stop_domain(d);
		}
		if (virDomainIsActive(d) != 1 && virDomainCreate(d) < 0) {
			report(o->id, "error", power_of(d), "error", virt_msg());
			goto out;
		}
		report(o->id, "active", power_of(d), o->what, NULL);
	}
out:
	if (d)
		virDomainFree(d);
	free(o);
	return NULL;
}

/* Runs op (what, and its arguments) on the instance the path names, on
 * its own thread; 202 at once. */
static int
start_op(struct gr_req *req, struct gr_resp *resp, const struct op *op)
{
	struct op *o;

	if (check_id(req->params[0]) < 0)
		return -1;
	o = gr_xmalloc(sizeof(*o));
	*o = *op;
	snprintf(o->id, sizeof(o->id), "%s", req->params[0]);
	if (spawn(op_thread, o) < 0) {
		free(o);
		return -1;
	}
	gr_resp_empty(resp, 202);
	return 0;
}

int
inst_delete(struct gr_req *req, struct gr_resp *resp)
{
	return start_op(req, resp, &(struct op){ .what = "delete" });
}

int
inst_stop(struct gr_req *req, struct gr_resp *resp)
{
	return start_op(req, resp, &(struct op){ .what = "stop" });
}

int
inst_start(struct gr_req *req, struct gr_resp *resp)
{
	return start_op(req, resp, &(struct op){ .what = "start" });
}

int
inst_reboot(struct gr_req *req, struct gr_resp *resp)
{
	json_t *b = req->body_len ? gr_req_json(req) : NULL;
	const char *type = b ? json_string_value(json_object_get(b, "type")) :
	    NULL;

	return start_op(req, resp, &(struct op){ .what = "reboot",
	    .hard = type && strcmp(type, "HARD") == 0 });
}

/* POST /v1/instances/{id}/snapshot {"image_id", "token"} */
int
inst_snapshot(struct gr_req *req, struct gr_resp *resp)
{
	json_t *b = gr_req_json(req);
	const char *img = NULL, *token = NULL;
	struct op o = { .what = "snapshot" };

	if (b == NULL || gr_json_str(b, "image_id", 1, 36, &img) < 0 ||
	    check_id(img) < 0 || gr_json_str(b, "token", 1, 128, &token) < 0)
		return -1;
	snprintf(o.image_id, sizeof(o.image_id), "%s", img);
	snprintf(o.token, sizeof(o.token), "%s", token);
	return start_op(req, resp, &o);
}

/* GET /v1/instances/{id}/console?length=N: the last N lines (all if -1). */
int
inst_console(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTOFREE char *path = NULL;
	const char *l = gr_req_query(req, "length");
	long length = l ? atol(l) : -1;
	struct gr_buf b = GR_BUF_INIT(0);
	char chunk[65536];
	struct stat sb;
	off_t start = 0;
	size_t n;
	FILE *f;

	if (check_id(req->params[0]) < 0)
		return -1;
	path = gr_xasprintf("%s/%s/console.log", ctx->dir, req->params[0]);
	f = fopen(path, "r");
	if (f == NULL) {
		gr_error(GR_ERR_NOT_FOUND, "No console log for instance %s on "
		    "this node.", req->params[0]);
		return -1;
	}
	if (fstat(fileno(f), &sb) == 0 && sb.st_size > CONSOLE_MAX)
		start = sb.st_size - CONSOLE_MAX;
	fseeko(f, start, SEEK_SET);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		gr_buf_add(&b, chunk, n);
	fclose(f);
	char *text = b.data ? b.data : "";
	if (length >= 0) {
		/* Keep the last `length` lines. */
		size_t end = b.len;
		long lines = 0;

		if (end > 0 && text[end - 1] == '\n')
			end--;
		size_t i = end;
		while (i > 0) {
			if (text[i - 1] == '\n' && ++lines == length)
				break;
			i--;
		}
		if (length == 0)
			i = b.len;
		text += i;
	}
	/* The console may hold any bytes; JSON strings must be UTF-8. */
	if (!gr_utf8_valid(text, strlen(text)))
		for (char *p = text; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
	gr_resp_json(resp, 200, json_pack("{s:s}", "output", text));
	gr_buf_free(&b);
	return 0;
}
