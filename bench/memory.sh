#!/usr/bin/env bash
# Peak memory of a SQLite → DuckDB `full` load as the table grows: generates
# the bench/run.sh `wide` table with ROWS rows, then for each DuckDB sink
# memory_limit in LIMITS (default "128MB") runs `tributary run` once,
# sampling its RSS every second, and prints the curve and the peak.
# Usage: bench/memory.sh [ROWS] [LIMITS...]   e.g. bench/memory.sh 10000000 32MB 128MB
# BUILD=dir reuses an existing optimised build (e.g. build, RelWithDebInfo).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-5000000}
shift || true
limits=("${@:-128MB}")
build=${BUILD:-$here/build-release}
if [ -z "${BUILD:-}" ]; then
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_TESTS=OFF \
    ${DUCKDB_ROOT:+-DDUCKDB_ROOT=$DUCKDB_ROOT} >/dev/null
  cmake --build "$build" --target tributary >/dev/null
fi
tributary="$build/src/tributary"

work=$(mktemp -d /tmp/tributary-membench-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ingest/full/bench"
cat >"$work/ingest/full/bench/bench.yml" <<YML
server: bench
database: bench.db
schemas:
  - name: main
    tables:
      - name: wide
YML
echo "generating $rows rows..." >&2
sqlite3 "$work/bench.db" <<SQL
CREATE TABLE wide (id INTEGER PRIMARY KEY, customer_id INTEGER, amount DECIMAL(12,2), ratio REAL,
  label TEXT, note TEXT, created_at TIMESTAMP, day DATE, flag BOOLEAN, payload BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO wide SELECT i, i * 7919 % 100000, (i * 104729 % 10000000) / 100.0, (i % 1000) / 7.0,
  'label-' || (i % 5000), CASE WHEN i % 3 = 0 THEN NULL ELSE 'a somewhat longer note for row ' || i END,
  strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', '+' || i || ' seconds'),
  date('2024-01-01', '+' || (i % 700) || ' days'), i % 2, CASE WHEN i % 10 = 0 THEN x'deadbeef' END
FROM n;
SQL

for limit in "${limits[@]}"; do
  cat >"$work/tributary.yml" <<YML
project: bench
sink: {kind: duckdb, path: lakehouse.duckdb, memory_limit: $limit}
servers:
  bench: {kind: sqlite, directory: .}
YML
  rm -f "$work/lakehouse.duckdb" "$work/lakehouse.duckdb.wal"
  "$tributary" --project "$work" run >"$work/run.log" 2>&1 &
  pid=$!
  curve=() peak=0
  while kill -0 "$pid" 2>/dev/null; do
    mb=$(awk '/VmRSS/ {print int($2 / 1024)}' "/proc/$pid/status" 2>/dev/null || true)
    if [ -n "$mb" ]; then curve+=("$mb"); ((mb > peak)) && peak=$mb; fi
    sleep 1
  done
  wait "$pid" || { cat "$work/run.log" >&2; exit 1; }
  echo "rows $rows, memory_limit $limit: peak RSS $peak MB; per second: ${curve[*]}"
done
