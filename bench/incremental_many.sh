#!/usr/bin/env bash
# Incremental runs of many unchanged tables (goal: 100 unchanged tables in under 2 s in total).
# Generates TABLES tables (default 100) of ROWS_PER_TABLE rows each (default 10,000) — id
# primary key, three data columns, updated_at timestamp with an index — in one SQLite file, or
# with --source postgresql in a throwaway PostgreSQL cluster started as bench/pg_run.sh does.
# A project loads all of them with the incremental strategy (watermark_column: updated_at,
# primary_key: [id]) into a DuckDB file. The first run loads everything (timed); then REPEAT runs
# (default 5) with nothing changed at the source are timed: median wall time of the whole
# `tributary run`, per table, peak RSS, and from the last run's records the time the run itself
# took (without process start and exit) and the rows it re-read. Baseline, in the same run: the
# source's own shell (sqlite3, or psql) reading in one session what an unchanged run must read —
# each table's rows at its largest updated_at. Every run must exit 0, and
# afterwards each bronze table must hold exactly the rows of its source table. Runs use
# tributary's default of 4 tables at once; THREADS=n passes --threads n.
# Usage: bench/incremental_many.sh [--source sqlite|postgresql] [TABLES] [ROWS_PER_TABLE] [REPEAT]
# (needs GNU time, bc, python3; set BUILD=dir to reuse an optimised build)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
source_kind=sqlite
args=()
while [ $# -gt 0 ]; do
  case $1 in
    --source) source_kind=${2:?--source needs sqlite or postgresql}; shift 2 ;;
    --source=*) source_kind=${1#--source=}; shift ;;
    -h | --help) sed -n '2,16p' "$0" | cut -c3-; exit 0 ;;
    *) args+=("$1"); shift ;;
  esac
done
case $source_kind in
  sqlite | postgresql) ;;
  *) echo "--source must be sqlite or postgresql, not '$source_kind'" >&2; exit 2 ;;
esac
tables=${args[0]:-100}
rows=${args[1]:-10000}
repeat=${args[2]:-5}
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
require_tools
tributary=$(tributary_binary)
run_args=(run ${THREADS:+--threads "$THREADS"})
libduckdb=$(libduckdb_of "$tributary")

work=$(mktemp -d /tmp/tributary-incrbench-XXXXXX)
cleanup() {
  pg_stop
  rm -rf "$work"
}
trap cleanup EXIT
project=$work/project
names=()
for t in $(seq "$tables"); do names+=("$(printf 't%03d' "$t")"); done

echo "generating $tables tables of $rows rows ($source_kind)..." >&2
mkdir -p "$project/ingest/incremental/src"
if [ "$source_kind" = sqlite ]; then
  {
    echo "BEGIN;"
    for n in "${names[@]}"; do
      echo "CREATE TABLE $n (id INTEGER PRIMARY KEY, customer_id INTEGER, amount DECIMAL(12,2),"
      echo "  label TEXT, updated_at TIMESTAMP);"
      echo "CREATE INDEX ${n}_updated_at ON $n (updated_at);"
    done
    echo "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)"
    echo "INSERT INTO ${names[0]} SELECT i, i * 7919 % 100000, (i * 104729 % 10000000) / 100.0,"
    echo "  'label-' || (i % 5000), strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', '+' || i || ' seconds')"
    echo "FROM n;"
    for n in "${names[@]:1}"; do echo "INSERT INTO $n SELECT * FROM ${names[0]};"; done
    echo "COMMIT;"
  } | sqlite3 "$project/source.db"
  server="src: {kind: sqlite, directory: .}"
  database=source.db
  schema=main
  source_count() { sqlite3 -separator $'\t' "$project/source.db" "$1"; }
  source_shell() { sqlite3 "$project/source.db"; }
  shell_name=sqlite3
else
  pg_start "$work"
  {
    for n in "${names[@]}"; do
      echo "CREATE TABLE $n (id bigint PRIMARY KEY, customer_id integer, amount numeric(12,2),"
      echo "  label text, updated_at timestamp);"
      echo "INSERT INTO $n SELECT i, i::bigint * 7919 % 100000,"
      echo "  (i::bigint * 104729 % 10000000) / 100.0, 'label-' || (i % 5000),"
      echo "  '2024-01-01'::timestamp + i * interval '1 second' FROM generate_series(1, $rows) i;"
      echo "CREATE INDEX ON $n (updated_at);"
    done
    echo "VACUUM (FREEZE, ANALYZE);"
  } | "${psql[@]}"
  server="src: {kind: postgresql, host: 127.0.0.1, port: $pg_port, user: bench}"
  database=postgres
  schema=public
  source_count() { "${psql[@]}" -At -F $'\t' -c "$1"; }
  source_shell() { "${psql[@]}" -At; }
  shell_name=psql
fi

cat >"$project/tributary.yml" <<YML
project: incrbench
sink: {kind: duckdb, path: lakehouse.duckdb}
servers:
  $server
YML
{
  echo "server: src"
  echo "database: $database"
  echo "schemas:"
  echo "  - name: $schema"
  echo "    tables:"
  for n in "${names[@]}"; do
    echo "      - {name: $n, sink_table: $n, watermark_column: updated_at, primary_key: [id]}"
  done
} >"$project/ingest/incremental/src/$database.yml"

# counts_sql PREFIX: one row per table, "name<TAB>count(*)", tables read as PREFIX<name>.
counts_sql() {
  local sep="" n
  for n in "${names[@]}"; do
    printf "%sSELECT '%s', count(*) FROM %s%s" "$sep" "$n" "$1" "$n"
    sep=" UNION ALL "
  done
  echo " ORDER BY 1"
}
bronze_sql() { duck_sql "$libduckdb" "$project/lakehouse.duckdb" "$1"; }

timed_run "$work/run.log" "$tributary" --project "$project" "${run_args[@]}"
first_secs=$run_secs
first_kb=$run_kb
# boundary_reads: for every table, the rows an unchanged run re-reads (watermark = the largest).
boundary_reads() {
  local n
  for n in "${names[@]}"; do
    echo "SELECT * FROM $n WHERE updated_at >= (SELECT max(updated_at) FROM $n);"
  done
}
secs=() rss=() base=()
for i in $(seq "$repeat"); do
  start=$(date +%s.%N)
  boundary_reads | source_shell >/dev/null
  base+=("$(since "$start")")
  timed_run "$work/run.log" "$tributary" --project "$project" "${run_args[@]}"
  secs+=("$run_secs")
  rss+=("$run_kb")
  echo "unchanged run $i: ${run_secs}s" >&2
done

# The benchmark only counts if bronze holds exactly the source's rows.
source_count "$(counts_sql "")" >"$work/source.counts"
bronze_sql "$(counts_sql bronze.)" >"$work/bronze.counts"
if ! diff -q "$work/source.counts" "$work/bronze.counts" >/dev/null; then
  echo "bronze differs from the source (table, source rows, bronze rows):" >&2
  join -t $'\t' "$work/source.counts" "$work/bronze.counts" | awk -F '\t' '$2 != $3' >&2
  exit 1
fi
# What the last run recorded: its own duration, and the rows its tables re-read.
IFS=$'\t' read -r run_ms tasks_ms slowest_ms reread failed < <(bronze_sql "
  WITH r AS (SELECT * FROM _tributary.runs ORDER BY started_at DESC LIMIT 1)
  SELECT (SELECT epoch_ms(ended_at) - epoch_ms(started_at) FROM r),
         sum(epoch_ms(t.ended_at) - epoch_ms(t.started_at)),
         max(epoch_ms(t.ended_at) - epoch_ms(t.started_at)), sum(t.rows),
         count(*) FILTER (WHERE t.status <> 'succeeded')
  FROM _tributary.task_results t WHERE t.run_id = (SELECT run_id FROM r)")

t=$(median_of "${secs[*]}")
r=$(median_of "${rss[*]}")
b=$(median_of "${base[*]}")
cat <<OUT
source:                        $source_kind, $tables tables x $rows rows; tables at once: ${THREADS:-4 (default)}
first run (loads everything):  ${first_secs}s, peak RSS $(echo "$first_kb / 1024" | bc) MB
unchanged run (median):        ${t}s in total, $(echo "scale=1; $t * 1000 / $tables" | bc) ms per table
baseline (median):             ${b}s: $shell_name reading the same boundary rows of all tables, one session
run / baseline:                $(echo "scale=1; $t / $b" | bc)
peak RSS (median):             $(echo "$r / 1024" | bc) MB
last run as recorded:          ${run_ms} ms from start to end, tables ${tasks_ms} ms summed (slowest ${slowest_ms} ms), ${reread} rows re-read, ${failed} tables not successful
bronze row counts:             equal to the source for all $tables tables
runs: ${secs[*]} | baseline ${base[*]}
OUT
