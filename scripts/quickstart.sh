#!/usr/bin/env bash
# From a fresh Debian 12 machine to a loaded bronze layer: installs what is
# needed, builds tributary, creates the quickstart's SQLite shop database if it
# is missing, validates the project, loads every table into DuckDB and shows
# what was loaded.
# Usage: scripts/quickstart.sh [--no-install]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
[ "${1:-}" = "--no-install" ] || "$here/scripts/install-deps.sh"

build="$here/build-release"
launcher=()
if command -v ccache >/dev/null 2>&1; then  # as scripts/test.sh, which shares build-release
  export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
echo "== building tributary =="
cmake -S "$here" -B "$build" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=Release \
  -DTRIBUTARY_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc)" --target tributary
tributary="$build/src/tributary"
project="$here/examples/quickstart"

if [ ! -f "$project/data/shop.db" ]; then
  echo "== creating the source database examples/quickstart/data/shop.db =="
  sqlite3 "$project/data/shop.db.tmp" <"$project/data/shop.sql"
  mv "$project/data/shop.db.tmp" "$project/data/shop.db"
fi

echo "== tributary validate =="
"$tributary" --project "$project" validate
echo "== tributary plan =="
"$tributary" --project "$project" plan
echo "== tributary run =="
"$tributary" --project "$project" run
echo "== tributary status =="
"$tributary" --project "$project" status
echo
echo "Bronze is in $project/lakehouse.duckdb (schema bronze); run history in schema _tributary."
