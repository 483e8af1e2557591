#!/usr/bin/env bash
# Runs last (tests/run.sh runs it after any other integration test): no
# gureum daemon, postgres, libvirtd, dnsmasq or QEMU started from a test's
# temp dir (/tmp/gureum-test.*) is still running. Under tests/run.sh the
# dirs are those of this run's tests (GUREUM_TEST_DIRS lists them), so
# tests running beside it elsewhere on the machine do not count; alone, a
# dir that no longer exists counts (its test is over). A lab under
# /var/lib/gureum-lab is never looked at. A leftover is stopped by its PID
# once reported.
. "$(dirname "$0")/../lib/harness.sh"

PROGRAMS=('gureum-*' postgres libvirtd dnsmasq 'qemu-system-*' qemu-kvm)

# test_dir PID: the first /tmp/gureum-test.XXXXXX its arguments name.
test_dir() {
	pid_args "$1" | grep -o -m1 '/tmp/gureum-test\.[A-Za-z0-9]\{6\}'
}

# ours DIR: DIR is one of this run's test dirs (not this script's own).
ours() {
	[ "$1" != "$T" ] || return 1
	if [ -n "${GUREUM_TEST_DIRS:-}" ]; then
		grep -qxF -- "$1" "$GUREUM_TEST_DIRS"
	else
		[ ! -e "$1" ]
	fi
}

LEFT=()
for pid in $(pids_referring /tmp/gureum-test. "${PROGRAMS[@]}"); do
	dir=$(test_dir "$pid") || continue
	ours "$dir" || continue
	echo "# left running: pid $pid of $dir: $(pid_args "$pid" | tr '\n' ' ')"
	LEFT+=("$pid")
done
check "no test left a daemon, postgres, libvirtd, dnsmasq or QEMU running (${#LEFT[@]} found)" \
    test ${#LEFT[@]} = 0
for pid in "${LEFT[@]}"; do
	pid_stop "$pid" "pid $pid" 5 || true
done
finish
