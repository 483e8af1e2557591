#!/usr/bin/env bash
# The gureum-tiny guest image: it builds (and is reused from the cache), is a
# small qcow2, and boots under plain TCG QEMU to its ready line, both on
# virtio with a config drive (hostname, SSH key, user_data, DHCP) and on
# fully emulated hardware (e1000 NIC, IDE disk) without one.
. "$(dirname "$0")/../lib/harness.sh"

GUEST=$(cd "$(dirname "$0")/../../deploy/guest" && pwd)
CACHE=${GUREUM_CACHE_DIR:-/var/cache/gureum}/images
PUBKEY="ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGd1cmV1bXRlc3RrZXk test@gureum"
declare -A START	# guest name -> when qemu started (ns since the epoch)
declare -A SEEN		# NAME:LINE -> ms after its guest's start (see await)

command -v qemu-system-x86_64 >/dev/null ||
    die "qemu-system-x86_64 not found: apt-get install qemu-system-x86"

# boot NAME QEMU-ARGS...: boots a throwaway overlay of the image (the
# caller's args attach $T/NAME.qcow2) with the serial console written to
# $T/NAME.serial. TCG only: nested KVM hangs on these machines. The PID
# goes to the harness's cleanup.
boot() {
	local name=$1; shift
	qemu-img create -q -f qcow2 -F qcow2 -b "$BASE" "$T/$name.qcow2"
	START[$name]=$(date +%s%N)
	qemu-system-x86_64 -machine accel=tcg -m 256 -display none \
	    -monitor none -serial "file:$T/$name.serial" \
	    -daemonize -pidfile "$T/$name.pid" "$@" ||
	    die "qemu did not start the $name guest"
	PIDS+=("$(cat "$T/$name.pid")")
}

# serial_has NAME LINE: true if the guest's console shows LINE, whole.
serial_has() {
	tr -d '\r' <"$T/$1.serial" | grep -qxF -- "$2"
}

# await NAME:LINE...: polls the consoles every 0.2 s, for up to 90 s, until
# each shows its line; SEEN[NAME:LINE] is when, in ms after that guest's
# start. The console of a guest that missed a line is shown.
await() {
	local i spec name missing
	local -A shown
	for ((i = 0; i < 450; i++)); do
		missing=0
		for spec; do
			name=${spec%%:*}
			[ -n "${SEEN[$spec]:-}" ] && continue
			if serial_has "$name" "${spec#*:}"; then
				SEEN[$spec]=$((($(date +%s%N) - START[$name]) / 1000000))
			else
				missing=1
			fi
		done
		[ $missing = 0 ] && return
		sleep 0.2
	done
	for spec; do
		name=${spec%%:*}
		[ -n "${SEEN[$spec]:-}${shown[$name]:-}" ] && continue
		shown[$name]=1
		echo "# $name console (tail):"
		tr -d '\r' <"$T/$name.serial" | tail -15 | sed 's/^/#   /'
	done
}

# seen NAME:LINE: true if await saw it.
seen() {
	[ -n "${SEEN[$1]:-}" ]
}

BASE=$("$GUEST/build-image.sh" "$CACHE") || die "build-image.sh failed"
SIZE=$(stat -c %s "$BASE")
check "the image is a qcow2 under 30 MB ($SIZE bytes)" \
    jqt ".format == \"qcow2\" and $SIZE < 30 * 1024 * 1024" \
    "$(qemu-img info --output=json "$BASE")"
INODE=$(stat -c %i "$BASE")
check "a second build reuses the cached image" \
    test "$("$GUEST/build-image.sh" "$CACHE")" = "$BASE" \
    -a "$(stat -c %i "$BASE")" = "$INODE"

echo "$PUBKEY" >"$T/key.pub"
cat >"$T/user_data" <<'EOF'
#!/bin/sh
echo userdata-ran-ok >/dev/ttyS0
sed 's/^/authorized: /' /root/.ssh/authorized_keys >/dev/ttyS0
EOF
"$GUEST/make-config-drive.sh" "$T/config.iso" testvm1 "$T/key.pub" \
    "$T/user_data" || die "make-config-drive.sh failed"

# Both guests boot at once: each runs one TCG thread.
boot virtio -drive "file=$T/virtio.qcow2,if=virtio,format=qcow2" \
    -netdev user,id=n0 -device virtio-net-pci,netdev=n0 \
    -drive "file=$T/config.iso,if=ide,media=cdrom,format=raw,readonly=on"
boot emulated -drive "file=$T/emulated.qcow2,if=ide,format=qcow2" \
    -netdev user,id=n0 -device e1000,netdev=n0

VIRTIO_READY="virtio:gureum-guest ready: testvm1 10.0.2.15"
EMULATED_READY="emulated:gureum-guest ready: gureum-guest 10.0.2.15"
await "$VIRTIO_READY" virtio:userdata-ran-ok "virtio:authorized: $PUBKEY" \
    "$EMULATED_READY"
seen "$VIRTIO_READY" && echo "# virtio guest ready after ${SEEN[$VIRTIO_READY]} ms"
seen "$EMULATED_READY" && echo "# e1000/IDE guest ready after ${SEEN[$EMULATED_READY]} ms"
check "virtio guest: hostname from the config drive, address by DHCP" \
    seen "$VIRTIO_READY"
check "virtio guest: user_data ran" seen virtio:userdata-ran-ok
check "virtio guest: the config drive's key is in authorized_keys" \
    seen "virtio:authorized: $PUBKEY"
check "e1000/IDE guest: default hostname, address by DHCP" \
    seen "$EMULATED_READY"

finish
