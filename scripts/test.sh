#!/usr/bin/env bash
# Installs what is needed, builds tributary twice (Release, as users build it,
# and Debug with AddressSanitizer + UndefinedBehaviorSanitizer) and runs every
# test in both. Warnings are errors here. Uses ccache when it is installed.
# Usage: scripts/test.sh [--no-install] [--only release|sanitize]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
install=1
only=""
while (($#)); do
  case "$1" in
    --no-install) install=0 ;;
    --only) only=$2; shift ;;
    *) echo "usage: scripts/test.sh [--no-install] [--only release|sanitize]" >&2; exit 2 ;;
  esac
  shift
done
((install)) && "$here/scripts/install-deps.sh"

echo "== tributary: format check =="
"$here/scripts/check-format.sh"

jobs=$(nproc)
launcher=()
if command -v ccache >/dev/null 2>&1; then
  # Paths relative to the clone, so a clone in another folder hits the cache.
  export CCACHE_BASEDIR="$here" CCACHE_NOHASHDIR=1
  launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi

run_suite() {  # name, extra cmake flags...
  local name=$1; shift
  local dir="$here/build-$name"
  echo "== tributary: $name build =="
  # Every option is given, whatever an earlier configure left in the cache.
  cmake -S "$here" -B "$dir" -G Ninja "${launcher[@]}" -DTRIBUTARY_TESTS=ON \
    -DTRIBUTARY_WERROR=ON "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "== tributary: $name tests =="
  (cd "$dir" && ctest --output-on-failure --no-tests=error -j "$jobs" --timeout 600)
}

if [ -z "$only" ] || [ "$only" = release ]; then
  run_suite release -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_SANITIZE=OFF
fi
if [ -z "$only" ] || [ "$only" = sanitize ]; then
  run_suite sanitize -DCMAKE_BUILD_TYPE=Debug -DTRIBUTARY_SANITIZE=ON
fi
echo "== tributary: all tests passed =="
