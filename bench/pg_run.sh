#!/usr/bin/env bash
# PostgreSQL → DuckDB load benchmark. Starts a throwaway PostgreSQL cluster
# (initdb into a temp folder, free port; as the postgres user when run as
# root), generates a table of ROWS rows with mixed types (default 5,000,000),
# then, REPEAT times each (default 3), in the same run:
#   - baseline: psql -c "\copy (SELECT * FROM wide) TO '/dev/null' WITH (FORMAT binary)" —
#     the rate at which the server hands the data out;
#   - tributary run of the table into a fresh DuckDB file (full strategy) with
#     parallelism 1, 2 and 4, measuring wall time and peak RSS;
# and prints medians, rows/s, MB/s (of the binary COPY stream), CPU seconds
# and ratios: the ratio of medians, and the median of each round's own ratio
# (psql and tributary run back to back, so a machine that drifts slower or
# faster during the benchmark moves both sides of a round together).
# After the timed rounds, one more round of each is run with every thread's
# CPU time sampled from /proc (10 times a second, so it is kept out of the
# timings): the server backends, tributary's writer (the main thread), its
# readers ("read", "read-N") and DuckDB's own threads. With a core for every
# busy thread a load cannot finish before its busiest thread has done its
# work, so "busiest thread" against psql's server backend tells what a
# machine with more cores than busy threads would reach.
# Usage: bench/pg_run.sh [ROWS] [REPEAT]   (needs GNU time and bc)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-5000000}
repeat=${2:-3}
# BUILD=dir reuses an existing optimised build (e.g. build, RelWithDebInfo).
build=${BUILD:-$here/build-release}
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
if [ -z "${BUILD:-}" ]; then
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_TESTS=OFF \
    ${DUCKDB_ROOT:+-DDUCKDB_ROOT=$DUCKDB_ROOT} >/dev/null
  cmake --build "$build" --target tributary >/dev/null
fi
tributary="$build/src/tributary"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 1; }
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

work=$(mktemp -d /tmp/tributary-pgbench-XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_owner=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"${as_owner[@]}" "$pgbin/initdb" -D "$work/pg" -U bench --auth=trust -E UTF8 --locale=C >/dev/null
"${as_owner[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w start -o \
  "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$work -c fsync=off \
   -c shared_buffers=256MB -c max_connections=20" >/dev/null
psql=(psql -X -q -h 127.0.0.1 -p "$port" -U bench -d postgres -v ON_ERROR_STOP=1)

create_wide_table "$rows"
table_mb=$("${psql[@]}" -At -c "SELECT pg_table_size('wide') / 1000000")
copy_bytes=$("${psql[@]}" -c "COPY wide TO STDOUT (FORMAT binary)" | wc -c)

mkdir -p "$work/project/ingest/full/pg"
cat >"$work/project/tributary.yml" <<YML
project: pgbench
sink: {kind: duckdb, path: lakehouse.duckdb}
servers:
  pg: {kind: postgresql, host: 127.0.0.1, port: $port, user: bench}
YML
# One table entry, rewritten before each run with the parallelism measured
# (a table may be listed once per strategy).
table_yml() {
  cat >"$work/project/ingest/full/pg/postgres.yml" <<YML
server: pg
database: postgres
schemas:
  - name: public
    tables:
      - {name: wide, sink_table: p$1, parallelism: $1}
YML
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
declare -A secs rss cpu ratios
"${psql[@]}" -c "\\copy (SELECT * FROM wide) TO '/dev/null' WITH (FORMAT binary)"  # warm the cache
for i in $(seq "$repeat"); do
  s=$(date +%s.%N)
  "${psql[@]}" -c "\\copy (SELECT * FROM wide) TO '/dev/null' WITH (FORMAT binary)"
  round=$(echo "$(date +%s.%N) - $s" | bc)
  secs[psql]+="$round "
  for p in 1 2 4; do
    rm -f "$work/project/lakehouse.duckdb" "$work/project/lakehouse.duckdb.wal"
    table_yml "$p"
    /usr/bin/time -f "%e %M %U %S" -o "$work/time.txt" \
      "$tributary" --project "$work/project" run --tables "p$p" >"$work/run.log" 2>&1 ||
      { cat "$work/run.log" >&2; exit 1; }
    read -r t kb user sys <"$work/time.txt"
    secs[p$p]+="$t "
    rss[p$p]+="$kb "
    cpu[p$p]+="$(echo "$user + $sys" | bc) "
    ratios[p$p]+="$(echo "scale=3; $round / $t" | bc) "
  done
done

mb=$(echo "scale=1; $copy_bytes / 1000000" | bc)
base=$(printf '%s\n' ${secs[psql]} | median)
echo "rows:                 $rows (table $table_mb MB on disk, binary COPY stream $mb MB)"
printf '%-38s %8ss  %10s rows/s  %7s MB/s   runs: %s\n' "psql \\copy binary to /dev/null" \
  "$base" "$(echo "$rows / $base" | bc)" "$(echo "scale=1; $mb / $base" | bc)" "${secs[psql]}"
for p in 1 2 4; do
  t=$(printf '%s\n' ${secs[p$p]} | median)
  r=$(printf '%s\n' ${rss[p$p]} | median)
  c=$(printf '%s\n' ${cpu[p$p]} | median)
  q=$(printf '%s\n' ${ratios[p$p]} | median)
  printf '%-38s %8ss  %10s rows/s  %7s MB/s   rate vs psql %s (median of rounds %s)   CPU %ss   peak RSS %s MB   runs: %s\n' \
    "tributary run, parallelism $p" "$t" "$(echo "$rows / $t" | bc)" \
    "$(echo "scale=1; $mb / $t" | bc)" "$(echo "scale=2; $base / $t" | bc)" "$q" "$c" \
    "$((r / 1024))" "${secs[p$p]}"
done

# --- CPU per thread (one sampled round of each) ---
postmaster=$(head -1 "$work/pg/postmaster.pid")
# Prints "name cpu_ticks" for every thread of process $1 and every server
# backend serving user bench, until process $1 exits; the last sample of
# each thread counts (a thread that ends between samples loses < 0.1 s).
sample_threads() {
  local pid=$1 t stat comm name f b
  while kill -0 "$pid" 2>/dev/null; do
    for t in /proc/"$pid"/task/*; do
      { read -r stat <"$t/stat" && read -r comm <"$t/comm"; } 2>/dev/null || continue
      name=$comm
      [ "${t##*/}" = "$pid" ] && name="$comm(main)"
      f=(${stat##*) })
      echo "${t##*/} $name $((f[11] + f[12]))"
    done
    for b in $(pgrep -P "$postmaster" -f 'postgres: bench' 2>/dev/null); do
      read -r stat <"/proc/$b/stat" 2>/dev/null || continue
      f=(${stat##*) })
      echo "$b server-backend $((f[11] + f[12]))"
    done
    sleep 0.1
  done
}
# "name threads seconds busiest" per thread name (the last sample of each
# thread counts; busiest = the largest single thread of that name).
thread_totals() {
  awk '{last[$1] = $3; name[$1] = $2}
       END {for (id in last) {n = name[id]; sum[n] += last[id]; count[n]++;
                              if (last[id] > top[n]) top[n] = last[id]}
            for (n in sum) printf "%s %d %.2f %.2f\n", n, count[n], sum[n] / 100, top[n] / 100}' \
    "$1" | sort -k4 -nr
}
hz=$(getconf CLK_TCK)
[ "$hz" = 100 ] || echo "note: CLK_TCK is $hz, per-thread figures assume 100" >&2
echo
echo "CPU seconds per thread (one more round of each, sampled; busiest thread first):"
"${psql[@]}" -c "\\copy (SELECT * FROM wide) TO '/dev/null' WITH (FORMAT binary)" &
sample_threads $! >"$work/threads.txt"
wait
psql_backend=$(thread_totals "$work/threads.txt" | awk '$1 == "server-backend" {print $4}')
echo "  psql \\copy: server backend ${psql_backend}s"
for p in 1 2 4; do
  rm -f "$work/project/lakehouse.duckdb" "$work/project/lakehouse.duckdb.wal"
  table_yml "$p"
  "$tributary" --project "$work/project" run --tables "p$p" >"$work/run.log" 2>&1 &
  pid=$!
  sample_threads "$pid" >"$work/threads.txt"
  wait "$pid" || { cat "$work/run.log" >&2; exit 1; }
  totals=$(thread_totals "$work/threads.txt")
  busiest=$(echo "$totals" | head -1 | awk '{print $4}')
  printf '  parallelism %s: %s| psql backend / busiest thread %s\n' "$p" \
    "$(echo "$totals" | awk '{printf "%s%s %ss  ", $1, ($2 > 1 ? " x" $2 : ""), $3}')" \
    "$(echo "scale=2; $psql_backend / $busiest" | bc)"
done
