#!/usr/bin/env bash
# Servers that really boot: the stock openstack CLI creates, lists, shows,
# stops, starts, reboots and deletes a VM on a real libvirtd/QEMU (TCG)
# node; the console shows the guest's ready line; the fully emulated image
# variant gets IDE and e1000 devices; bad requests get clear 4xx and leave
# nothing behind; so does a bad boot spec sent to the agent itself.
. "$(dirname "$0")/../lib/harness.sh"

start_cloud
start_compute nodeS $'reserved_host_memory_mb = 256\nshutdown_timeout = 30'
wait_node_up

# Images: the tiny guest, and its fully emulated variant.
make_image gureum-tiny '"visibility":"public"'
make_image gureum-tiny-emulated '"visibility":"public","hw_disk_bus":"ide","hw_vif_model":"e1000"'
make_flavor m1.wide 3 128 1
make_flavor m1.tiny 1 128 1

use_openstack_cli
os() { /usr/bin/openstack "$@" 2>"$T/os.err"; }

os keypair create k1 >"$T/k1.pem"
OUT=$(os server create --flavor m1.tiny --image gureum-tiny --key-name k1 --wait vm1 -f json)
check "openstack server create --wait reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT" ||
    { cat "$T/os.err"; tail -20 "$T/compute.log"; }
ID=$(jq -r .id <<<"$OUT")
ready() { os console log show vm1 | grep -q "gureum-guest ready: vm1"; }
check "the console log shows the guest's ready line" wait_for 90 ready
# os-getConsoleOutput's length: exactly that many last lines.
console() {	# LENGTH-JSON
	api POST "$CP_URL/v2.1/servers/$ID/action" "{\"os-getConsoleOutput\":$1}"
}
nlines() { jq '.output | rtrimstr("\n") | split("\n") | length' <<<"$BODY"; }
console '{}'
ALL=$(jq -r .output <<<"$BODY")
check "the whole console has no control character but tab and newline (as Nova)" \
    jqt '[.output | explode[] | select(. < 9 or (. > 10 and . < 32))] == [] and (.output | length) > 100'
console '{"length": 3}'
check "length 3: exactly three lines, the last three" \
    eval '[ "$(nlines)" = 3 ] && [[ "$ALL" == *"$(jq -r .output <<<"$BODY")" ]]'
console '{"length": "5"}'
check "length \"5\" (a string, as Nova takes it): five lines" test "$(nlines)" = 5
console '{"length": 0}'
check "length 0: nothing" jqt '.output == ""'
console '{"length": -1}'
check "length -1: all of it" test "$(jq -r .output <<<"$BODY")" = "$ALL"
console '{"length": null}'
check "length null: all of it" test "$(jq -r .output <<<"$BODY")" = "$ALL"
for bad in '{"length": -2}' '{"length": "abc"}' '{"length": 1.5}' \
    '{"length": true}' '{"length": 2, "x": 1}' 'null' '[]'; do
	console "$bad"
	expect_fault 400 "console output with $bad"
done
OUT=$(os console log show --lines 4 vm1)
check "openstack console log show --lines 4: four lines" \
    test "$(printf '%s' "$OUT" | sed -e '$a\' | wc -l)" = 4
OUT=$(os server show vm1 -f json)
check "server show: host, vm_state, power_state" \
    jqt '."OS-EXT-SRV-ATTR:host" == "nodeS" and ."OS-EXT-STS:vm_state" == "active" and ."OS-EXT-STS:power_state" == 1' "$OUT"
check "server list shows it" test "$(os server list -f value -c Name)" = vm1
check "libvirt runs its domain" virsh -c "$LIBVIRT_URI" domstate "instance-$ID"
api GET "$CP_URL/v2.1/os-hypervisors/statistics"
check "hypervisor statistics count the running VM and its vCPU and memory" \
    jqt '.hypervisor_statistics | .running_vms == 1 and .vcpus_used == 1 and .memory_mb_used == 256 + 128'
OUT=$(os hypervisor stats show -f json)
check "openstack hypervisor stats show: running_vms 1" jqt '.running_vms == 1' "$OUT"
api GET "$CP_URL/v2.1/os-hypervisors/nodeS/servers"
check "the node's servers: vm1 by its instance name and uuid" \
    jqt '.hypervisors[0].servers == [{"name": "instance-'"$ID"'", "uuid": "'"$ID"'"}]'

status_is() { test "$(os server show "$1" -f value -c status)" = "$2"; }
os server stop vm1
check "server stop -> SHUTOFF" wait_for 30 status_is vm1 SHUTOFF
check "libvirt agrees it is shut off" test "$(virsh -c "$LIBVIRT_URI" domstate "instance-$ID")" = "shut off"
check "the guest shut down cleanly on the ACPI power button (not forced)" \
    grep -q "instance-$ID: the guest shut down in" "$T/compute.log"
check "its console shows it powering off" grep -q "power button pressed, powering off" "$T/compute/instances/$ID/console.log"
os server stop vm1
check "stopping a stopped server is refused (409)" grep -q "409" "$T/os.err"
os server start vm1
check "server start -> ACTIVE" wait_for 30 status_is vm1 ACTIVE
os server reboot --hard vm1
check "server reboot --hard -> ACTIVE" wait_for 30 status_is vm1 ACTIVE
os server delete vm1
gone() { ! os server show vm1 >/dev/null; }
check "server delete: gone from the API" wait_for 30 gone
dom_gone() { ! virsh -c "$LIBVIRT_URI" domstate "instance-$ID" >/dev/null 2>&1; }
check "its domain is gone from libvirt" wait_for 10 dom_gone
check "its disk, config drive and console log are gone" test ! -e "$T/compute/instances/$ID"
api GET "$CP_URL/v2.1/os-hypervisors/detail"
check "its claim is released" jqt '.hypervisors[0].vcpus_used == 0'

# The fully emulated variant.
OUT=$(os server create --flavor m1.tiny --image gureum-tiny-emulated --wait vm2 -f json)
ID2=$(jq -r .id <<<"$OUT")
check "an emulated-image server reaches ACTIVE" jqt '.status == "ACTIVE"' "$OUT"
XML=$(virsh -c "$LIBVIRT_URI" dumpxml "instance-$ID2")
check "its disk is on the IDE bus" grep -q "<target dev='hda' bus='ide'/>" <<<"$XML"
check "its NIC is an emulated e1000" grep -q "<model type='e1000'/>" <<<"$XML"
os server delete vm2

# No valid host: 3 vCPUs on a 2-pCPU node.
OUT=$(os server create --flavor m1.wide --image gureum-tiny --wait vm3 -f json)
api GET "$CP_URL/v2.1/servers?name=vm3"
api GET "$CP_URL/v2.1/servers/$(jq -r '.servers[0].id' <<<"$BODY")"
check "a 3-vCPU flavor on a 2-pCPU node ends in ERROR" jqt '.server.status == "ERROR"'
check "the fault's sentence names the rule, no node" \
    jqt '.server.fault.message | test("^No valid host was found: needs 3 vCPUs; no node has more than [0-9]+ cores")'
check "its details (an admin's view) name each node and its pCPUs" \
    jqt '.server.fault.details | test("[A-Za-z0-9]+: needs 3 vCPUs but host has [0-9]+ pCPUs")'

# Bad input: clear 4xx, nothing written.
COUNT=$(psql_q "SELECT count(*) FROM instances")
bad() {	# STATUS DESCRIPTION BODY
	api POST "$CP_URL/v2.1/servers" "$3"
	expect_fault "$1" "$2"
}
IMG=$(os image show gureum-tiny -f value -c id)
FLV=$(os flavor show m1.tiny -f value -c id)
bad 400 "unknown flavor" "{\"server\":{\"name\":\"x\",\"imageRef\":\"$IMG\",\"flavorRef\":\"nope\"}}"
check "the message names the flavor" grep -q "nope" <<<"$BODY"
bad 400 "unknown image" "{\"server\":{\"name\":\"x\",\"imageRef\":\"00000000-0000-0000-0000-000000000000\",\"flavorRef\":\"$FLV\"}}"
bad 400 "unknown keypair" "{\"server\":{\"name\":\"x\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\",\"key_name\":\"nokey\"}}"
bad 400 "unknown network" "{\"server\":{\"name\":\"x\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\",\"networks\":[{\"uuid\":\"netnet\"}]}}"
check "the message names the network" grep -q netnet <<<"$BODY"
bad 400 "a name with a control character" "{\"server\":{\"name\":\"a\\u0007b\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\"}}"
UD=$(head -c 70000 /dev/zero | base64 -w0)
bad 400 "user_data over 64 KiB" "{\"server\":{\"name\":\"x\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\",\"user_data\":\"$UD\"}}"
qemu-img create -q -f qcow2 "$T/big.qcow2" 4G
TINY=$IMG
make_image big '"min_ram":1024' "$T/big.qcow2"
BIG=$IMG IMG=$TINY
bad 400 "flavor below the image's min_ram" "{\"server\":{\"name\":\"x\",\"imageRef\":\"$BIG\",\"flavorRef\":\"$FLV\"}}"
api PATCH "$IMG_URL/v2/images/$BIG" '[{"op":"replace","path":"/min_ram","value":0}]' -H 'Content-Type: application/openstack-images-v2.1-json-patch'
bad 400 "image larger than the flavor's disk" "{\"server\":{\"name\":\"x\",\"imageRef\":\"$BIG\",\"flavorRef\":\"$FLV\"}}"
check "the message gives both sizes" grep -q "needs 4 GB, the flavor has 1 GB" <<<"$BODY"
bad 400 "unknown field" "{\"server\":{\"name\":\"x\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\",\"colour\":1}}"
check "no instance was written by any refused request" test "$(psql_q "SELECT count(*) FROM instances")" = "$COUNT"

# The agent checks the whole boot spec itself, before anything starts: a
# bad field is a 400 naming it, and no domain or directory is made.
SPEC_ID=$(cat /proc/sys/kernel/random/uuid)
agent_bad() {	# FIELD DESCRIPTION JQ-MERGE
	local spec
	spec=$(jq -nc --arg id "$SPEC_ID" --arg img "$IMG" "{id:\$id,name:\"x\",
	    flavor_name:\"m1.tiny\",vcpus:1,memory_mb:128,disk_gb:1,
	    image_id:\$img} + $3")
	SIGN_NODE=nodeS signed_api POST "http://$AGENT/v1/instances" "$spec"
	expect_fault 400 "agent: $2"
	check "agent: the fault names '$1'" grep -q "'$1'" <<<"$BODY"
}
agent_bad disk_bus "a disk bus it does not know" '{disk_bus:"scsi"}'
agent_bad vcpus "vcpus as a string" '{vcpus:"1"}'
agent_bad memory_mb "memory_mb below 16" '{memory_mb:8}'
agent_bad user_data "user_data that is not base64" '{user_data:"abc"}'
agent_bad metadata "a metadata value that is not a string" '{metadata:{k:1}}'
agent_bad colour "an unknown field" '{colour:"red"}'
agent_bad image_id "an image id that is not a UUID" '{image_id:"../x"}'
SIGN_NODE=nodeS signed_api POST "http://$AGENT/v1/instances/$SPEC_ID/reboot" '{"type":"COLD"}'
expect_fault 400 "agent: a reboot type other than SOFT or HARD"
check "agent: the fault names 'type'" grep -q "'type'" <<<"$BODY"
SIGN_NODE=nodeS signed_api POST "http://$AGENT/v1/instances/$SPEC_ID/snapshot" '{"image_id":"'"$SPEC_ID"'","token":"t","x":1}'
expect_fault 400 "agent: a snapshot request with an unknown field"
check "agent: no domain was defined for the refused spec" \
    bash -c "! virsh -c '$LIBVIRT_URI' domstate instance-$SPEC_ID >/dev/null 2>&1"
check "agent: no instance directory was made" test ! -e "$T/compute/instances/$SPEC_ID"
check "agent: no work was started for it" bash -c "! grep -q 'instance $SPEC_ID' '$T/compute.log'"
finish
