/*
 * netns.h - named network namespaces, as ip-netns(8) makes them: a file
 * under a directory (/run/netns by default, netns_dir) with the
 * namespace bind-mounted on it, so that it lives on without a process and
 * `ip netns exec` (with the default directory) finds it. Code runs inside
 * one on a thread of its own (setns changes only the calling thread), so
 * the agent's other threads never change namespace. Errors:
 * GR_ERR_SYSTEM naming the namespace.
 */
#ifndef NETNS_H
#define NETNS_H

/* 1 if dir/name is a mounted namespace, 0 if not. */
int netns_exists(const char *dir, const char *name);
/* Makes dir/name unless it exists; 0 or -1. */
int netns_add(const char *dir, const char *name);
/* Unmounts and removes dir/name (absent: fine); 0 or -1. */
int netns_del(const char *dir, const char *name);
/* An O_CLOEXEC descriptor of the namespace, or -1 with the error. */
int netns_open(const char *dir, const char *name);
/*
 * The ids of the namespaces dir/PREFIX<id> (ids that are UUIDs only: no
 * other name is Gureum's), as a new array of *n (caller frees); an absent
 * dir has none.
 */
int netns_ids(const char *dir, const char *prefix, char (**ids)[37],
    int *n);
/*
 * Runs fn(arg) on a new thread inside dir/name and returns what it
 * returned; an error fn recorded is recorded again in the caller's
 * thread. -1 when the namespace cannot be entered.
 */
int netns_run(const char *dir, const char *name, int (*fn)(void *arg),
    void *arg);

#endif
