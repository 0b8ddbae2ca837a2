#!/usr/bin/env bash
# Installs what is needed, builds tributary twice (Release, as users build it,
# and Debug with AddressSanitizer + UndefinedBehaviorSanitizer), runs every
# test in both, and the config loader's fuzz target for a bounded time
# (TRIBUTARY_FUZZ_SECONDS, default 60). Warnings are errors here. Uses ccache
# when it is installed.
# Usage: scripts/test.sh [--no-install] [--only release|sanitize|fuzz]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
install=1
only=""
while (($#)); do
  case "$1" in
    --no-install) install=0 ;;
    --only) only=$2; shift ;;
    *) echo "usage: scripts/test.sh [--no-install] [--only release|sanitize|fuzz]" >&2; exit 2 ;;
  esac
  shift
done
((install)) && "$here/scripts/install-deps.sh"

echo "== tributary: format check =="
"$here/scripts/check-format.sh"
echo "== tributary: include rules (src/README.md) =="
python3 "$here/scripts/check-layers.py" "$here/src"

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
    -DTRIBUTARY_WERROR=ON -DTRIBUTARY_FUZZ=OFF "$@" >/dev/null
  cmake --build "$dir" -j "$jobs"
  echo "== tributary: $name tests =="
  (cd "$dir" && ctest --output-on-failure --no-tests=error -j "$jobs" --timeout 600)
}

run_fuzz() {
  local dir="$here/build-fuzz" seconds=${TRIBUTARY_FUZZ_SECONDS:-60}
  echo "== tributary: config fuzz build =="
  cmake -S "$here" -B "$dir" -G Ninja "${launcher[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DTRIBUTARY_FUZZ=ON \
    -DTRIBUTARY_WERROR=ON >/dev/null
  cmake --build "$dir" -j "$jobs" --target config_fuzz
  echo "== tributary: config fuzz (${seconds} s) =="
  rm -rf "$dir/corpus" && "$here/tests/fuzz/make_corpus.sh" "$dir/corpus"
  # A crash, a hang (-timeout) or an unexpected exception exits non-zero and
  # leaves the input in build-fuzz/crash-* (replay: config_fuzz FILE).
  if ! "$dir/tests/fuzz/config_fuzz" -max_total_time="$seconds" -timeout=10 -max_len=8192 \
    -print_final_stats=1 -artifact_prefix="$dir/" "$dir/corpus" >"$dir/fuzz.log" 2>&1; then
    tail -n 80 "$dir/fuzz.log" >&2
    echo "tributary: the config fuzz target failed (log: $dir/fuzz.log)" >&2
    return 1
  fi
  grep '^stat::number_of_executed_units' "$dir/fuzz.log"
}

if [ -z "$only" ] || [ "$only" = release ]; then
  run_suite release -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_SANITIZE=OFF
fi
if [ -z "$only" ] || [ "$only" = sanitize ]; then
  run_suite sanitize -DCMAKE_BUILD_TYPE=Debug -DTRIBUTARY_SANITIZE=ON
fi
if [ -z "$only" ] || [ "$only" = fuzz ]; then
  run_fuzz
fi
echo "== tributary: all tests passed =="
