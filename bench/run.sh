#!/usr/bin/env bash
# SQLite → DuckDB load benchmark. Generates a SQLite table of ROWS rows with
# mixed types (default 2,000,000), then, REPEAT times each (default 3):
#   - baseline: the sqlite3 shell scanning every row of the table to /dev/null —
#     the rate at which the source can hand the data out;
#   - tributary run of the same table into a fresh DuckDB file (full strategy),
#     measuring wall time and peak RSS;
# and prints medians and the ratio. Usage: bench/run.sh [ROWS] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-2000000}
repeat=${2:-3}
# BUILD=dir reuses an existing optimised build (e.g. build, RelWithDebInfo).
build=${BUILD:-$here/build-release}
if [ -z "${BUILD:-}" ]; then
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_TESTS=OFF \
    ${DUCKDB_ROOT:+-DDUCKDB_ROOT=$DUCKDB_ROOT} >/dev/null
  cmake --build "$build" --target tributary >/dev/null
fi
tributary="$build/src/tributary"
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 1; }

work=$(mktemp -d /tmp/tributary-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/ingest/full/bench"
cat >"$work/tributary.yml" <<YML
project: bench
sink: {kind: duckdb, path: lakehouse.duckdb}
servers:
  bench: {kind: sqlite, directory: .}
YML
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
bytes=$(stat -c %s "$work/bench.db")

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
base=(); load=(); rss=()
for i in $(seq "$repeat"); do
  s=$(date +%s.%N)
  sqlite3 "$work/bench.db" "SELECT * FROM wide" >/dev/null
  base+=("$(echo "$(date +%s.%N) - $s" | bc)")
  rm -f "$work/lakehouse.duckdb" "$work/lakehouse.duckdb.wal"
  /usr/bin/time -f "%e %M" -o "$work/time.txt" "$tributary" --project "$work" run >/dev/null 2>&1
  read -r secs kb <"$work/time.txt"
  load+=("$secs"); rss+=("$kb")
done
b=$(printf '%s\n' "${base[@]}" | median)
l=$(printf '%s\n' "${load[@]}" | median)
r=$(printf '%s\n' "${rss[@]}" | median)
cat <<OUT
rows:                       $rows (SQLite file $(echo "$bytes / 1000000" | bc) MB)
sqlite3 full scan (median): ${b}s  -> $(echo "$rows / $b" | bc) rows/s
tributary load (median):    ${l}s  -> $(echo "$rows / $l" | bc) rows/s
load / scan time ratio:     $(echo "scale=2; $l / $b" | bc)
peak RSS (median):          $((r / 1024)) MB
runs: scan ${base[*]} | load ${load[*]}
OUT
