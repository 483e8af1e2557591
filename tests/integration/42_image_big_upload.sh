#!/usr/bin/env bash
# A 2 GiB image upload streams through the image service in bounded memory:
# its resident size stays under 64 MiB while the bytes pass, and the stored
# image has the right size and checksum. Runs the optimised build (the
# sanitizer build keeps freed memory in quarantine, which is not a leak).
. "$(dirname "$0")/../lib/harness.sh"

OPT=${GUREUM_OPT_BIN:-$(cd "$(dirname "$0")/../.." && pwd)/build/bin}
[ -x "$OPT/gureum-image" ] || die "no optimised build in $OPT (run make)"
start_pg
start_controller
DAEMON_BIN=$OPT start_image
TOKEN=$(get_token admin "$ADMIN_PW" admin)
api POST "$IMG_URL/v2/images" '{"name":"big","disk_format":"raw","container_format":"bare"}'
ID=$(jq -r .id <<<"$BODY")

rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$image_PID/status"; }
BEFORE=$(rss_kb)
# 2 GiB of bytes, chunked (no length known in advance), md5 on the side.
head -c $((2 << 30)) /dev/zero | tee >(md5sum | cut -d' ' -f1 >"$T/md5") |
    curl -s -o /dev/null -w '%{http_code}' -X PUT -H "X-Auth-Token: $TOKEN" \
    -H 'Content-Type: application/octet-stream' -T - \
    "$IMG_URL/v2/images/$ID/file" >"$T/status" &
UP=$!
MAX=0
while kill -0 "$UP" 2>/dev/null; do
	R=$(rss_kb)
	[ "${R:-0}" -gt "$MAX" ] && MAX=$R
	sleep 0.2
done
wait "$UP"
echo "# image service RSS: ${BEFORE} KiB before, peak ${MAX} KiB during the upload"
check "the 2 GiB upload is accepted (204)" test "$(cat "$T/status")" = 204
check "peak RSS stays under 64 MiB" test "$MAX" -lt $((64 * 1024))
wait_for 10 test -s "$T/md5"
api GET "$IMG_URL/v2/images/$ID"
check "stored size is 2 GiB" jqt ".size == $((2 << 30)) and .status == \"active\""
check "stored checksum matches the bytes sent" jqt ".checksum == \"$(cat "$T/md5")\""
api DELETE "$IMG_URL/v2/images/$ID"
finish
