#!/usr/bin/env bash
# Installs everything tributary needs to build and test on Debian 12:
# Debian packages (compiler, libraries, PostgreSQL for the test harness, the
# checks: ccache, clang with libFuzzer, clang-tidy) and DuckDB's C library
# (header + shared library) from the npm registry, pinned; then dbt and the
# Delta readers of the tests into .venv/ (scripts/install-tools.sh; Java 17
# is for Spark). patchelf and debootstrap make and test the packages
# (scripts/package.sh, tests/package/).
# Idempotent: safe to run again; cached downloads are reused.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)

packages=(
  build-essential cmake ninja-build pkg-config git
  libsqlite3-dev sqlite3 libyaml-cpp-dev nlohmann-json3-dev libfmt-dev
  libcli11-dev libhowardhinnant-date-dev libpq-dev postgresql postgresql-contrib
  unixodbc-dev tdsodbc odbc-postgresql libsqliteodbc
  libgtest-dev libgmock-dev libbenchmark-dev
  clang-format time bc python3-venv python3-pip
  ccache clang clang-tidy libclang-rt-14-dev
  libcurl4-openssl-dev libssl-dev libpugixml-dev
  libcpp-httplib-dev chromium
  openjdk-17-jre-headless
  patchelf debootstrap
)
# npm fetches DuckDB; use the machine's npm when there is one (Debian's
# nodejs/npm conflict with other Node.js installations).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "tributary: installing Debian packages: ${missing[*]}"
  $sudo_cmd apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

"$here/scripts/fetch-duckdb.sh"
"$here/scripts/install-tools.sh"
