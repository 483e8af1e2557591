#!/usr/bin/env bash
# bench/boot.sh BUILDDIR - from POST /servers to the domain running, and to
# the guest's ready line, against a raw `virsh create` of the same domain
# XML on the same cached image, in one run on one private libvirtd (TCG).
# Goals: running <= 1.3x raw with <= 150 ms of control-plane overhead;
# ready line <= 1.05x raw. Each side runs BOOT_RUNS times (default 3) one
# after the other; the report gives medians, and splits Gureum's time into
# the API's answer, the agent's own boot (from its log) and the rest.
set -uo pipefail
BUILD=${1:?usage: bench/boot.sh BUILDDIR}
RUNS=${BOOT_RUNS:-3}
export GUREUM_BIN=$BUILD/bin
. "$(dirname "$0")/../tests/lib/harness.sh"

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
ready_in() { grep -q "gureum-guest ready" "$1" 2>/dev/null; }

start_cloud
start_compute bench "shutdown_timeout = 0"
wait_node_up
make_image tiny
make_flavor b1 1 128 1
# Warm the node's image cache, as the goal says "on the cached image".
SIGN_NODE=bench signed_api POST "http://$AGENT/v1/images/$IMG/cache"
[ "$STATUS" = 200 ] || die "could not warm the image cache: $BODY"

# Gureum: POST /servers, then poll the server every 5 ms until ACTIVE.
: >"$T/g_run"; : >"$T/g_ready"; : >"$T/g_post"
for i in $(seq "$RUNS"); do
	t0=$(now_ms)
	post=$(curl -s -o "$T/body" -w '%{time_total}' -H "X-Auth-Token: $TOKEN" \
	    -H 'Content-Type: application/json' --data-binary \
	    "{\"server\":{\"name\":\"b$i\",\"imageRef\":\"$IMG\",\"flavorRef\":\"$FLV\"}}" \
	    "$CP_URL/v2.1/servers")
	ID=$(jq -r .server.id "$T/body")
	until curl -s -H "X-Auth-Token: $TOKEN" "$CP_URL/v2.1/servers/$ID" |
	    grep -q '"status": *"ACTIVE"'; do
		sleep 0.005
	done
	echo $(( $(now_ms) - t0 )) >>"$T/g_run"
	awk -v s="$post" 'BEGIN { printf "%.0f\n", s * 1000 }' >>"$T/g_post"
	while ! ready_in "$T/compute/instances/$ID/console.log"; do sleep 0.05; done
	echo $(( $(now_ms) - t0 )) >>"$T/g_ready"
	if [ "$i" = "$RUNS" ]; then
		virsh -c "$LIBVIRT_URI" dumpxml --inactive "instance-$ID" >"$T/dom.xml"
		mkdir -p "$T/raw"
		cp "$T/compute/instances/$ID/config.iso" "$T/raw/config.iso"
	fi
	api DELETE "$CP_URL/v2.1/servers/$ID"
	gone() { ! virsh -c "$LIBVIRT_URI" domstate "instance-$ID" >/dev/null 2>&1; }
	wait_for 30 gone
done
# The agent's own time per boot, from its log: "running (N ms: ...)".
AGENT_MS=$(sed -n 's/.* running (\([0-9]*\) ms: .*start \([0-9]*\)).*/\1 \2/p' \
    "$T/compute.log")

# Raw: the same domain XML, a new uuid/name and its own overlay each time.
: >"$T/r_run"; : >"$T/r_ready"
for i in $(seq "$RUNS"); do
	rm -f "$T/raw/disk.qcow2" "$T/raw/console.log"
	qemu-img create -q -f qcow2 -F qcow2 -b "$(ls "$T"/compute/images/$IMG-*)" \
	    "$T/raw/disk.qcow2" 1G
	sed -e "s|<name>instance-$ID</name>|<name>raw-bench</name>|" \
	    -e "s|<uuid>$ID</uuid>|<uuid>$(cat /proc/sys/kernel/random/uuid)</uuid>|" \
	    -e "s|$T/compute/instances/$ID/disk.qcow2|$T/raw/disk.qcow2|" \
	    -e "s|$T/compute/instances/$ID/config.iso|$T/raw/config.iso|" \
	    -e "s|$T/compute/instances/$ID/console.log|$T/raw/console.log|g" \
	    "$T/dom.xml" >"$T/raw.xml"
	t0=$(now_ms)
	virsh -q -c "$LIBVIRT_URI" create "$T/raw.xml" >/dev/null || die "virsh create failed"
	echo $(( $(now_ms) - t0 )) >>"$T/r_run"
	while ! ready_in "$T/raw/console.log"; do sleep 0.05; done
	echo $(( $(now_ms) - t0 )) >>"$T/r_ready"
	virsh -q -c "$LIBVIRT_URI" destroy raw-bench >/dev/null
done

# Memory after the boots: PSS counts the shared libraries (libvirt, curl,
# libpq...) once across the daemons, as the machine pays for them.
pss() { awk '/^Pss:/ { print $2 }' "/proc/$1/smaps_rollup"; }
rss() { awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"; }
MEM_LINE=""
PSS_SUM=0
for d in controller image compute; do
	pid=$(eval echo "\$${d}_PID")
	MEM_LINE+="$d $(( $(rss "$pid") / 1024 )) MiB RSS, "
	PSS_SUM=$((PSS_SUM + $(pss "$pid")))
done

G_RUN=$(median <"$T/g_run"); R_RUN=$(median <"$T/r_run")
G_READY=$(median <"$T/g_ready"); R_READY=$(median <"$T/r_ready")
G_POST=$(median <"$T/g_post")
A_ALL=$(awk '{ print $1 }' <<<"$AGENT_MS" | median)
A_START=$(awk '{ print $2 }' <<<"$AGENT_MS" | median)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<OUT

== boot latency (TCG, 128 MiB guest, cached 10 MB image; medians of $RUNS)
  raw virsh create -> running      ${R_RUN} ms   (runs: $(tr '\n' ' ' <"$T/r_run"))
  POST /servers -> ACTIVE          ${G_RUN} ms   (runs: $(tr '\n' ' ' <"$T/g_run"))
    ratio $(ratio "$G_RUN" "$R_RUN") (goal <= 1.3), overhead $((G_RUN - R_RUN)) ms (goal <= 150)
    of which: API answer (202) ${G_POST} ms; agent boot ${A_ALL} ms, its libvirt start ${A_START} ms;
    dispatch, report and polling the rest
  raw virsh create -> ready line   ${R_READY} ms
  POST /servers -> ready line      ${G_READY} ms   ratio $(ratio "$G_READY" "$R_READY") (goal <= 1.05)
  (for comparison: OpenStack peer, POST -> ACTIVE median 1880 ms, NOTES.md)

== control-plane memory after $RUNS boots (PostgreSQL not counted)
  ${MEM_LINE%, }
  controller + image + compute agent: $((PSS_SUM / 1024)) MiB PSS (goal < 32; peer: 2.8 GiB)
  (with the network agent: bench/network.sh)
OUT
