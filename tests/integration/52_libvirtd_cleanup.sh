#!/usr/bin/env bash
# The harness's cleanup leaves no guest behind. libvirt leaves guests
# running when libvirtd goes (they are orphaned to PID 1): stop_libvirtd
# destroys the domains of the test's libvirtd before it stops it, and then
# stops, and reports, any QEMU whose arguments still name the test's temp
# dir. 99_no_leftovers.sh finds a QEMU left by a test that is over.
. "$(dirname "$0")/../lib/harness.sh"

guest_image

# guest NAME: a transient domain on the test's libvirtd, its disk and
# console in $T.
guest() {
	guest_domain "$1" "$T"
	virsh -q -c "$LIBVIRT_URI" create "$T/$1.xml" >/dev/null
}

qemus() { pids_referring "$T/" 'qemu-system-*'; }
no_qemu() { [ -z "$(qemus)" ]; }

# 1. The harness's way: the domain is destroyed, nothing is left.
start_libvirtd
check "a guest starts on the test's libvirtd" guest g1
# (polled: a QEMU just started may still show a helper beside it)
one_qemu() { test "$(qemus | wc -l)" = 1; }
check "its QEMU names the test's dir" wait_for 5 one_qemu ||
    for p in $(qemus); do echo "# pid $p: $(pid_args "$p" | head -3 | tr '\n' ' ')"; done
LVPID=$(pid_from "$T/libvirt/libvirtd.pid")
stop_libvirtd >"$T/stop1.out"
check "stop_libvirtd reports no leak when it destroyed the guest itself" \
    test $? = 0
check "it destroyed the domain" grep -q "destroying domain g1" "$T/stop1.out"
check "no QEMU of the test's dir is left" no_qemu
check "the libvirtd is stopped" pid_gone "$LVPID"

# 2. A libvirtd stopped by PID alone (what the harness used to do) leaves
# its guest running; stop_libvirtd finds it, stops it and says so.
start_libvirtd
guest g2
LVPID=$(pid_from "$T/libvirt/libvirtd.pid")
pid_stop "$LVPID" libvirtd
check "a guest outlives a libvirtd stopped by PID alone" test -n "$(qemus)"
stop_libvirtd >"$T/stop2.out"
check "stop_libvirtd reports the leaked QEMU" test $? = 1
check "it names it" grep -q "QEMU pid [0-9]* of $T/ is still running" "$T/stop2.out"
check "and stops it" wait_for 5 no_qemu

# 3. A QEMU whose test is over (its dir gone) fails 99_no_leftovers.sh,
# which stops it.
GONE=$(mktemp -d /tmp/gureum-test.XXXXXX)
qemu-system-x86_64 -machine accel=tcg -m 64 -display none -monitor none \
    -serial none -daemonize -pidfile "$GONE/g3.pid" ||
    die "qemu did not start"
G3=$(pid_from "$GONE/g3.pid")
rm -rf "$GONE"
GUREUM_TEST_DIRS= bash "$(dirname "$0")/99_no_leftovers.sh" >"$T/99.out" 2>&1
check "99_no_leftovers.sh fails on a QEMU of a finished test" test $? != 0
check "it names the QEMU" grep -q "left running: pid $G3 of $GONE" "$T/99.out"
check "and stops it" wait_for 5 pid_gone "$G3"
pid_stop "$G3" "QEMU g3" 2 >/dev/null
finish
