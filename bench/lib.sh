# shellcheck shell=bash disable=SC2034  # (variables set here are read by the caller)
# Helpers shared by bench/sinks.sh and bench/incremental_many.sh (sourced, not run).
# The caller sets `set -euo pipefail` and $here (the repository root) first.

# tributary_binary: prints the tributary executable to measure. BUILD=dir reuses an existing
# optimised build as it is (nothing is configured or compiled); without it, a Release build is
# made in build-release.
tributary_binary() {
  local build=${BUILD:-$here/build-release}
  if [ -z "${BUILD:-}" ]; then
    cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_TESTS=OFF \
      ${DUCKDB_ROOT:+-DDUCKDB_ROOT=$DUCKDB_ROOT} >/dev/null
    cmake --build "$build" --target tributary >/dev/null
  fi
  [ -x "$build/src/tributary" ] || { echo "no tributary executable in $build/src" >&2; exit 1; }
  echo "$build/src/tributary"
}

require_tools() {
  command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
  command -v bc >/dev/null || { echo "needs bc: apt-get install bc" >&2; exit 1; }
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
# since START: seconds elapsed since START (a `date +%s.%N`), to the millisecond.
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN {printf "%.3f", b - a}'; }

# median_of "1.2 0.9 1.4": the median of a space-separated list.
median_of() { tr -s ' ' '\n' <<<"$1" | sed '/^$/d' | median; }

# timed_run LOG CMD...: runs CMD under GNU time, sets $run_secs and $run_kb (wall seconds, peak RSS KB).
# A failing run prints its log and stops the benchmark: a failed load is not a measurement.
timed_run() {
  local log=$1
  shift
  local rc=0
  /usr/bin/time -f "%e %M" -o "$log.time" "$@" >"$log" 2>&1 || rc=$?
  if [ "$rc" != 0 ]; then
    echo "FAILED (exit status $rc): $*" >&2
    cat "$log" >&2
    exit 1
  fi
  read -r run_secs run_kb < <(tail -1 "$log.time")
}

# duck_sql LIBDUCKDB DATABASE SQL: prints the rows of SQL run on DATABASE (a DuckDB file, or
# :memory:), tab-separated, through the DuckDB C library tributary itself links — so no DuckDB
# shell is needed.
duck_sql() {
  python3 - "$@" <<'PY'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])
vp, cp = ctypes.c_void_p, ctypes.c_char_p
lib.duckdb_open.argtypes = [cp, ctypes.POINTER(vp)]
lib.duckdb_connect.argtypes = [vp, ctypes.POINTER(vp)]
lib.duckdb_query.argtypes = [vp, cp, vp]
lib.duckdb_result_error.argtypes = [vp]
lib.duckdb_result_error.restype = cp
lib.duckdb_row_count.argtypes = [vp]
lib.duckdb_row_count.restype = ctypes.c_uint64
lib.duckdb_column_count.argtypes = [vp]
lib.duckdb_column_count.restype = ctypes.c_uint64
lib.duckdb_value_varchar.argtypes = [vp, ctypes.c_uint64, ctypes.c_uint64]
lib.duckdb_value_varchar.restype = vp
lib.duckdb_free.argtypes = [vp]
db, con = vp(), vp()
result = ctypes.create_string_buffer(128)  # duckdb_result is 48 bytes
path = None if sys.argv[2] == ":memory:" else sys.argv[2].encode()
if lib.duckdb_open(path, ctypes.byref(db)) or lib.duckdb_connect(db, ctypes.byref(con)):
    sys.exit(f"cannot open DuckDB database {sys.argv[2]}")
if lib.duckdb_query(con, sys.argv[3].encode(), result):
    sys.exit(f"DuckDB: {lib.duckdb_result_error(result).decode()}")
for r in range(lib.duckdb_row_count(result)):
    cells = []
    for c in range(lib.duckdb_column_count(result)):
        p = lib.duckdb_value_varchar(result, c, r)
        cells.append(ctypes.string_at(p).decode() if p else "NULL")
        lib.duckdb_free(p)
    print("\t".join(cells))
PY
}

# libduckdb_of BINARY: the DuckDB shared library BINARY is linked against.
libduckdb_of() {
  local lib
  lib=$(ldd "$1" | awk '/libduckdb/ {print $3}')
  [ -n "$lib" ] || { echo "cannot find the libduckdb.so $1 uses (ldd)" >&2; exit 1; }
  echo "$lib"
}

# pg_start WORK: starts a throwaway PostgreSQL cluster in WORK/pg (initdb, free port, trust auth,
# as the postgres user when run as root; same options as bench/pg_run.sh) and sets $pg_port,
# $pgbin and the psql command array $psql (database postgres, user bench). pg_stop stops it.
# PG_OPTIONS adds server options (e.g. "-c wal_level=logical" for CDC).
pg_start() {
  local work=$1
  pgbin=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -1)
  as_owner=()
  if [ "$(id -u)" = 0 ]; then
    chown postgres "$work"
    as_owner=(runuser -u postgres --)
  fi
  pg_dir=$work/pg
  pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${as_owner[@]}" "$pgbin/initdb" -D "$pg_dir" -U bench --auth=trust -E UTF8 --locale=C >/dev/null
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$pg_dir" -l "$work/pg.log" -w start -o \
    "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work -c fsync=off \
     -c shared_buffers=256MB -c max_connections=20 ${PG_OPTIONS:-}" >/dev/null
  psql=(psql -X -q -h 127.0.0.1 -p "$pg_port" -U bench -d postgres -v ON_ERROR_STOP=1)
}

# create_wide_table ROWS: the benchmarks' PostgreSQL table `wide` (11 mixed-type columns, NULLs,
# bytea, uuid) with ROWS generated rows, frozen and analyzed; needs $psql (pg_start, or the
# caller's own cluster).
create_wide_table() {
  echo "generating $1 rows..." >&2
  "${psql[@]}" <<SQL
CREATE TABLE wide (id bigint PRIMARY KEY, customer_id integer, amount numeric(12,2),
  ratio double precision, label text, note text, created_at timestamptz, day date, flag boolean,
  payload bytea, ref uuid);
INSERT INTO wide SELECT i, i::bigint * 7919 % 100000, (i::bigint * 104729 % 10000000) / 100.0,
  (i % 1000) / 7.0, 'label-' || (i % 5000),
  CASE WHEN i % 3 = 0 THEN NULL ELSE 'a somewhat longer note for row ' || i END,
  '2024-01-01'::timestamptz + i * interval '1 second', '2024-01-01'::date + (i % 700), i % 2 = 0,
  CASE WHEN i % 10 = 0 THEN '\xdeadbeef'::bytea END, md5(i::text)::uuid
FROM generate_series(1, $1) i;
VACUUM (FREEZE, ANALYZE) wide;
SQL
}

pg_stop() {
  if [ -n "${pg_dir:-}" ]; then
    "${as_owner[@]}" "$pgbin/pg_ctl" -D "$pg_dir" -m immediate stop >/dev/null 2>&1 || true
  fi
}
