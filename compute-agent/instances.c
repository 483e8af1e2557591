/* instances.c - see instances.h. */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "boot.h"
#include "boot_spec.h"
#include "config_drive.h"
#include "disk.h"
#include "domain.h"
#include "gr_buf.h"
#include "gr_err.h"
#include "gr_json.h"
#include "gr_log.h"
#include "gr_util.h"
#include "imgcache.h"
#include "instances.h"
#include "report.h"
#include "snapshot.h"

#define CONSOLE_MAX	(1 << 20)	/* bytes of console returned */

/* The handlers' context: gr_http passes none to a handler. Set by
 * inst_init, cleared by inst_free; main.c owns what it points to. */
static struct node_ctx *inst;

int
inst_init(struct node_ctx *ctx, const struct gr_conf *c,
    struct inv_ctx *inv, struct imgcache *cache, struct gr_agent *agent)
{
	const char *orphans = gr_conf_get(c, "orphan_action", "remove");

	*ctx = (struct node_ctx){ .inv = inv, .cache = cache, .agent = agent,
	    .tasks = GR_TASKS_INIT("operations", NULL) };
	if (gr_conf_int(c, "shutdown_timeout", 10, 0, 3600,
	    &ctx->shutdown_timeout) < 0)
		return -1;
	if (strcmp(orphans, "remove") != 0 && strcmp(orphans, "report") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "%s: orphan_action must be 'remove' "
		    "or 'report', not '%s'.", c->path, orphans);
		return -1;
	}
	ctx->orphan_remove = strcmp(orphans, "remove") == 0;
	ctx->dir = gr_xasprintf("%s/instances", inv->state_dir);
	if (mkdir(ctx->dir, 0755) < 0 && errno != EEXIST) {
		gr_error(GR_ERR_SYSTEM, "Cannot create '%s': %s.", ctx->dir,
		    strerror(errno));
		return -1;
	}
	inst = ctx;
	return 0;
}

void
inst_free(struct node_ctx *ctx)
{
	/* A boot or an operation under way finishes (up to its guest's
	 * shutdown timeout and a margin) before the image cache and
	 * libvirt go. */
	if (gr_tasks_drain(&ctx->tasks, ctx->shutdown_timeout +
	    INST_GRACE_S) > 0) {
		/* What they use (the image cache, libvirt, the node's key)
		 * must outlive them: leave without tearing anything down. */
		gr_err_log("exiting with operations still under way; their "
		    "instances are reconciled when the agent is back");
		_exit(1);
	}
	free(ctx->dir);
	ctx->dir = NULL;
	inst = NULL;
}

/* POST /v1/instances: the boot spec, checked whole before a task runs. */
int
inst_create(struct gr_req *req, struct gr_resp *resp)
{
	json_t *j = gr_req_json(req);
	struct boot_spec spec;

	if (j == NULL || boot_spec_parse(j, &spec) < 0)
		return -1;
	if (boot_start(inst, &spec) < 0) {
		boot_spec_free(&spec);
		return -1;
	}
	gr_resp_empty(resp, 202);
	return 0;
}

/* ---- operations on an instance's domain ---- */

struct op_kind;

struct op {
	struct node_ctx		*ctx;
	const struct op_kind	*kind;
	char			 id[37];
	int			 hard;		/* reboot: destroy first */
	struct snap_req		 snap;		/* snapshot: where to */
	char			 image_id[37];	/* rebuild: the new image */
	long long		 disk_gb;	/* rebuild: 0 = the image's */
	struct boot_spec	*config;	/* rebuild: the new config drive */
};

/*
 * What each operation does. run gets the instance's domain (NULL only
 * for an operation that needs none) and reports the outcome; when the
 * domain is missing, undo (if any) runs and an error is reported.
 */
struct op_kind {
	const char	*name;		/* the report's event */
	int		 needs_domain;
	void		(*run)(struct op *o, virDomainPtr d);
	void		(*undo)(struct op *o);
};

static void
report(struct op *o, const char *vm_state, int power, const char *event,
    const char *fault)
{
	report_state(o->ctx->agent, o->id, vm_state, power, event, fault);
}

static void
op_delete(struct op *o, virDomainPtr d)
{
	(void)d;
	domain_remove(o->ctx, o->id);
	report(o, "deleted", DOMAIN_NOSTATE, "deleted", NULL);
}

static void
op_stop(struct op *o, virDomainPtr d)
{
	domain_stop(o->ctx, d);
	report(o, "stopped", domain_power(d), "stopped", NULL);
}

/* start, and the end of a reboot: an inactive domain is started. */
static void
op_start(struct op *o, virDomainPtr d)
{
	if (virDomainIsActive(d) != 1 && virDomainCreate(d) < 0) {
		report(o, "error", domain_power(d), "error", inv_virt_msg());
		return;
	}
	report(o, "active", domain_power(d), o->kind->name, NULL);
}

/* A soft reboot shuts the guest down first; a hard one pulls the plug. */
static void
op_reboot(struct op *o, virDomainPtr d)
{
	if (o->hard)
		virDomainDestroy(d);
	else
		domain_stop(o->ctx, d);
	op_start(o, d);
}

static void
op_snapshot(struct op *o, virDomainPtr d)
{
	int failed = snap_take(o->ctx, o->id, &o->snap, d) < 0;
	enum domain_power ps = domain_power(d);

	if (failed)
		gr_warn("instance %s: snapshot failed: %s", o->id,
		    gr_err_msg());
	report(o, domain_vm_state(d), ps, failed ? "snapshot_failed" :
	    "snapshot", failed ? gr_err_msg() : NULL);
	if (failed)
		snap_undo(o->ctx, &o->snap);
}

/*
 * pause, unpause, suspend (libvirt's managed save: the guest's memory to
 * disk, the domain off), resume (a start restores the saved image) and
 * crash_dump (an NMI into the guest, whose kernel may dump).
 * A libvirt refusal leaves the domain as it was: the report says what it
 * is and that the operation failed, with libvirt's reason.
 */
static void
op_power(struct op *o, virDomainPtr d)
{
	const char *name = o->kind->name;
	int rc;

	if (strcmp(name, "pause") == 0)
		rc = virDomainSuspend(d);
	else if (strcmp(name, "unpause") == 0)
		rc = virDomainResume(d);
	else if (strcmp(name, "suspend") == 0)
		rc = virDomainManagedSave(d, 0);
	else if (strcmp(name, "crash_dump") == 0)
		rc = virDomainInjectNMI(d, 0);
	else
		rc = virDomainCreate(d);
	if (rc < 0) {
		gr_warn("instance %s: %s failed: %s", o->id, name,
		    inv_virt_msg());
		report(o, domain_vm_state(d), domain_power(d), "failed",
		    inv_virt_msg());
		return;
	}
	report(o, domain_vm_state(d), domain_power(d), name, NULL);
}

/* Replaces the disk of instance dir with one made from base, of the same
 * provisioning as the old. 0, or -1 with the error (the old is gone). */
static int
rebuild_disk(struct op *o, const char *dir, const char *base)
{
	GR_AUTOFREE char *old = NULL, *link_path = NULL, *made = NULL;
	const char *format;
	enum boot_prov prov;

	disk_find(dir, &old, &format);
	prov = strcmp(format, "qcow2") == 0 ? BOOT_THIN : BOOT_THICK;
	link_path = gr_xasprintf("%s/base", dir);
	if ((unlink(old) < 0 && errno != ENOENT) ||
	    (unlink(link_path) < 0 && errno != ENOENT)) {
		gr_error(GR_ERR_SYSTEM, "Cannot remove the old disk of %s: %s.",
		    o->id, strerror(errno));
		return -1;
	}
	return disk_make(dir, base, prov, o->disk_gb, &made, &format);
}

/*
 * rebuild: the new image is fetched first (a failure there changes
 * nothing: the domain is as it was and the report says why); then the
 * domain is powered off, its disk made anew from the image, and it is
 * started again unless it was off (as Nova keeps a stopped server
 * stopped). The domain's definition stays (same devices, NICs); the
 * config drive is written anew when the request gives its contents.
 */
static void
op_rebuild(struct op *o, virDomainPtr d)
{
	GR_AUTOFREE char *base = NULL, *dir = node_inst_dir(o->ctx, o->id);
	int was_on = virDomainIsActive(d) == 1, downloaded;

	if (imgcache_get(o->ctx->cache, o->image_id, &base, &downloaded) < 0) {
		report(o, domain_vm_state(d), domain_power(d), "failed",
		    gr_err_msg());
		return;
	}
	if (was_on)
		virDomainDestroy(d);
	if (virDomainHasManagedSaveImage(d, 0) == 1)
		virDomainManagedSaveRemove(d, 0);
	if (rebuild_disk(o, dir, base) < 0) {
		report(o, "error", domain_power(d), "error", gr_err_msg());
		return;
	}
	/* The config drive anew (name, key, user_data, metadata may have
	 * changed), where the domain's definition has it. */
	if (o->config) {
		GR_AUTOFREE char *iso = gr_xasprintf("%s/config.iso", dir);

		if (cdrive_make(dir, o->config, iso) < 0) {
			report(o, "error", domain_power(d), "error",
			    gr_err_msg());
			return;
		}
	}
	if (was_on && virDomainCreate(d) < 0) {
		report(o, "error", domain_power(d), "error", inv_virt_msg());
		return;
	}
	gr_info("instance %s: rebuilt from image %s", o->id, o->image_id);
	report(o, domain_vm_state(d), domain_power(d), "rebuild", NULL);
}

static void
op_snapshot_undo(struct op *o)
{
	snap_undo(o->ctx, &o->snap);
}

enum { OP_DELETE, OP_STOP, OP_START, OP_REBOOT, OP_SNAPSHOT, OP_PAUSE,
    OP_UNPAUSE, OP_SUSPEND, OP_RESUME, OP_NMI, OP_REBUILD };

static const struct op_kind ops[] = {
	[OP_DELETE]	= { "delete",	0, op_delete,	NULL },
	[OP_STOP]	= { "stop",	1, op_stop,	NULL },
	[OP_START]	= { "start",	1, op_start,	NULL },
	[OP_REBOOT]	= { "reboot",	1, op_reboot,	NULL },
	[OP_SNAPSHOT]	= { "snapshot",	1, op_snapshot,	op_snapshot_undo },
	[OP_PAUSE]	= { "pause",	1, op_power,	NULL },
	[OP_UNPAUSE]	= { "unpause",	1, op_power,	NULL },
	[OP_SUSPEND]	= { "suspend",	1, op_power,	NULL },
	[OP_RESUME]	= { "resume",	1, op_power,	NULL },
	[OP_NMI]	= { "crash_dump", 1, op_power, NULL },
	[OP_REBUILD]	= { "rebuild",	1, op_rebuild,	NULL },
};

static void
op_free_config(struct op *o)
{
	boot_spec_free(o->config);
	free(o->config);
	o->config = NULL;
}

static void
op_task(void *arg)
{
	struct op *o = arg;
	virDomainPtr d = NULL;

	if (o->kind->needs_domain &&
	    (d = domain_lookup(o->ctx, o->id)) == NULL) {
		if (o->kind->undo)
			o->kind->undo(o);
		report(o, "error", DOMAIN_NOSTATE, "error", "The instance's "
		    "domain is missing on its node.");
	} else {
		o->kind->run(o, d);
	}
	if (d)
		virDomainFree(d);
	op_free_config(o);
	free(o);
}

/* Runs op (its kind and arguments) on the instance the path names, on a
 * task; 202 at once. */
static int
start_op(struct gr_req *req, struct gr_resp *resp, const struct op *op)
{
	struct op *o;

	if (node_check_id(req->params[0]) < 0)
		return -1;
	o = gr_xmalloc(sizeof(*o));
	*o = *op;
	o->ctx = inst;
	snprintf(o->id, sizeof(o->id), "%s", req->params[0]);
	if (gr_task_run(&inst->tasks, op_task, o) < 0) {
		free(o);
		return -1;
	}
	gr_resp_empty(resp, 202);
	return 0;
}

int
inst_delete(struct gr_req *req, struct gr_resp *resp)
{
	return start_op(req, resp, &(struct op){ .kind = &ops[OP_DELETE] });
}

int
inst_stop(struct gr_req *req, struct gr_resp *resp)
{
	return start_op(req, resp, &(struct op){ .kind = &ops[OP_STOP] });
}

int
inst_start(struct gr_req *req, struct gr_resp *resp)
{
	return start_op(req, resp, &(struct op){ .kind = &ops[OP_START] });
}

/* POST /v1/instances/{id}/pause, unpause, suspend, resume or
 * crash_dump: the op is the path's last segment. */
int
inst_power(struct gr_req *req, struct gr_resp *resp)
{
	const char *name = strrchr(req->path, '/') + 1;

	for (int k = OP_PAUSE; k <= OP_NMI; k++)
		if (strcmp(ops[k].name, name) == 0)
			return start_op(req, resp, &(struct op){ .kind =
			    &ops[k] });
	gr_error(GR_ERR_NOT_FOUND, "No operation '%s'.", name);
	return -1;
}

/* POST /v1/instances/{id}/reboot [{"type": "SOFT" | "HARD"}]; no body
 * is a soft reboot. */
int
inst_reboot(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const keys[] = { "type", NULL };
	struct op o = { .kind = &ops[OP_REBOOT] };
	const char *type = "SOFT";
	json_t *b;

	if (req->body_len > 0 && ((b = gr_req_json(req)) == NULL ||
	    gr_json_only(b, "reboot request", keys) < 0 ||
	    gr_json_str(b, "type", 0, 8, &type) < 0))
		return -1;
	if (strcmp(type, "SOFT") != 0 && strcmp(type, "HARD") != 0) {
		gr_error(GR_ERR_BAD_REQUEST, "The field 'type' must be 'SOFT' "
		    "or 'HARD', not '%s'.", type);
		return -1;
	}
	o.hard = strcmp(type, "HARD") == 0;
	return start_op(req, resp, &o);
}

/* POST /v1/instances/{id}/rebuild {"image_id", "disk_gb", ["config"]}:
 * config holds the config drive's name, user_data, public_key and
 * metadata. */
int
inst_rebuild(struct gr_req *req, struct gr_resp *resp)
{
	static const char *const keys[] = { "image_id", "disk_gb", "config",
	    NULL };
	struct op o = { .kind = &ops[OP_REBUILD] };
	const char *image = NULL;
	json_t *b = gr_req_json(req), *cfg;

	if (b == NULL || gr_json_only(b, "rebuild request", keys) < 0 ||
	    gr_json_str(b, "image_id", 1, 36, &image) < 0 ||
	    node_check_id(image) < 0 ||
	    gr_json_int(b, "disk_gb", 1, 0, 65536, &o.disk_gb) < 0 ||
	    node_check_id(req->params[0]) < 0)
		return -1;
	snprintf(o.image_id, sizeof(o.image_id), "%s", image);
	if ((cfg = json_object_get(b, "config")) != NULL) {
		o.config = gr_xcalloc(1, sizeof(*o.config));
		if (boot_config_parse(cfg, req->params[0], o.config) < 0) {
			free(o.config);
			return -1;
		}
	}
	if (start_op(req, resp, &o) < 0) {
		op_free_config(&o);
		return -1;
	}
	return 0;
}

/* POST /v1/instances/{id}/snapshot {"image_id", "token"} */
int
inst_snapshot(struct gr_req *req, struct gr_resp *resp)
{
	struct op o = { .kind = &ops[OP_SNAPSHOT] };
	json_t *b = gr_req_json(req);

	if (b == NULL || snap_parse(b, &o.snap) < 0)
		return -1;
	return start_op(req, resp, &o);
}

/* The last `length` lines of text (length >= 0), from where they start. */
static char *
last_lines(char *text, size_t len, long length)
{
	size_t end = len, i;
	long lines = 0;

	if (length == 0)
		return text + len;
	if (end > 0 && text[end - 1] == '\n')
		end--;
	for (i = end; i > 0; i--)
		if (text[i - 1] == '\n' && ++lines == length)
			break;
	return text + i;
}

/*
 * Removes, in place, the control characters Nova takes out of console
 * output (0x00-0x08 and 0x0b-0x1f: NULs, carriage returns, escapes), so a
 * NUL cannot cut the text short; tabs and newlines stay. len is the
 * text's length; the result is NUL-terminated.
 */
static void
strip_controls(char *text, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (c <= 0x08 || (c >= 0x0b && c <= 0x1f))
			continue;
		text[o++] = (char)c;
	}
	text[o] = '\0';
}

/* GET /v1/instances/{id}/console?length=N: the last N lines (all if -1). */
int
inst_console(struct gr_req *req, struct gr_resp *resp)
{
	GR_AUTOFREE char *dir = NULL, *path = NULL;
	const char *l = gr_req_query(req, "length");
	long length = l ? atol(l) : -1;
	struct gr_buf b = GR_BUF_INIT(0);
	char chunk[65536], *text;
	struct stat sb;
	off_t start = 0;
	size_t n;
	FILE *f;

	if (node_check_id(req->params[0]) < 0)
		return -1;
	dir = node_inst_dir(inst, req->params[0]);
	path = gr_xasprintf("%s/console.log", dir);
	if ((f = fopen(path, "r")) == NULL) {
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
	text = b.data ? b.data : "";
	if (length >= 0)
		text = last_lines(text, b.len, length);
	if (b.data)
		strip_controls(text, b.len - (size_t)(text - b.data));
	/* The console may hold any bytes; JSON strings must be UTF-8. */
	if (!gr_utf8_valid(text, strlen(text)))
		for (char *p = text; *p; p++)
			if ((unsigned char)*p >= 0x80)
				*p = '?';
	gr_resp_json(resp, 200, json_pack("{s:s}", "output", text));
	gr_buf_free(&b);
	return 0;
}
