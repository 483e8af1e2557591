# deploy/lib/pg.sh - a private PostgreSQL 15 cluster in a directory of its
# own (the lab's STATE/pg, a test's T/pg), beside any system cluster: its
# data in DIR/data, its socket in DIR/run, no TCP (listen_addresses=''),
# so the port number never clashes. initdb and postgres refuse to run as
# root: they run as the user postgres. Needs proc.sh.

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

pg_conninfo() {	# DIR PORT DBNAME
	echo "host=$1/run port=$2 dbname=$3 user=postgres"
}

pg_running() {	# DIR: its postmaster runs
	pidfile_running "$1/data/postmaster.pid" "$1/data"
}

# pg_init DIR LOG: makes DIR, DIR/run and DIR/data owned by postgres, and
# the cluster in DIR/data unless it is there (initdb's output in LOG).
pg_init() {
	local dir=$1 log=$2
	cmd install -d -o postgres -g postgres -m 755 "$dir" "$dir/run"
	cmd install -d -o postgres -g postgres -m 700 "$dir/data"
	runuser -u postgres -- test -x "$dir" ||
	    die "user postgres cannot reach $dir: make the parent directories searchable (chmod o+x)."
	[ ! -s "$dir/data/PG_VERSION" ] || return 0
	cmd runuser -u postgres -- "$PGBIN/initdb" -D "$dir/data" -A trust \
	    -U postgres -E UTF8 >>"$log" 2>&1 ||
	    die "initdb failed: read $log"
}

# pg_start DIR PORT LOG SECONDS [SETTING...]: starts the cluster (pg_ctl
# waits up to SECONDS) with its log in LOG; each SETTING (name=value)
# becomes a -c option.
pg_start() {
	local dir=$1 port=$2 log=$3 limit=$4 opts s
	shift 4
	opts="-p $port -k $dir/run -c listen_addresses=''"
	for s; do
		opts+=" -c $s"
	done
	touch "$log"
	chown postgres: "$log"
	cmd runuser -u postgres -- "$PGBIN/pg_ctl" -D "$dir/data" -l "$log" \
	    -w -t "$limit" -o "$opts" start >/dev/null ||
	    die "PostgreSQL did not start: read $log"
}

# pg_createdb DIR PORT NAME: the database NAME, unless it exists.
pg_createdb() {
	local have
	have=$("$PGBIN/psql" -X -h "$1/run" -p "$2" -U postgres -d postgres \
	    -Atc "SELECT 1 FROM pg_database WHERE datname = '$3'") ||
	    die "psql cannot reach the PostgreSQL in $1"
	[ "$have" = 1 ] && return 0
	cmd "$PGBIN/createdb" -h "$1/run" -p "$2" -U postgres "$3" ||
	    die "createdb $3 failed"
}

# pg_stop DIR MODE SECONDS: pg_ctl stop -m MODE (fast, immediate); if that
# fails, the postmaster's PID is stopped. Returns 1 if none was running.
pg_stop() {
	local pid
	pg_running "$1" || return 1
	pid=$(pid_from "$1/data/postmaster.pid")
	cmd runuser -u postgres -- "$PGBIN/pg_ctl" -D "$1/data" -m "$2" -w \
	    -t "$3" stop >/dev/null 2>&1 || pid_stop "$pid" postgres
	return 0
}
