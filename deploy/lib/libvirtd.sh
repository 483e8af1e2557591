# deploy/lib/libvirtd.sh - private libvirtd instances (a lab node's, a
# test's), each in its own mount namespace over its own copies of
# /etc/libvirt, /var/lib/libvirt, /var/log/libvirt and /var/cache/libvirt,
# with a tmpfs on /run/libvirt; QEMU runs as root with no security driver
# and no virtlogd. Stopping one destroys its domains first: libvirt leaves
# guests running when libvirtd goes, orphaned to PID 1. Needs proc.sh.

# libvirtd_etc DEST LIBVIRTD_CONF QEMU_CONF: DEST becomes a copy of
# /etc/libvirt (made once) without autostarted networks, the lines
# LIBVIRTD_CONF appended to libvirtd.conf and QEMU_CONF plus the run-as-root
# settings to qemu.conf.
libvirtd_etc() {
	local dest=$1 tmp=$1.tmp
	[ -d "$dest" ] && return 0
	rm -rf "$tmp"
	cmd cp -a /etc/libvirt "$tmp"
	rm -f "$tmp"/qemu/networks/autostart/*
	printf '\n%s\n' "$2" >>"$tmp/libvirtd.conf"
	printf '\n%s\n' "$3" 'stdio_handler = "file"' 'user = "root"' \
	    'group = "root"' 'security_driver = "none"' >>"$tmp/qemu.conf"
	cmd mv "$tmp" "$dest"
}

# libvirtd_start ETC DIR PIDFILE LOG [NETNS HOSTNAME]: `libvirtd -d` with
# ETC on /etc/libvirt and DIR/lib, DIR/log, DIR/cache on libvirt's others,
# its output appended to LOG. With NETNS, it runs in that network namespace
# with its own UTS namespace named HOSTNAME, and listens on TCP (--listen).
# `hostname` runs only in the `unshare -u` shell: anywhere else it would
# rename the machine. libvirtd returns before it serves: libvirtd_wait.
libvirtd_start() {
	local etc=$1 dir=$2 pidfile=$3 log=$4 ns=${5:-} host=${6:-}
	local pre=() flags=-m script
	script="mount --bind $etc /etc/libvirt
mount --bind $dir/lib /var/lib/libvirt
mount --bind $dir/log /var/log/libvirt
mount --bind $dir/cache /var/cache/libvirt
mount -t tmpfs -o mode=755 tmpfs /run/libvirt"
	if [ -n "$ns" ]; then
		pre=(ip netns exec "$ns") flags="-m -u"
		script+="
hostname $host
exec libvirtd --listen -d -p $pidfile"
	else
		script+="
exec libvirtd -d -p $pidfile"
	fi
	# bind mounts need their mount points in the root namespace
	cmd mkdir -p "$dir/lib" "$dir/log" "$dir/cache" /etc/libvirt \
	    /var/lib/libvirt /var/log/libvirt /var/cache/libvirt /run/libvirt
	rm -f "$pidfile"
	printf '==== %s: starting libvirtd\n' "$(date -Is)" >>"$log"
	# shellcheck disable=SC2086
	cmd "${pre[@]}" unshare $flags --propagation private sh -ec "$script" \
	    >>"$log" 2>&1
}

# libvirtd_wait URI SECONDS: until the libvirtd at URI answers.
libvirtd_wait() {
	wait_for "$2" virsh -c "$1" version
}

# libvirtd_destroy_domains LABEL URI [NSPID]: destroys and undefines every
# domain of the libvirtd at URI; with an NSPID, virsh runs in that
# process's mount and network namespaces (a node's libvirtd through its
# unix socket, which works even when the node's address is gone).
libvirtd_destroy_domains() {
	local label=$1 dom doms=() v=(virsh -q -c "$2")
	[ -z "${3:-}" ] || v=(nsenter -t "$3" -m -n -- "${v[@]}")
	mapfile -t doms < <("${v[@]}" list --all --name 2>/dev/null)
	for dom in "${doms[@]}"; do
		[ -n "$dom" ] || continue
		say "$label: destroying domain $dom"
		cmd "${v[@]}" destroy "$dom" >/dev/null 2>&1 || true
		cmd "${v[@]}" undefine --managed-save --snapshots-metadata \
		    --nvram "$dom" >/dev/null 2>&1 ||
		    "${v[@]}" undefine "$dom" >/dev/null 2>&1 || true
	done
}

# qemu_reap LABEL SCOPE: stops every QEMU whose arguments name a path
# under SCOPE (the lab node's or the test's directory). Returns 1 if there
# was one: a guest outlived its libvirtd, something leaked.
qemu_reap() {
	local pid ret=0
	for pid in $(pids_referring "$2" 'qemu-system-*' 'qemu-kvm'); do
		say "$1: QEMU pid $pid of $2 is still running; stopping it"
		pid_stop "$pid" "QEMU pid $pid" 5 || true
		ret=1
	done
	return $ret
}

# libvirtd_stop LABEL PIDFILE URI SCOPE [NS]: if the libvirtd of PIDFILE
# (started with -p PIDFILE) runs, destroys its domains (with NS nonempty,
# through its own namespaces), then stops it by PID;
# then no QEMU of SCOPE may be left (qemu_reap). Returns 1 if one was.
libvirtd_stop() {
	local label=$1 pidfile=$2 uri=$3 scope=$4 pid
	if pidfile_running "$pidfile" "$pidfile"; then
		pid=$(pid_from "$pidfile")
		libvirtd_destroy_domains "$label" "$uri" ${5:+"$pid"}
		say "stopping $label (pid $pid)"
		pid_stop "$pid" "$label" || true
	fi
	rm -f "$pidfile"
	qemu_reap "$label" "$scope"
}
