#!/usr/bin/env bash
# deploy/install-deps.sh - installs the Debian 12 packages Gureum needs to
# build, test and run its lab. Idempotent: it asks apt only for what is
# missing, and runs `apt-get update` only when something is.
set -euo pipefail

build=(make gcc pkg-config libmicrohttpd-dev libjansson-dev libpq-dev
    libcurl4-openssl-dev libvirt-dev libssl-dev)
test=(clang libclang-rt-14-dev curl jq iproute2 procps postgresql wrk openssl
    python3-openstackclient)
runtime=(libvirt-daemon-system libvirt-clients qemu-system-x86 qemu-utils
    dnsmasq-base nftables bridge-utils syslinux syslinux-common mtools
    dosfstools busybox-static xorriso linux-image-amd64 kmod xz-utils)

missing=()
for p in "${build[@]}" "${test[@]}" "${runtime[@]}"; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
	    missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: these packages are missing: ${missing[*]}" >&2
	echo "install-deps: run as root (or: sudo make deps)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
# Keep package scripts from starting system services (no systemd here,
# and the lab runs its own PostgreSQL and libvirtd instances).
made_policy=0
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod +x /usr/sbin/policy-rc.d
	made_policy=1
fi
remove_policy() {
	if [ $made_policy = 1 ]; then
		rm -f /usr/sbin/policy-rc.d
	fi
}
trap remove_policy EXIT
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
