#!/usr/bin/env bash
# Snapshots: `openstack server image create` turns a running VM's disk into
# a new private image (the guest paused only while its disk is copied),
# that image boots to the guest's ready line, and a snapshot that cannot
# be taken leaves no image and the instance as it was.
. "$(dirname "$0")/../lib/harness.sh"

start_cloud
start_compute nodeS $'reserved_host_memory_mb = 256\nshutdown_timeout = 2'
wait_node_up

make_image gureum-tiny-emulated '"visibility":"public","hw_disk_bus":"ide","hw_vif_model":"e1000","min_ram":64'
BASE_ID=$IMG
make_flavor m1.tiny 1 128 1

use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }
status_is() { test "$(os server show "$1" -f value -c status)" = "$2"; }

OUT=$(os server create --flavor m1.tiny --image gureum-tiny-emulated --wait vm1 -f json)
check "vm1 reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT" || { cat "$T/os.err"; tail -20 "$T/compute.log"; }
ID=$(jq -r .id <<<"$OUT")
ready() { os console log show "$1" | grep -q "gureum-guest ready: $1"; }
check "vm1's console shows its ready line" wait_for 90 ready vm1

# The stock CLI's snapshot, waiting for the image to become active.
OUT=$(os server image create --name snap --property purpose=test --property disk_format=raw --property hw_vif_model=e1000 --wait vm1 -f json)
check "server image create --wait: the image is active" jqt '.status == "active"' "$OUT" || cat "$T/os.err"
SNAP=$(jq -r .id <<<"$OUT")
api GET "$IMG_URL/v2/images/$SNAP"
check "the snapshot is private, qcow2, owned by the project" \
    jqt '.visibility == "private" and .disk_format == "qcow2" and .owner != null'
check "it carries Nova's snapshot properties" \
    jqt ".image_type == \"snapshot\" and .instance_uuid == \"$ID\" and .base_image_ref == \"$BASE_ID\""
check "it keeps the base image's hw_* properties and min_ram, and the caller's metadata" \
    jqt '.hw_disk_bus == "ide" and .hw_vif_model == "e1000" and .min_ram == 64 and .purpose == "test"'
check "its min_disk is the flavor's disk" jqt '.min_disk == 1'
check "metadata cannot change what makes it a snapshot (disk_format stays qcow2)" jqt '.disk_format == "qcow2"'
standalone() { local i; i=$(qemu-img info "$T/images/$SNAP") && grep -q 'file format: qcow2' <<<"$i" && ! grep -q 'backing file' <<<"$i"; }
check "its data is a standalone qcow2 (no backing file)" standalone
check "the instance is back to ACTIVE with no task" wait_for 10 status_is vm1 ACTIVE
api GET "$CP_URL/v2.1/servers/$ID"
check "its task_state is cleared" jqt '.server."OS-EXT-STS:task_state" == null'
check "vm1 kept running (the pause ended)" test "$(virsh -c "$LIBVIRT_URI" domstate "instance-$ID")" = running
check "no snapshot file is left in the instance's directory" \
    bash -c "! ls $T/compute/instances/$ID | grep -q snapshot"

# The snapshot boots.
os server delete vm1
gone() { ! os server show "$1" >/dev/null 2>&1; }
wait_for 30 gone vm1
OUT=$(os server create --flavor m1.tiny --image snap --wait vm2 -f json)
check "a server from the snapshot reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT" || cat "$T/os.err"
ID2=$(jq -r .id <<<"$OUT")
check "its console shows its own ready line" wait_for 90 ready vm2
XML=$(virsh -c "$LIBVIRT_URI" dumpxml "instance-$ID2")
check "it boots on the base image's devices (ide, e1000)" \
    bash -c "grep -q \"bus='ide'\" <<<\"\$0\" && grep -q \"<model type='e1000'/>\" <<<\"\$0\"" "$XML"

# A snapshot of a stopped server also works, straight from its disk.
os server stop vm2
wait_for 30 status_is vm2 SHUTOFF
api POST "$CP_URL/v2.1/servers/$ID2/action" '{"createImage":{"name":"snap-off"}}'
check "createImage answers 202" test "$STATUS" = 202
LOC=$(header Location)
check "with the new image's address in Location" grep -Eq "/v2/images/[0-9a-f-]{36}$" <<<"$LOC"
SNAP2=${LOC##*/}
img_active() { api GET "$IMG_URL/v2/images/$SNAP2"; jqt '.status == "active"'; }
check "the stopped server's snapshot becomes active" wait_for 30 img_active
check "the server stays SHUTOFF" wait_for 10 status_is vm2 SHUTOFF

# Bad input and wrong states: clear errors, no image left behind.
count_images() { api GET "$IMG_URL/v2/images"; jq '.images | length' <<<"$BODY"; }
N=$(count_images)
act() { api POST "$CP_URL/v2.1/servers/$ID2/action" "$1"; }
act '{"createImage":{}}'
expect_fault 400 "createImage without a name"
act '{"createImage":{"name":"a\u0007b"}}'
expect_fault 400 "a snapshot name with a control character"
act '{"createImage":{"name":"x","metadata":{"k":1}}}'
expect_fault 400 "snapshot metadata that is not a string"
act '{"createImage":"x"}'
expect_fault 400 "createImage with no object"
psql_q "UPDATE instances SET task_state = 'powering-on' WHERE id = '$ID2'"
act '{"createImage":{"name":"busy"}}'
expect_fault 409 "createImage while another task runs"
check "the 409 names the task" jqt '.conflictingRequest.message | test("powering-on")'
psql_q "UPDATE instances SET task_state = NULL WHERE id = '$ID2'"
check "refused snapshots left no image" test "$(count_images)" = "$N"

# A server deleted while its snapshot is taken: the server goes, and the
# image either completes or goes too; none is left queued or saving.
OUT=$(os server create --flavor m1.tiny --image gureum-tiny-emulated --wait vm3 -f json)
ID3=$(jq -r .id <<<"$OUT")
api POST "$CP_URL/v2.1/servers/$ID3/action" '{"createImage":{"name":"racing"}}'
RACING=$(header Location); RACING=${RACING##*/}
api DELETE "$CP_URL/v2.1/servers/$ID3"
check "deleting a server during its snapshot is accepted" test "$STATUS" = 204
check "the server goes" wait_for 30 gone vm3
settled_image() { api GET "$IMG_URL/v2/images/$RACING"; [ "$STATUS" = 404 ] || jqt '.status == "active"'; }
check "its snapshot ends active or deleted, not queued or saving" wait_for 30 settled_image
check "the deleted server's row stays deleted, not ERROR" \
    test "$(psql_q "SELECT deleted, vm_state FROM instances WHERE id = '$ID3'")" = "t|deleted"

# The agent is gone: the image is removed again and the server untouched.
kill "$compute_PID"; wait "$compute_PID" 2>/dev/null
api POST "$CP_URL/v2.1/servers/$ID2/action" '{"createImage":{"name":"orphan"}}'
check "createImage is accepted (the agent is called afterwards)" test "$STATUS" = 202
ORPHAN=$(header Location); ORPHAN=${ORPHAN##*/}
orphan_gone() { api GET "$IMG_URL/v2/images/$ORPHAN"; test "$STATUS" = 404; }
check "the unreachable agent's snapshot image is deleted" wait_for 30 orphan_gone
api GET "$CP_URL/v2.1/servers/$ID2"
check "the server keeps its state, with no task" \
    jqt '.server.status == "SHUTOFF" and .server."OS-EXT-STS:task_state" == null'

# What was done to vm2, as os-instance-actions tells it.
OUT=$(os server event list vm2 -f json)
check "server event list: create, stop, createImage, newest first" \
    jqt '[.[].Action] == ["createImage", "createImage", "stop", "create"]' "$OUT" || echo "$OUT"
RID=$(jq -r '.[0]."Request ID"' <<<"$OUT")
check "the request id is the one the API answered" grep -q '^req-[0-9a-f-]\{36\}$' <<<"$RID"
OUT=$(os server event show vm2 "$RID" -f json)
check "the failed snapshot's event is an Error with the reason (admin)" \
    jqt '.message == "Error" and .events[0].result == "Error" and (.events[0].traceback | test("could not snapshot"))' "$OUT" || echo "$OUT"
RID=$(jq -r '.[1]."Request ID"' <<<"$(os server event list vm2 -f json)")
OUT=$(os server event show vm2 "$RID" -f json)
check "the stopped server's snapshot ended in Success" \
    jqt '.message == null and .events[0].event == "compute_createImage" and .events[0].result == "Success" and .events[0].finish_time != null' "$OUT" || echo "$OUT"
api GET "$CP_URL/v2.1/servers/$ID2/os-instance-actions/req-00000000-0000-0000-0000-000000000000"
expect_fault 404 "an unknown request id"
api GET "$CP_URL/v2.1/servers/00000000-0000-0000-0000-000000000000/os-instance-actions"
expect_fault 404 "actions of an unknown server"
finish
