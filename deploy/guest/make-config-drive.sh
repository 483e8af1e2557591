#!/usr/bin/env bash
# deploy/guest/make-config-drive.sh OUT.iso HOSTNAME [PUBKEY_FILE]
#     [USER_DATA_FILE]
#
# Writes an OpenStack config drive: an ISO 9660 image labelled config-2 with
# openstack/latest/meta_data.json (uuid, hostname, name, public_keys) and,
# if given, openstack/latest/user_data. Every non-empty line of PUBKEY_FILE
# becomes a key (key1, key2, ...). The compute agent builds its own drives;
# this script is for tests and shows the format the guest image reads.
set -euo pipefail

die() {
	echo "make-config-drive.sh: $*" >&2
	exit 1
}

# json_str TEXT: TEXT as a JSON string literal (quotes, backslashes and
# control characters escaped; a key file's CR is dropped).
json_str() {
	local s=${1//$'\r'/}
	s=${s//\\/\\\\}
	s=${s//\"/\\\"}
	s=${s//$'\t'/\\t}
	s=${s//$'\n'/\\n}
	printf '"%s"' "$s"
}

# meta_data HOSTNAME [PUBKEY_FILE]: the meta_data.json document.
meta_data() {
	local keys="" line n=0
	if [ -n "${2:-}" ]; then
		while IFS= read -r line || [ -n "$line" ]; do
			line=${line//$'\r'/}
			[ -n "$line" ] || continue
			n=$((n + 1))
			keys+="${keys:+, }\"key$n\": $(json_str "$line")"
		done <"$2"
	fi
	printf '{"uuid": %s, "hostname": %s, "name": %s, "public_keys": {%s}}\n' \
	    "$(json_str "$(cat /proc/sys/kernel/random/uuid)")" \
	    "$(json_str "$1")" "$(json_str "$1")" "$keys"
}

if [ $# -lt 2 ] || [ $# -gt 4 ]; then
	echo "usage: make-config-drive.sh OUT.iso HOSTNAME [PUBKEY_FILE]" \
	    "[USER_DATA_FILE]" >&2
	exit 2
fi
command -v genisoimage >/dev/null 2>&1 ||
    die "'genisoimage' not found; install it:" \
    "apt-get install --no-install-recommends genisoimage"
out=$1 host=$2 keyfile=${3:-} userdata=${4:-}
[ -n "$host" ] || die "the hostname is empty"
[ -z "$keyfile" ] || [ -r "$keyfile" ] || die "cannot read '$keyfile'"
[ -z "$userdata" ] || [ -r "$userdata" ] || die "cannot read '$userdata'"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/openstack/latest"
meta_data "$host" "$keyfile" >"$tmp/openstack/latest/meta_data.json"
[ -z "$userdata" ] || cp "$userdata" "$tmp/openstack/latest/user_data"
# Rock Ridge keeps names and modes as they are, Joliet serves Windows guests.
# Its output is shown on failure only.
if ! err=$(genisoimage -quiet -R -J -V config-2 -o "$out" "$tmp" 2>&1); then
	echo "$err" >&2
	die "genisoimage could not write '$out'"
fi
