#!/usr/bin/env bash
# deploy/install-deps.sh - installs the Debian 12 packages Gureum needs to
# build, test and run its lab (`make deps`, `make lab` and CI call it).
# Idempotent: it asks apt only for what is missing, and runs
# `apt-get update` only when something is; then the browser tests' one npm
# package (tests/browser/package-lock.json: playwright-core, which drives
# Debian's chromium and never downloads a browser) when it is not there.
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)

# make: the daemons (pkg-config names them in the Makefile); libnl,
# libnftables and libnetfilter-conntrack are the network agent's (bridges,
# VXLAN, FDB; security groups; forgetting a changed port's connections).
build=(make gcc pkg-config libmicrohttpd-dev libjansson-dev libpq-dev
    libcurl4-openssl-dev libvirt-dev libssl-dev
    libnl-3-dev libnl-route-3-dev libnftables-dev libnetfilter-conntrack-dev)
# make lab: PostgreSQL, the nodes' libvirtd and QEMU, the guest image
# (deploy/guest: kernel, busybox, syslinux on FAT, modules via kmod and
# xz, config drives via genisoimage), namespaces and bridges (iproute2), the
# lab's HTTP calls (curl, jq) and the openstack CLI its users run; for
# tenant networks: dhcp_release (dnsmasq-utils), conntrack (to look), ping
# and arping.
runtime=(postgresql libvirt-daemon-system libvirt-clients qemu-system-x86
    qemu-utils dnsmasq-base dnsmasq-utils nftables conntrack bridge-utils
    iproute2 iputils-ping iputils-arping syslinux
    syslinux-common mtools dosfstools busybox-static genisoimage
    linux-image-amd64 kmod xz-utils curl jq python3-openstackclient)
# make check, make fuzz, make bench: sanitizers and libFuzzer (clang), the
# signed agent calls (openssl), process tools, the load generator, packet
# captures (tcpdump: a guest's DF ping on its tap).
test=(clang libclang-rt-14-dev openssl procps wrk tcpdump)
# The web portal's browser test (tests/integration/17_web.sh): Debian's
# Chromium, Node.js to run the test (playwright-core needs Node >= 20: on
# Debian 12, from a newer nodejs package than bookworm's 18) and npm, which
# such a nodejs package carries itself (Debian's own npm then conflicts).
test+=(chromium nodejs)
command -v npm >/dev/null 2>&1 || test+=(npm)
POLICY=/usr/sbin/policy-rc.d

# installed PACKAGE: dpkg has PACKAGE installed.
installed() {
	local status
	status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) || return 1
	[ "$status" = "install ok installed" ]
}

# browser_packages: tests/browser's node_modules from its lock, once.
browser_packages() {
	local dir=$REPO/tests/browser
	[ ! -d "$dir/node_modules/playwright-core" ] || return 0
	echo "install-deps: npm ci in $dir"
	(cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --silent)
}

missing=()
for p in "${build[@]}" "${runtime[@]}" "${test[@]}"; do
	installed "$p" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	browser_packages
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "install-deps: these packages are missing: ${missing[*]}" >&2
	echo "install-deps: run as root (or: sudo make deps)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"

# Keep package scripts from starting system services (no systemd here,
# and the lab runs its own PostgreSQL and libvirtd instances). A
# policy-rc.d the machine already has is left alone.
made_policy=0
remove_policy() {
	if [ "$made_policy" = 1 ]; then
		rm -f "$POLICY"
	fi
}
trap remove_policy EXIT
if [ ! -e "$POLICY" ]; then
	made_policy=1
	printf '#!/bin/sh\n# written by gureum deploy/install-deps.sh\nexit 101\n' \
	    >"$POLICY"
	chmod 755 "$POLICY"
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
browser_packages
