#!/usr/bin/env bash
# ODBC reader benchmark. Generates a SQLite table of ROWS rows (default
# 1,000,000; 9 mixed columns, all bounded so rows are fetched in blocks),
# then, REPEAT times each (default 3), measures:
#   - baseline: the sqlite3 shell scanning every row to /dev/null;
#   - tributary's OdbcReader through Debian's SQLite3 ODBC driver (bound row
#     arrays, the path SQL Server reads take);
#   - a plain ODBC client through the same driver (SQLFetch + SQLGetData per value);
#   - tributary's native SQLite reader;
# and prints medians. Usage: bench/odbc.sh [ROWS] [REPEAT]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-1000000}
repeat=${2:-3}
# BUILD=dir reuses an existing optimised build (e.g. build, RelWithDebInfo).
build=${BUILD:-$here/build-release}
if [ -z "${BUILD:-}" ]; then
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_WERROR=OFF \
    ${DUCKDB_ROOT:+-DDUCKDB_ROOT=$DUCKDB_ROOT} >/dev/null
fi
cmake --build "$build" --target tributary_tests >/dev/null

work=$(mktemp -d /tmp/tributary-bench-XXXXXX)
trap 'rm -rf "$work"' EXIT
echo "generating $rows rows..." >&2
sqlite3 "$work/bench.db" <<SQL
CREATE TABLE wide (id INTEGER PRIMARY KEY, customer_id INTEGER, amount NUMERIC(12,2), ratio REAL,
  label VARCHAR(32), note VARCHAR(64), created_at TIMESTAMP, day DATE, flag BOOLEAN);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO wide SELECT i, i * 7919 % 100000, (i * 104729 % 10000000) / 100.0, (i % 1000) / 7.0,
  'label-' || (i % 5000), CASE WHEN i % 3 = 0 THEN NULL ELSE 'a somewhat longer note for row ' || i END,
  strftime('%Y-%m-%d %H:%M:%S', '2024-01-01', '+' || i || ' seconds'),
  date('2024-01-01', '+' || (i % 700) || ' days'), i % 2
FROM n;
SQL

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
base=()
for i in $(seq "$repeat"); do
  s=$(date +%s.%N)
  sqlite3 "$work/bench.db" "SELECT * FROM wide" >/dev/null
  base+=("$(echo "$(date +%s.%N) - $s" | bc)")
done
b=$(printf '%s\n' "${base[@]}" | median)
echo "sqlite3_shell_scan $b s $(echo "scale=2; $rows / $b / 1000000" | bc) Mrows/s"
TRIBUTARY_BENCH_SQLITE_DB="$work/bench.db" TRIBUTARY_BENCH_REPEAT="$repeat" \
  "$build/tests/tributary_tests" --gtest_also_run_disabled_tests \
  --gtest_filter='OdbcBench.*' 2>&1 | grep -E '^(rows|odbc_|native_)'
