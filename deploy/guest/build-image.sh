#!/usr/bin/env bash
# deploy/guest/build-image.sh OUTDIR
#
# Builds the lab's guest cloud image OUTDIR/gureum-tiny.qcow2 (about 10 MB)
# from installed Debian packages only: no internet, no loop mounts, no root
# needed. The disk is a bare FAT filesystem (no partition table) holding
# syslinux, the Debian kernel and a busybox initramfs whose /init is
# deploy/guest/init; SeaBIOS boots syslinux from the FAT boot sector.
#
# Cached: OUTDIR/gureum-tiny.stamp records the inputs (kernel version and the
# hashes of the kernel, busybox and the scripts); if they match, nothing is
# rebuilt. Either way the image's absolute path is the only line on stdout.
# The image is built in a temporary directory inside OUTDIR and renamed into
# place, so readers never see a half-written file.
set -euo pipefail

NAME=gureum-tiny
# What the guest's init loads, in this order (modprobe adds dependencies):
# virtio and fully emulated NICs and disks, the cdrom and the filesystems a
# config drive comes on.
MODULES=(virtio_pci virtio_net virtio_blk virtio_balloon e1000 ata_piix
    sd_mod sr_mod isofs vfat nls_cp437 nls_iso8859_1 button evdev)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PATH=$PATH:/usr/sbin:/sbin	# mkfs.vfat and modprobe, for non-root users

die() {
	echo "build-image.sh: $*" >&2
	exit 1
}

# need TOOL PACKAGE: fails naming the Debian package when TOOL is missing.
need() {
	command -v "$1" >/dev/null 2>&1 ||
	    die "'$1' not found; install it:" \
	    "apt-get install --no-install-recommends $2"
}

# pick_kernel: sets KVER and VMLINUZ to the newest kernel that has both
# modules and an image installed. The running kernel (uname -r) is not
# used: it may come from outside Debian, with no modules on disk.
pick_kernel() {
	local k
	KVER=
	for k in $(find /lib/modules -mindepth 1 -maxdepth 1 -printf '%f\n' \
	    2>/dev/null | sort -V); do
		[ -f "/boot/vmlinuz-$k" ] && KVER=$k
	done
	[ -n "$KVER" ] || die "no kernel with modules in /lib/modules and" \
	    "/boot/vmlinuz-*; install it:" \
	    "apt-get install --no-install-recommends linux-image-amd64"
	VMLINUZ=/boot/vmlinuz-$KVER
	[ -r "$VMLINUZ" ] || die "cannot read $VMLINUZ (run as root?)"
}

# stamp: the inputs of the image, one per line; a change in any of them
# means a rebuild.
stamp() {
	local f
	echo "kernel $KVER"
	for f in "$VMLINUZ" "$BUSYBOX" "$HERE/init" "$HERE/udhcpc.script" \
	    "$HERE/build-image.sh"; do
		echo "$(sha256sum <"$f" | cut -d' ' -f1) ${f##*/}"
	done
}

# cached: true if the image exists and was built from the current inputs.
cached() {
	[ -f "$OUT/$NAME.qcow2" ] && [ -f "$OUT/$NAME.stamp" ] &&
	    [ "$(cat "$OUT/$NAME.stamp")" = "$(stamp)" ]
}

# add_modules ROOT: copies MODULES and their dependencies, uncompressed, to
# ROOT/lib/modules, and lists them in load order in ROOT/lib/modules/load-order.
add_modules() {
	local root=$1 m ko base
	for m in "${MODULES[@]}"; do
		modprobe -S "$KVER" --show-depends "$m" >>"$TMP/deps" ||
		    die "kernel $KVER has no module '$m'"
	done
	# Each module once, where it first appears; "builtin" lines need nothing.
	awk '$1 == "insmod" && !seen[$2]++ { print $2 }' "$TMP/deps" >"$TMP/ko"
	mkdir -p "$root/lib/modules"
	while read -r ko; do
		base=${ko##*/}
		case $ko in
		*.ko.xz)
			need xz xz-utils
			base=${base%.xz}
			xz -dc "$ko" >"$root/lib/modules/$base"
			;;
		*.ko.zst)
			need zstd zstd
			base=${base%.zst}
			zstd -dcq "$ko" >"$root/lib/modules/$base"
			;;
		*)
			cp "$ko" "$root/lib/modules/$base"
			;;
		esac
		echo "$base" >>"$root/lib/modules/load-order"
	done <"$TMP/ko"
}

# make_initramfs FILE: busybox (with a link per applet), init, the udhcpc
# script and the modules, as a gzipped newc cpio owned by root.
make_initramfs() {
	local root=$TMP/root applet
	mkdir -p "$root"/{bin,dev,etc,mnt,proc,root,run,sys,tmp}
	cp "$BUSYBOX" "$root/bin/busybox"
	for applet in $("$root/bin/busybox" --list); do
		[ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
	done
	install -m 755 "$HERE/init" "$root/init"
	install -m 755 "$HERE/udhcpc.script" "$root/etc/udhcpc.script"
	add_modules "$root"
	(cd "$root" && find . | "$BUSYBOX" cpio -o -H newc -R 0:0) |
	    gzip -9 >"$1"
}

# make_disk RAW: a FAT filesystem sized to its files plus 1 MiB (syslinux's
# own files and slack), with syslinux in its boot sector.
make_disk() {
	local raw=$1 kb
	cat >"$TMP/syslinux.cfg" <<-'EOF'
	SERIAL 0 115200
	DEFAULT linux
	PROMPT 0
	TIMEOUT 0
	LABEL linux
	  KERNEL vmlinuz
	  INITRD initrd.gz
	  APPEND console=ttyS0,115200 quiet
	EOF
	kb=$(stat -c %s "$VMLINUZ" "$TMP/initrd.gz" |
	    awk '{ sum += $1 } END { print int(sum / 1024) + 1024 }')
	mkfs.vfat -C -n GUREUM-TINY "$raw" "$kb" >/dev/null
	mcopy -i "$raw" "$VMLINUZ" ::vmlinuz
	mcopy -i "$raw" "$TMP/initrd.gz" ::initrd.gz
	mcopy -i "$raw" "$TMP/syslinux.cfg" ::syslinux.cfg
	syslinux --install "$raw"
}

[ $# -eq 1 ] || { echo "usage: build-image.sh OUTDIR" >&2; exit 2; }
need mkfs.vfat dosfstools
need mcopy mtools
need syslinux syslinux
need qemu-img qemu-utils
need modprobe kmod
need gzip gzip
need busybox busybox-static
BUSYBOX=$(command -v busybox)
# The guest has no libraries: only the static build will run there.
if ldd "$BUSYBOX" >/dev/null 2>&1; then
	die "$BUSYBOX is dynamically linked; install busybox-static instead of busybox"
fi
pick_kernel

mkdir -p "$1"
OUT=$(cd "$1" && pwd)
if ! cached; then
	# One build at a time per OUTDIR; a waiter finds the image made.
	exec 9>"$OUT/.$NAME.lock"
	flock 9
fi
if ! cached; then
	echo "build-image.sh: building $OUT/$NAME.qcow2 (kernel $KVER)" >&2
	TMP=$(mktemp -d "$OUT/.$NAME.XXXXXX")
	trap 'rm -rf "$TMP"' EXIT
	make_initramfs "$TMP/initrd.gz"
	make_disk "$TMP/disk.raw"
	qemu-img convert -O qcow2 "$TMP/disk.raw" "$TMP/$NAME.qcow2"
	stamp >"$TMP/$NAME.stamp"
	# The image first: a stamp never vouches for an older image.
	mv -f "$TMP/$NAME.qcow2" "$OUT/$NAME.qcow2"
	mv -f "$TMP/$NAME.stamp" "$OUT/$NAME.stamp"
fi
echo "$OUT/$NAME.qcow2"
