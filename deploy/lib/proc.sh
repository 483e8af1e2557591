# deploy/lib/proc.sh - commands and processes, for deploy/lab/lab.sh and
# tests/lib/harness.sh (both source every deploy/lib/*.sh).
#
# Owns the verbose echo of host-changing commands (cmd), polling
# (wait_for), and processes known by PID only: started in the background
# with their output in a log, recognised by an argument (a pid file may
# outlive its process, and the PID may then belong to another), stopped by
# PID with a bounded wait. Nothing here finds a process by its name.
#
# The sourcing script defines say MESSAGE (progress) and die MESSAGE (fatal).
# Functions return 0/1 and work under `set -e` and without it.

GUREUM_VERBOSE=${GUREUM_VERBOSE:-0}
# The echo goes to the stderr the script started with, even from a command
# whose own output is redirected; the commands themselves do not inherit
# that descriptor (a daemon would hold the caller's pipe open).
[ -n "${GUREUM_ECHO_FD:-}" ] || exec {GUREUM_ECHO_FD}>&2

# cmd_words WORD...: the words as one shell line; a word that is not plain
# is single-quoted, and the newlines of a script argument become "; ".
cmd_words() {
	local w out=() q="'\\''"
	for w; do
		if [[ $w =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then
			out+=("$w")
		else
			w=${w//$'\n'/; }
			out+=("'${w//\'/$q}'")
		fi
	done
	printf '%s\n' "${out[*]}"
}

# cmd COMMAND...: runs COMMAND; with GUREUM_VERBOSE=1 it is first echoed to
# stderr as "[#] COMMAND" (redirections are not shown). Every command that changes the host (ip, mount,
# mkdir of state, process start and kill, pg_ctl, virsh destroy) runs
# through it.
cmd() {
	[ "$GUREUM_VERBOSE" != 1 ] ||
	    printf '[#] %s\n' "$(cmd_words "$@")" >&"$GUREUM_ECHO_FD"
	"$@" {GUREUM_ECHO_FD}>&-
}

now_us() { echo "${EPOCHREALTIME//[.,]/}"; }

# wait_for SECONDS COMMAND...: runs COMMAND (output discarded) every 0.1 s
# until it succeeds; returns 1 if it still fails after SECONDS.
wait_for() {
	local deadline=$(($(now_us) + $1 * 1000000))
	shift
	until "$@" >/dev/null 2>&1; do
		[ "$(now_us)" -lt "$deadline" ] || return 1
		sleep 0.1
	done
}

# pid_alive PID: the process exists and is not a zombie (killed daemons
# whose parent is PID 1 may stay zombies here; they count as gone).
pid_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[ "${stat%% *}" != Z ] && [ "${stat%% *}" != X ]
}

pid_gone() { ! pid_alive "$1"; }

# pid_args PID: the process's arguments, one a line (empty if it is gone).
pid_args() {
	local args=()
	mapfile -d '' args 2>/dev/null <"/proc/$1/cmdline" || return 1
	[ ${#args[@]} -eq 0 ] || printf '%s\n' "${args[@]}"
}

# pid_has_arg PID ARG: ARG is one of the process's arguments.
pid_has_arg() {
	local a args=()
	mapfile -d '' args 2>/dev/null <"/proc/$1/cmdline" || return 1
	for a in "${args[@]}"; do
		[ "$a" = "$2" ] && return 0
	done
	return 1
}

# pid_from FILE: prints the PID on the first line of FILE, if it is one.
pid_from() {
	local pid=""
	[ -r "$1" ] || return 1
	# libvirtd writes no newline after the PID: read then fails at EOF
	read -r pid <"$1" || [ -n "$pid" ] || return 1
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	echo "$pid"
}

# pidfile_running PIDFILE ARG: the PID in PIDFILE is alive and has ARG
# (its config file, data dir or pid file path) among its arguments.
pidfile_running() {
	local pid
	pid=$(pid_from "$1") || return 1
	pid_alive "$pid" && pid_has_arg "$pid" "$2"
}

# pid_stop PID LABEL [SECONDS]: SIGTERM, up to SECONDS (default 10) to
# exit, then SIGKILL and up to 5 s more. Returns 1 if it does not die.
pid_stop() {
	local pid=$1 limit=${3:-10}
	pid_alive "$pid" || return 0
	cmd kill -TERM "$pid" 2>/dev/null || return 0
	wait_for "$limit" pid_gone "$pid" && return 0
	say "$2 (pid $pid) ignored SIGTERM for $limit s; sending SIGKILL"
	cmd kill -KILL "$pid" 2>/dev/null || true
	wait_for 5 pid_gone "$pid" && return 0
	say "warning: $2 (pid $pid) does not die"
	return 1
}

# proc_start LOG COMMAND...: runs COMMAND in the background, stdin from
# /dev/null, stdout and stderr appended to LOG; sets PROC_PID. The process
# is a child of this shell (`wait` works on it).
proc_start() {
	local log=$1
	shift
	[ "$GUREUM_VERBOSE" != 1 ] ||
	    printf '[#] %s >>%s &\n' "$(cmd_words "$@")" "$log" >&"$GUREUM_ECHO_FD"
	"$@" </dev/null >>"$log" 2>&1 {GUREUM_ECHO_FD}>&- &
	PROC_PID=$!
}

# pids_referring TEXT NAME...: the live processes (one PID a line) whose
# program (argv[0]'s base name) matches one of the glob patterns NAME and
# one of whose arguments contains TEXT, such as a state or temp dir.
pids_referring() {
	local text=$1 f pid prog name
	shift
	for f in $(grep -lsaF -- "$text" /proc/[0-9]*/cmdline); do
		pid=${f#/proc/} pid=${pid%/cmdline}
		pid_alive "$pid" || continue
		prog=$(pid_args "$pid" | head -1) || continue
		prog=${prog##*/}
		for name; do
			# shellcheck disable=SC2254
			case $prog in $name) echo "$pid"; break ;; esac
		done
	done
}
