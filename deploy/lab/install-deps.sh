#!/usr/bin/env bash
# deploy/lab/install-deps.sh - installs the Debian 12 packages the lab needs
# at run time (PostgreSQL, libvirt/QEMU, the guest image tools, the
# openstack CLI). Idempotent: asks dpkg what is missing and runs apt only
# for that; `apt-get update` only when something must be installed.
# Package scripts are kept from starting services: there is no systemd
# here, and the lab runs its own PostgreSQL and libvirtd instances.
set -euo pipefail

PACKAGES=(postgresql libvirt-daemon-system libvirt-clients qemu-system-x86
    qemu-utils dnsmasq-base nftables bridge-utils iproute2 syslinux
    syslinux-common mtools dosfstools busybox-static xorriso
    linux-image-amd64 python3-openstackclient curl jq)
POLICY=/usr/sbin/policy-rc.d

# missing_packages: prints the packages dpkg does not know as installed.
missing_packages() {
	local p status
	for p in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) || true
		[ "$status" = "install ok installed" ] || echo "$p"
	done
}

# forbid_service_starts: writes a policy-rc.d that refuses every service
# start, unless the machine already has one (then it is left alone).
# Sets MADE_POLICY so the EXIT trap removes only what this script wrote.
MADE_POLICY=0
forbid_service_starts() {
	[ -e "$POLICY" ] && return 0
	printf '#!/bin/sh\n# written by gureum deploy/lab/install-deps.sh\nexit 101\n' \
	    >"$POLICY"
	chmod 755 "$POLICY"
	MADE_POLICY=1
}
remove_policy() {
	if [ "$MADE_POLICY" = 1 ]; then
		rm -f "$POLICY"
	fi
}

main() {
	local missing
	mapfile -t missing < <(missing_packages)
	[ ${#missing[@]} -eq 0 ] && return 0

	if [ "$(id -u)" != 0 ]; then
		echo "install-deps: missing packages: ${missing[*]}" >&2
		echo "install-deps: run as root to install them" >&2
		return 1
	fi
	echo "install-deps: installing ${missing[*]}"
	trap remove_policy EXIT
	forbid_service_starts
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	apt-get install -y -q --no-install-recommends "${missing[@]}"
}

main "$@"
