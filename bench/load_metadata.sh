#!/usr/bin/env bash
# What the load metadata columns (_ingested_at, _run_id) cost: the benchmarks' PostgreSQL table
# `wide` (ROWS rows, default 2,000,000) loaded `full` into a fresh DuckDB file and a fresh local
# Delta table, with `load_metadata: true` (the default) and `false`, REPEAT rounds (default 5);
# in each round the four loads run back to back in a rotating order, so a machine that drifts
# moves both sides of a pair together. Prints per sink and setting the median wall time, CPU
# seconds (user + system of tributary), peak RSS and bytes written, and the median of each
# round's on/off ratio. Usage: bench/load_metadata.sh [ROWS] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-2000000}
repeat=${2:-5}
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
require_tools
tributary=$(tributary_binary)

work=$(mktemp -d /tmp/tributary-stampbench-XXXXXX)
cleanup() {
  pg_stop
  rm -rf "$work"
}
trap cleanup EXIT
pg_start "$work"
create_wide_table "$rows"

declare -A sink_yml=([duckdb]="{kind: duckdb, path: lakehouse.duckdb}" [delta]="{kind: delta, path: lake}")
variants=(duckdb-on duckdb-off delta-on delta-off)
for v in "${variants[@]}"; do
  sink=${v%-*}
  stamp=$([ "${v#*-}" = on ] && echo true || echo false)
  mkdir -p "$work/$v/ingest/full/pg"
  cat >"$work/$v/tributary.yml" <<YML
project: stampbench
sink: ${sink_yml[$sink]}
defaults: {load_metadata: $stamp}
servers:
  pg: {kind: postgresql, host: 127.0.0.1, port: $pg_port, user: bench}
YML
  cat >"$work/$v/ingest/full/pg/postgres.yml" <<YML
server: pg
database: postgres
schemas:
  - name: public
    tables:
      - {name: wide, sink_table: wide}
YML
done

declare -A wall cpu rss bytes
for round in $(seq "$repeat"); do
  n=${#variants[@]}
  for k in $(seq 0 $((n - 1))); do
    v=${variants[$(((k + round) % n))]}
    rm -rf "$work/$v/lakehouse.duckdb" "$work/$v/lakehouse.duckdb".* "$work/$v/lake"
    /usr/bin/time -f "%e %U %S %M" -o "$work/time.txt" \
      "$tributary" --project "$work/$v" run >"$work/$v.log" 2>&1 ||
      { cat "$work/$v.log" >&2; exit 1; }
    read -r secs user sys kb <"$work/time.txt"
    wall[$v]+="$secs "
    cpu[$v]+="$(awk -v u="$user" -v s="$sys" 'BEGIN {printf "%.2f", u + s}') "
    rss[$v]+="$kb "
    bytes[$v]=$(du -sb "$work/$v" --exclude=ingest --exclude='*.yml' --exclude='*.log' | cut -f1)
    echo "round $round: $v ${secs}s" >&2
  done
done

# ratio_of ON OFF: the median over rounds of ON[i] / OFF[i].
ratio_of() {
  paste -d' ' <(tr -s ' ' '\n' <<<"$1" | sed '/^$/d') <(tr -s ' ' '\n' <<<"$2" | sed '/^$/d') |
    awk '{printf "%.4f\n", $1 / $2}' | median
}
echo "rows: $rows, rounds: $repeat"
printf '%-11s %9s %9s %9s %11s\n' variant "wall s" "CPU s" "RSS MB" "written MB"
for v in "${variants[@]}"; do
  printf '%-11s %9s %9s %9d %11.1f   walls: %s\n' "$v" "$(median_of "${wall[$v]}")" \
    "$(median_of "${cpu[$v]}")" "$(($(median_of "${rss[$v]}") / 1024))" \
    "$(echo "${bytes[$v]} / 1000000" | bc -l)" "${wall[$v]}"
done
for sink in duckdb delta; do
  echo "$sink on/off: wall $(ratio_of "${wall[$sink-on]}" "${wall[$sink-off]}")," \
    "CPU $(ratio_of "${cpu[$sink-on]}" "${cpu[$sink-off]}") (median of rounds)"
done
