#!/usr/bin/env bash
# bench/images.sh BUILDDIR - image service throughput and instance disk
# creation, each against a baseline measured in the same run:
#   upload and download of a 1 GiB image on loopback vs `cp` of the same
#   file on the same disk (goal >= 0.5), and creating an instance disk from
#   a cached 1 GiB base as a thin qcow2 overlay vs a full copy (the thick
#   path: convert + preallocate; goal: thin <= 1/50 of the copy).
set -uo pipefail
BUILD=${1:?usage: bench/images.sh BUILDDIR}
export GUREUM_BIN=$BUILD/bin
. "$(dirname "$0")/../tests/lib/harness.sh"

ms() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }
start_pg
start_controller
start_image
TOKEN=$(get_token admin "$ADMIN_PW" admin)
SIZE=$((1 << 30))

# A 1 GiB qcow2 base with 1 GiB of data in it (random: no sparse shortcut).
head -c $SIZE /dev/urandom >"$T/data.raw"
qemu-img convert -q -f raw -O qcow2 "$T/data.raw" "$T/base.qcow2"
rm -f "$T/data.raw"
sync

# Each figure is the median of three runs: this disk's speed varies a lot
# with page-cache writeback, so baseline and service alternate.
# The page cache is treated alike for all three: each starts after a
# sync with its source cached (base.qcow2 for cp and the upload, the
# store's file, fsynced but still cached, for the download) and ends with
# a sync, so each pays for writing its 1 GiB to this disk once.
median() { printf '%s\n' "$@" | sort -n | sed -n 2p; }
CPS=() UPS=() DOWNS=() THINS=() THICKS=()
for run in 1 2 3; do
	sync
	t=$(date +%s%N); cp "$T/base.qcow2" "$T/copy.qcow2"; sync; CPS+=("$(ms "$t")")
	rm -f "$T/copy.qcow2"

	api POST "$IMG_URL/v2/images" '{"name":"bench","disk_format":"qcow2","container_format":"bare"}'
	ID=$(jq -r .id <<<"$BODY")
	sync
	t=$(date +%s%N)
	curl -s -o /dev/null -X PUT -H "X-Auth-Token: $TOKEN" -H 'Content-Type: application/octet-stream' \
	    -T "$T/base.qcow2" "$IMG_URL/v2/images/$ID/file"
	sync; UPS+=("$(ms "$t")")
	t=$(date +%s%N)
	curl -s -H "X-Auth-Token: $TOKEN" -o "$T/down.qcow2" "$IMG_URL/v2/images/$ID/file"
	sync; DOWNS+=("$(ms "$t")")
	cmp -s "$T/base.qcow2" "$T/down.qcow2" || echo "WARNING: the download differs"
	rm -f "$T/down.qcow2"
	api DELETE "$IMG_URL/v2/images/$ID"

	t=$(date +%s%N)
	qemu-img create -q -f qcow2 -F qcow2 -b "$T/base.qcow2" "$T/thin.qcow2" 2G; sync
	THINS+=("$(ms "$t")")
	t=$(date +%s%N)
	qemu-img convert -q -O raw "$T/base.qcow2" "$T/thick.raw"
	fallocate -l 2G "$T/thick.raw"; sync
	THICKS+=("$(ms "$t")")
	rm -f "$T/thin.qcow2" "$T/thick.raw"
done
CP=$(median "${CPS[@]}"); UP=$(median "${UPS[@]}"); DOWN=$(median "${DOWNS[@]}")
THIN=$(median "${THINS[@]}"); THICK=$(median "${THICKS[@]}")

mb() { awk -v ms="$1" -v sz=$SIZE 'BEGIN { printf "%.0f", sz / 1048576 / (ms / 1000) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
cat <<OUT

== image service throughput (1 GiB qcow2, loopback, median of 3;
   source cached, destination synced, for cp as for the service)
  cp baseline       ${CP} ms   $(mb "$CP") MiB/s
  upload (PUT)      ${UP} ms   $(mb "$UP") MiB/s   ratio vs cp $(ratio "$CP" "$UP")   (goal >= 0.5)
  download (GET)    ${DOWN} ms   $(mb "$DOWN") MiB/s   ratio vs cp $(ratio "$CP" "$DOWN")   (goal >= 0.5)

== instance disk from a cached 1 GiB base (median of 3)
  thin qcow2 overlay   ${THIN} ms
  thick full copy      ${THICK} ms (convert to raw + preallocate 2 GiB)
  thin / thick         $(ratio "$THIN" "$THICK")   (goal <= 0.02)
OUT
