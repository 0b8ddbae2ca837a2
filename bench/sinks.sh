#!/usr/bin/env bash
# The three sinks on the same load. Starts a throwaway PostgreSQL cluster as
# bench/pg_run.sh does (same generated mixed-type table `wide` of ROWS rows,
# default 5,000,000; same cluster options), then, REPEAT times (default 3), in
# the same run:
#   - baseline: psql -c "\copy (SELECT * FROM wide) TO '/dev/null' WITH (FORMAT binary)";
#   - tributary run of the table (full strategy, parallelism 1) into a fresh
#     target of each sink: a DuckDB file, a Delta Lake directory, and the
#     PostgreSQL sink into database bronze_db of the same cluster (dropped and
#     created again before each run). The order of the sinks rotates between
#     repeats. Wall time and peak RSS are measured; the bytes written are the
#     DuckDB file (+ .wal), `du -sb` of the Delta table directory, and
#     pg_total_relation_size of the bronze table; every run's row count is checked.
# Prints per sink the medians, rows/s, and the rate relative to the baseline.
# Usage: bench/sinks.sh [ROWS] [REPEAT]   (needs GNU time, bc, python3; set
# BUILD=dir to reuse an optimised build instead of making build-release)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-5000000}
repeat=${2:-3}
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
require_tools
tributary=$(tributary_binary)
libduckdb=$(libduckdb_of "$tributary")

work=$(mktemp -d /tmp/tributary-sinkbench-XXXXXX)
cleanup() {
  pg_stop
  rm -rf "$work"
}
trap cleanup EXIT
pg_start "$work"

create_wide_table "$rows"
table_mb=$("${psql[@]}" -At -c "SELECT pg_table_size('wide') / 1000000")
copy_bytes=$("${psql[@]}" -c "COPY wide TO STDOUT (FORMAT binary)" | wc -c)

sinks=(duckdb delta postgresql)
declare -A sink_yml=(
  [duckdb]="{kind: duckdb, path: lakehouse.duckdb}"
  [delta]="{kind: delta, path: lake}"
  [postgresql]="{kind: postgresql, host: 127.0.0.1, port: $pg_port, user: bench, database: bronze_db}"
)
for s in "${sinks[@]}"; do
  mkdir -p "$work/$s/ingest/full/pg"
  cat >"$work/$s/tributary.yml" <<YML
project: sinkbench
sink: ${sink_yml[$s]}
servers:
  pg: {kind: postgresql, host: 127.0.0.1, port: $pg_port, user: bench}
YML
  cat >"$work/$s/ingest/full/pg/postgres.yml" <<YML
server: pg
database: postgres
schemas:
  - name: public
    tables:
      - {name: wide, sink_table: wide, parallelism: 1}
YML
done

# fresh_target SINK: removes what the previous run of SINK wrote.
fresh_target() {
  case $1 in
    duckdb) rm -rf "$work/duckdb/lakehouse.duckdb" "$work/duckdb/lakehouse.duckdb".* ;;
    delta) rm -rf "$work/delta/lake" ;;
    postgresql)
      PGOPTIONS="-c client_min_messages=warning" "${psql[@]}" \
        -c "DROP DATABASE IF EXISTS bronze_db WITH (FORCE)" -c "CREATE DATABASE bronze_db" ;;
  esac
}

# written SINK: bytes the run left in the target; counted SINK: rows in the bronze table.
written() {
  case $1 in
    duckdb) find "$work/duckdb" -maxdepth 1 -name 'lakehouse.duckdb*' -type f -printf '%s\n' |
      awk '{n += $1} END {print n + 0}' ;;
    delta) du -sb "$work/delta/lake/wide" | cut -f1 ;;
    postgresql) "${psql[@]}" -d bronze_db -At -c "SELECT pg_total_relation_size('bronze.wide')" ;;
  esac
}
counted() {
  case $1 in
    duckdb) duck_sql "$libduckdb" "$work/duckdb/lakehouse.duckdb" "SELECT count(*) FROM bronze.wide" ;;
    # A fresh full load leaves only live files, so every Parquet file of the table counts.
    delta) duck_sql "$libduckdb" :memory: \
      "SELECT count(*) FROM read_parquet('$work/delta/lake/wide/*.parquet')" ;;
    postgresql) "${psql[@]}" -d bronze_db -At -c "SELECT count(*) FROM bronze.wide" ;;
  esac
}

declare -A secs rss bytes
"${psql[@]}" -c "\\copy (SELECT * FROM wide) TO '/dev/null' WITH (FORMAT binary)"  # warm the cache
for i in $(seq "$repeat"); do
  start=$(date +%s.%N)
  "${psql[@]}" -c "\\copy (SELECT * FROM wide) TO '/dev/null' WITH (FORMAT binary)"
  secs[psql]+="$(since "$start") "
  for k in 0 1 2; do
    s=${sinks[$(((i - 1 + k) % 3))]}
    fresh_target "$s"
    timed_run "$work/run.log" "$tributary" --project "$work/$s" run
    secs[$s]+="$run_secs "
    rss[$s]+="$run_kb "
    bytes[$s]+="$(written "$s") "
    n=$(counted "$s")
    [ "$n" = "$rows" ] || { echo "$s sink holds $n rows after the run, expected $rows" >&2; exit 1; }
    echo "repeat $i: $s ${run_secs}s" >&2
  done
done

mb=$(echo "scale=1; $copy_bytes / 1000000" | bc)
base=$(median_of "${secs[psql]}")
echo "rows:                 $rows (table $table_mb MB on disk, binary COPY stream $mb MB)"
printf '%-32s %7ss %9s rows/s                                                 runs: %s\n' \
  "psql \\copy binary to /dev/null" "$base" "$(echo "$rows / $base" | bc)" "${secs[psql]}"
for s in "${sinks[@]}"; do
  t=$(median_of "${secs[$s]}")
  r=$(median_of "${rss[$s]}")
  b=$(median_of "${bytes[$s]}")
  printf '%-32s %7ss %9s rows/s  rate vs psql %5.2f  peak RSS %5s MB  written %7.1f MB  runs: %s\n' \
    "tributary run, $s sink" "$t" "$(echo "$rows / $t" | bc)" \
    "$(echo "scale=3; $base / $t" | bc)" "$(echo "$r / 1024" | bc)" "$(echo "scale=2; $b / 1000000" | bc)" \
    "${secs[$s]}"
done
