#!/usr/bin/env bash
# Fetches DuckDB's C API (duckdb.h + libduckdb.so, 1.4 LTS) from the npm registry
# into third_party/duckdb (git-ignored). Version-pinned; skipped when present.
# Override the destination with TRIBUTARY_DUCKDB_DIR.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
dest=${TRIBUTARY_DUCKDB_DIR:-$here/third_party/duckdb}
header_pkg="duckdb@1.4.4"
case "$(uname -m)" in
  x86_64|amd64) lib_pkg="@duckdb/node-bindings-linux-x64@1.4.4-r.4" ;;
  aarch64|arm64) lib_pkg="@duckdb/node-bindings-linux-arm64@1.4.4-r.4" ;;
  *) echo "tributary: no DuckDB build for $(uname -m); pass -DDUCKDB_ROOT=<dir with include/duckdb.h and lib/libduckdb.so>" >&2; exit 1 ;;
esac
stamp="$dest/.version"
want="$header_pkg $lib_pkg"
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -f "$dest/lib/libduckdb.so" ]; then
  exit 0
fi
echo "tributary: fetching DuckDB ($want) from the npm registry"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "$header_pkg" "$lib_pkg" >/dev/null 2>&1) || {
  echo "tributary: npm pack failed; is the npm registry reachable?" >&2; exit 1; }
mkdir -p "$dest/include" "$dest/lib"
tar xzf "$tmp"/duckdb-1.4.4.tgz -C "$tmp" package/src/duckdb/src/include/duckdb.h
cp "$tmp/package/src/duckdb/src/include/duckdb.h" "$dest/include/"
rm -rf "$tmp/package"
tar xzf "$tmp"/duckdb-node-bindings-linux-*.tgz -C "$tmp" package/libduckdb.so
cp "$tmp/package/libduckdb.so" "$dest/lib/"
echo "$want" >"$stamp"
