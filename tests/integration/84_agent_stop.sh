#!/usr/bin/env bash
# A compute agent stopped in the middle of a boot: on SIGTERM it stops
# taking calls, lets the boot under way finish (its image download, disk,
# config drive, define and start) and only then frees the image cache and
# closes libvirt, so the boot uses nothing freed (the test build runs under
# AddressSanitizer, and the harness fails on any report). It exits 0; once
# restarted, the server is ACTIVE or ERROR with a reason, never BUILD.
. "$(dirname "$0")/../lib/harness.sh"

start_cloud
start_compute nodeT $'reserved_host_memory_mb = 256\nshutdown_timeout = 2'
wait_node_up

# An image big enough that its download to the node's cache takes a while:
# the boot is still in it when the agent is told to stop.
head -c 256M /dev/urandom >"$T/big.raw"
qemu-img convert -q -f raw -O qcow2 "$T/big.raw" "$T/big.qcow2"
rm -f "$T/big.raw"
make_image big '"visibility":"public"' "$T/big.qcow2"
rm -f "$T/big.qcow2"
make_flavor t1 1 128 1

api POST "$CP_URL/v2.1/servers" "{\"server\":{\"name\":\"vm1\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\",\"networks\":\"none\"}}" \
	    -H "OpenStack-API-Version: compute 2.37"
expect 202 "the server create is accepted"
ID=$(jq -r .server.id <<<"$BODY")
started() { grep -q "instance $ID: boot started" "$T/compute.log"; }
check "the agent starts the boot" wait_for 30 started
# The image service freezes (SIGSTOP), so the boot's download stalls and
# is surely under way when the agent is told to stop; it thaws once the
# agent says it waits.
kill -STOP "$image_PID"
check "the boot is still under way when the agent is told to stop" \
    bash -c "! grep -q 'instance $ID running' '$T/compute.log'"

kill -TERM "$compute_PID"
waiting() { grep -q "waiting for 1 operations under way" "$T/compute.log"; }
check "the stopping agent waits for the boot" wait_for 10 waiting
kill -CONT "$image_PID"
wait "$compute_PID"
RC=$?
check "the agent exits 0 (no leak, no error)" test "$RC" = 0
check "it said it waits for the boot under way" \
    grep -q "waiting for 1 operations under way" "$T/compute.log"
check "nothing was left under way" bash -c "! grep -q 'still under way' '$T/compute.log'"
# The log's order: the drain began, then the boot ended.
drained_boot() {
	awk -v id="$ID" '/waiting for 1 operations under way/ { w = NR }
	    index($0, "instance " id " running") || index($0, "instance " id " failed") { b = NR }
	    END { exit !(w && b > w) }' "$T/compute.log"
}
check "the boot ended while the stopping agent waited for it" drained_boot
# The harness checks every $T/*.log for sanitizer reports; the restarted
# agent writes compute.log afresh, so keep this one.
cp "$T/compute.log" "$T/compute-stopped.log"

start_daemon compute gureum-compute "$T/compute.conf"
settled() {
	api GET "$CP_URL/v2.1/servers/$ID"
	jqt '.server.status == "ACTIVE" or (.server.status == "ERROR" and (.server.fault.message // "") != "")'
}
check "after the restart the server is ACTIVE, or ERROR with a reason" wait_for 60 settled || echo "$BODY"
api GET "$CP_URL/v2.1/servers/$ID"
if jqt '.server.status == "ACTIVE"'; then
	check "its domain runs (the restarted agent stopped nothing)" \
	    test "$(virsh -c "$LIBVIRT_URI" domstate "instance-$ID")" = running
fi
check "the restarted agent takes calls again" wait_for 10 grep -q "registered with" "$T/compute.log"
finish
