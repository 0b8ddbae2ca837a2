#!/usr/bin/env bash
# Installs what is needed, builds tributary twice (optimised, and with
# AddressSanitizer + UndefinedBehaviorSanitizer) and runs every test in both.
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
run_suite() {  # name, extra cmake flags...
  local name=$1; shift
  local dir="$here/build-$name"
  echo "== tributary: $name build =="
  cmake -S "$here" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "== tributary: $name tests =="
  (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 600)
}

[ -z "$only" ] || [ "$only" = release ] && run_suite release -DCMAKE_BUILD_TYPE=RelWithDebInfo
[ -z "$only" ] || [ "$only" = sanitize ] && run_suite sanitize -DCMAKE_BUILD_TYPE=Debug -DTRIBUTARY_SANITIZE=ON
echo "== tributary: all tests passed =="
