#!/usr/bin/env bash
# The 2-minute cycle, source commit → dbt model: a PostgreSQL table read by
# `strategy: cdc` every 2 minutes, and an incremental dbt model over its
# change history, built by the same `tributary run --frequency every_2_minutes`.
# For each sink (duckdb: bronze in a DuckDB file, dbt-duckdb; postgresql:
# bronze in PostgreSQL, dbt-postgres), CYCLES times each:
#   - active cycle: 100 rows committed at the source, then the run; latency =
#     commit to the end of the run, after which the rows are checked to be in
#     the model (a scheduled run adds the wait for the next tick: 0–120 s);
#   - idle cycle, skip_unchanged: true — nothing changed: the CDC read finds
#     nothing and the model is left out;
#   - idle cycle, skip_unchanged: false — the same, with the dbt build run
#     unconditionally (what a fixed schedule costs);
#   - `dbt build` of the model alone (a team running dbt on cron itself).
# CPU seconds are user + system of the whole process tree (GNU time: tributary
# and the dbt it waits for). Prints medians, p95 and ratios.
# Usage: bench/dbt_cycle.sh [CYCLES] [duckdb|postgresql|both]   (needs bc, GNU time)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
cycles=${1:-20}
sinks=${2:-both}
[ "$sinks" = both ] && sinks="duckdb postgresql"
require_tools
tributary=$(tributary_binary)
libduckdb=$(libduckdb_of "$tributary")
dbt="$here/.venv/bin/dbt"
[ -x "$dbt" ] || { echo "no dbt in .venv: run scripts/install-tools.sh" >&2; exit 1; }
export DBT_SEND_ANONYMOUS_USAGE_STATS=false

work=$(mktemp -d /tmp/tributary-cyclebench-XXXXXX)
chmod 755 "$work"
trap 'pg_stop; rm -rf "$work"' EXIT
PG_OPTIONS="-c wal_level=logical -c max_replication_slots=10 -c max_wal_senders=10" pg_start "$work"
"${psql[@]}" -c "CREATE TABLE events (id bigserial PRIMARY KEY, kind text NOT NULL,
  amount numeric(10,2), occurred_at timestamptz NOT NULL DEFAULT now())"
"${psql[@]}" -c "INSERT INTO events (kind, amount) SELECT 'seed', i / 100.0
  FROM generate_series(1, 10000) i"
"${psql[@]}" -c "ALTER TABLE events REPLICA IDENTITY FULL"

# project SINK: a tributary project with the CDC table and the dbt project.
project() {
  local sink=$1 dir="$work/$1"
  mkdir -p "$dir/ingest/cdc/pg" "$dir/dbt/models"
  local sink_yml="{kind: duckdb, path: lakehouse.duckdb, schema: bronze}" target=dev
  if [ "$sink" = postgresql ]; then
    "${psql[@]}" -c "CREATE DATABASE sink_$cycles_tag" >/dev/null
    sink_yml="{kind: postgresql, host: 127.0.0.1, port: $pg_port, database: sink_$cycles_tag, user: bench, sslmode: disable}"
    target=postgres
  fi
  cat >"$dir/tributary.yml" <<YML
project: cycle_$sink
sink: $sink_yml
frequencies:
  every_2_minutes: {cron: "0 0/2 * * * ?", timezone: UTC}
servers:
  pg: {kind: postgresql, host: 127.0.0.1, port: $pg_port, user: bench, sslmode: disable}
dbt:
  project_dir: dbt
  executable: $dbt
  target: $target
  skip_unchanged: true
YML
  cat >"$dir/ingest/cdc/pg/postgres.yml" <<YML
server: pg
database: postgres
schemas:
  - name: public
    tables:
      - {name: events, sink_table: events, frequency: every_2_minutes}
YML
  cat >"$dir/dbt/dbt_project.yml" <<YML
name: cycle
version: "1.0.0"
config-version: 2
profile: cycle
model-paths: ["models"]
YML
  cat >"$dir/dbt/profiles.yml" <<YML
cycle:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: "{{ env_var('TRIBUTARY_PROJECT_DIR') }}/warehouse.duckdb"
      threads: 1
      attach:
        - {path: "{{ env_var('TRIBUTARY_BRONZE_PATH', '') }}", alias: lakehouse, read_only: true}
    postgres:
      type: postgres
      host: 127.0.0.1
      port: $pg_port
      user: bench
      password: ""
      dbname: sink_$cycles_tag
      schema: analytics
      threads: 1
YML
  cat >"$dir/dbt/models/events_latest.sql" <<'SQL'
{{ config(materialized='incremental', unique_key='id', tags=['every_2_minutes']) }}
-- The latest image of each row, from the change history.
select id, kind, amount, occurred_at, _commit_time, _ingested_at
from {{ source('bronze', 'events') }}
where _op <> 'before'
{% if is_incremental() %}
  and _ingested_at > (select coalesce(max(_ingested_at), '1970-01-01') from {{ this }})
{% endif %}
SQL
  "$tributary" --project "$dir" dbt sources -o "$dir/dbt/models/sources.yml" >/dev/null
}

# model_count SINK KIND: rows of the model with that kind.
model_count() {
  if [ "$1" = duckdb ]; then
    duck_sql "$libduckdb" "$work/duckdb/warehouse.duckdb" \
      "SELECT count(*) FROM main.events_latest WHERE kind = '$2'"
  else
    "${psql[@]}" -d "sink_$cycles_tag" -Atc "SELECT count(*) FROM analytics.events_latest WHERE kind = '$2'"
  fi
}

# cycle_run LOG: one run, timed; sets $run_secs, $cpu_secs.
cycle_run() {
  local dir=$1 log=$2
  /usr/bin/time -f "%e %U %S" -o "$log.time" \
    "$tributary" --project "$dir" run --frequency every_2_minutes >"$log" 2>&1 || {
    cat "$log" >&2; echo "FAILED run" >&2; exit 1; }
  read -r run_secs user sys < <(tail -1 "$log.time")
  cpu_secs=$(echo "$user + $sys" | bc)
}

p95() { sort -n | awk '{a[NR]=$1} END {i=int(NR*0.95+0.999); if (i<1) i=1; print a[i]}'; }

cycles_tag=$$
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); $cycles cycles per measure; $("$dbt" --version 2>/dev/null | grep -m1 -i 'installed' | tr -s ' ')"
for sink in $sinks; do
  dir="$work/$sink"
  project "$sink"
  cycle_run "$dir" "$work/first.log"  # snapshot, slot, first build
  latency=() active_cpu=() idle_cpu=() idle_secs=() full_cpu=() full_secs=() dbt_cpu=()
  for i in $(seq "$cycles"); do
    t0=$(date +%s.%N)
    "${psql[@]}" -c "INSERT INTO events (kind, amount) SELECT '$sink-$i', g FROM generate_series(1, 100) g"
    cycle_run "$dir" "$work/active.log"
    latency+=("$(since "$t0")")
    active_cpu+=("$cpu_secs")
    got=$(model_count "$sink" "$sink-$i")
    [ "$got" = 100 ] || { echo "cycle $i: model has $got of 100 rows" >&2; cat "$work/active.log" >&2; exit 1; }
    cycle_run "$dir" "$work/idle.log"
    grep -q "1 unchanged" "$work/idle.log" || { echo "idle run built the model:" >&2; cat "$work/idle.log" >&2; exit 1; }
    idle_cpu+=("$cpu_secs"); idle_secs+=("$run_secs")
  done
  sed -i 's/skip_unchanged: true/skip_unchanged: false/' "$dir/tributary.yml"
  for i in $(seq "$cycles"); do
    cycle_run "$dir" "$work/full.log"
    full_cpu+=("$cpu_secs"); full_secs+=("$run_secs")
    bronze=()
    [ "$sink" = duckdb ] && bronze=("TRIBUTARY_BRONZE_PATH=$dir/lakehouse.duckdb")
    /usr/bin/time -f "%e %U %S" -o "$work/dbt.time" env TRIBUTARY_PROJECT_DIR="$dir" "${bronze[@]}" \
      "$dbt" --quiet build --select events_latest --project-dir "$dir/dbt" --profiles-dir "$dir/dbt" \
      --target "$( [ "$sink" = duckdb ] && echo dev || echo postgres )" \
      --target-path "$work/dbt-target" --log-path "$work/dbt-logs" >"$work/dbt.log" 2>&1 || {
      cat "$work/dbt.log" >&2; exit 1; }
    read -r _ user sys < <(tail -1 "$work/dbt.time")
    dbt_cpu+=("$(echo "$user + $sys" | bc)")
  done
  sed -i 's/skip_unchanged: false/skip_unchanged: true/' "$dir/tributary.yml"
  lat50=$(median_of "${latency[*]}"); lat95=$(tr ' ' '\n' <<<"${latency[*]}" | p95)
  idle=$(median_of "${idle_cpu[*]}"); full=$(median_of "${full_cpu[*]}"); alone=$(median_of "${dbt_cpu[*]}")
  echo
  echo "== $sink sink"
  echo "commit → model (run after the commit): p50 ${lat50} s, p95 ${lat95} s; active cycle CPU $(median_of "${active_cpu[*]}") s"
  echo "idle cycle, skip_unchanged: ${idle} CPU-s, $(median_of "${idle_secs[*]}") s wall"
  echo "idle cycle, dbt build every time: ${full} CPU-s, $(median_of "${full_secs[*]}") s wall"
  echo "dbt build alone (no tributary): ${alone} CPU-s"
  echo "idle CPU ratio skip_unchanged / unconditional: $(echo "scale=3; $idle / $full" | bc)"
  echo "CPU-seconds a day at 720 idle cycles: skip_unchanged $(echo "$idle * 720" | bc), unconditional $(echo "$full * 720" | bc)"
done
