# tests/lib/lab.sh - a second lab instance (deploy/lab/lab.sh) for a
# test, sourced after harness.sh: beside any lab the user runs, with its
# own state dir, tag (every name it creates) and /24s, the test's
# binaries and a 1 s heartbeat; it goes down whatever happens.

REPO=$HARNESS_REPO
[ "$(id -u)" = 0 ] || die "the lab needs root (namespaces, bridges)"
command -v /usr/bin/openstack >/dev/null ||
    die "python3-openstackclient is not installed (make deps)"

# pick_n: an N in 20..219 with 10.98.N (the lab's /24) and 10.97.N (its
# external network, never a real lab's 172.24.4) both free.
pick_n() {
	local n
	for _ in $(seq 100); do
		n=$((RANDOM % 200 + 20))
		if ! net_in_use "10.98.$n" && ! net_in_use "10.97.$n"; then
			echo "$n"
			return 0
		fi
	done
	return 1
}

# lab_instance LETTER: this test's instance, tag LETTER<pid> (at most 8
# characters: pid_max is below 10^7): N, NET, EXT, TAG, LABDIR and
# LAB_BIN (copies of the test's binaries, so that one can be "rebuilt");
# lab_cleanup takes it down at exit, before the harness removes $T.
lab_instance() {
	N=$(pick_n) || die "no free 10.98.N/24 and 10.97.N/24 on this machine"
	NET=10.98.$N EXT=10.97.$N
	TAG=$1$$
	LABDIR=$T/lab
	echo "# lab instance: tag $TAG, $NET.0/24, external $EXT.0/24, state $LABDIR"
	LAB_BIN=$T/bin
	mkdir -p "$LAB_BIN"
	cp "$GUREUM_BIN"/gureum-* "$LAB_BIN/"
	trap lab_cleanup EXIT
}

# lab CMD: lab.sh for this instance only (LAB_EXT=A.B.C: another external
# network than the instance's, which up must refuse).
# GUREUM_LAB_SAVE_LOGS=$T: `down` leaves the daemons' logs in $T, where
# finish looks for sanitizer reports.
lab() {
	GUREUM_LAB_DIR=$LABDIR GUREUM_LAB_TAG=$TAG GUREUM_LAB_NET=$NET \
	    GUREUM_LAB_EXT_NET=${LAB_EXT:-$EXT} GUREUM_LAB_HEARTBEAT=1 \
	    GUREUM_BIN=$LAB_BIN GUREUM_LAB_SKIP_BUILD=1 GUREUM_LAB_SAVE_LOGS=$T \
	    bash "$REPO/deploy/lab/lab.sh" "$@"
}

lab_cleanup() {
	lab down >>"$T/lab-cleanup.out" 2>&1 ||
	    { echo "# lab.sh down failed in the cleanup:"; sed 's/^/#   /' "$T/lab-cleanup.out"; }
	cleanup
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }
