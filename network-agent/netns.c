/*
 * netns.c - see netns.h. Both the creation and the runs happen on a
 * short-lived thread: unshare() and setns() act on the calling thread
 * only, and that thread ends with its namespace, so nothing else of the
 * agent is ever left in the wrong one.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/magic.h>

#include "gr_err.h"
#include "doc.h"
#include "gr_util.h"
#include "netns.h"

#ifndef NSFS_MAGIC
#define NSFS_MAGIC	0x6e736673
#endif

static void
path(char *buf, size_t size, const char *dir, const char *name)
{
	snprintf(buf, size, "%s/%s", dir, name);
}

int
netns_exists(const char *dir, const char *name)
{
	struct statfs sf;
	char p[4096];

	path(p, sizeof(p), dir, name);
	return statfs(p, &sf) == 0 && sf.f_type == NSFS_MAGIC;
}

/* What a worker thread did, carried back to the caller. */
struct job {
	const char	*dir, *name;
	int		(*fn)(void *arg);
	void		*arg;
	int		 ret;
	enum gr_err_code code;
	char		 msg[1024];
};

static void
job_error(struct job *j)
{
	j->code = gr_err_code();
	snprintf(j->msg, sizeof(j->msg), "%s", gr_err_msg());
}

static void *
add_thread(void *arg)
{
	struct job *j = arg;
	char p[4096], self[64];
	int fd;

	path(p, sizeof(p), j->dir, j->name);
	j->ret = -1;
	if ((fd = open(p, O_RDONLY | O_CREAT | O_CLOEXEC, 0444)) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot create %s: %s.", p,
		    strerror(errno));
		goto out;
	}
	close(fd);
	snprintf(self, sizeof(self), "/proc/self/task/%ld/ns/net",
	    (long)syscall(SYS_gettid));
	if (unshare(CLONE_NEWNET) < 0 ||
	    mount(self, p, "none", MS_BIND, NULL) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot make the network namespace %s: "
		    "%s.", p, strerror(errno));
		unlink(p);
		goto out;
	}
	j->ret = 0;
out:
	if (j->ret < 0)
		job_error(j);
	return NULL;
}

static void *
run_thread(void *arg)
{
	struct job *j = arg;
	int fd = netns_open(j->dir, j->name);

	j->ret = -1;
	if (fd >= 0 && setns(fd, CLONE_NEWNET) < 0)
		gr_error(GR_ERR_SYSTEM, "Cannot enter the network namespace "
		    "%s: %s.", j->name, strerror(errno));
	else if (fd >= 0)
		j->ret = j->fn(j->arg);
	if (fd >= 0)
		close(fd);
	if (j->ret < 0)
		job_error(j);
	return NULL;
}

static int
on_thread(void *(*start)(void *), struct job *j)
{
	pthread_t t;
	int err;

	if ((err = pthread_create(&t, NULL, start, j)) != 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot start a thread for %s: %s.",
		    j->name, strerror(err));
		return -1;
	}
	pthread_join(t, NULL);
	if (j->ret < 0)
		gr_error(j->code ? j->code : GR_ERR_SYSTEM, "%s", j->msg);
	return j->ret;
}

int
netns_add(const char *dir, const char *name)
{
	struct job j = { .dir = dir, .name = name };

	if (netns_exists(dir, name))
		return 0;
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		gr_error(GR_ERR_SYSTEM, "Cannot create %s: %s.", dir,
		    strerror(errno));
		return -1;
	}
	return on_thread(add_thread, &j);
}

int
netns_del(const char *dir, const char *name)
{
	char p[4096];

	path(p, sizeof(p), dir, name);
	/* Detached: a process still inside keeps the namespace alive, but
	 * the name is gone at once. */
	if (netns_exists(dir, name) && umount2(p, MNT_DETACH) < 0) {
		gr_error(GR_ERR_SYSTEM, "Cannot unmount %s: %s.", p,
		    strerror(errno));
		return -1;
	}
	if (unlink(p) < 0 && errno != ENOENT) {
		gr_error(GR_ERR_SYSTEM, "Cannot remove %s: %s.", p,
		    strerror(errno));
		return -1;
	}
	return 0;
}

int
netns_open(const char *dir, const char *name)
{
	char p[4096];
	int fd;

	path(p, sizeof(p), dir, name);
	if (!netns_exists(dir, name) ||
	    (fd = open(p, O_RDONLY | O_CLOEXEC)) < 0) {
		gr_error(GR_ERR_SYSTEM, "The network namespace %s does not "
		    "exist.", p);
		return -1;
	}
	return fd;
}

int
netns_run(const char *dir, const char *name, int (*fn)(void *arg), void *arg)
{
	struct job j = { .dir = dir, .name = name, .fn = fn, .arg = arg };

	return on_thread(run_thread, &j);
}

int
netns_ids(const char *dir, const char *prefix, char (**ids)[37], int *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t len = strlen(prefix);
	int cap = 0;

	*ids = NULL;
	*n = 0;
	if (d == NULL)
		return 0;
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, prefix, len) != 0 ||
		    !doc_is_uuid(e->d_name + len))
			continue;
		if (*n == cap) {
			cap = cap * 2 + 8;
			*ids = gr_xrealloc(*ids, (size_t)cap * sizeof(**ids));
		}
		snprintf((*ids)[(*n)++], 37, "%s", e->d_name + len);
	}
	closedir(d);
	return 0;
}
