#!/usr/bin/env bash
# Installs what is needed, builds tributary twice (Release, as users build it,
# and Debug with AddressSanitizer + UndefinedBehaviorSanitizer), runs every
# test in both, clang-tidy on the changed files, packages the Release build
# (scripts/package.sh) and installs each package where users would
# (tests/package/test_package.sh: a clean Debian root, a fresh venv; needs
# root, else skipped with a note), and runs the config loader's fuzz target for
# a bounded time (TRIBUTARY_FUZZ_SECONDS, default 60). Warnings are errors
# here. Uses ccache when it is installed.
# Usage: scripts/test.sh [--no-install] [--only release|sanitize|package|fuzz]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
install=1
only=""
while (($#)); do
  case "$1" in
    --no-install) install=0 ;;
    --only) only=$2; shift ;;
    *) echo "usage: scripts/test.sh [--no-install] [--only release|sanitize|package|fuzz]" >&2; exit 2 ;;
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

# One moto_server and one Azurite for the whole run, on free loopback ports:
# tests that need an emulator use them (TRIBUTARY_TEST_MOTO / _AZURITE)
# instead of starting their own in every ctest process (seconds each). Store
# suites that check signatures still start their own moto.
emulator_pids=()
stop_emulators() { for pid in "${emulator_pids[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap stop_emulators EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {
  for _ in $(seq 300); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
start_emulators() {
  local logs="$here/build-emulators" port
  mkdir -p "$logs"
  if [ -x "$here/.venv/bin/moto_server" ]; then
    port=$(free_port)
    "$here/.venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$logs/moto.log" 2>&1 &
    emulator_pids+=($!)
    wait_port "$port" && export TRIBUTARY_TEST_MOTO="http://127.0.0.1:$port"
  fi
  local azurite="$here/.tools/azurite/node_modules/.bin/azurite-blob"
  if [ -x "$azurite" ]; then
    port=$(free_port)
    "$azurite" --blobHost 127.0.0.1 --blobPort "$port" --inMemoryPersistence --disableTelemetry \
      >"$logs/azurite.log" 2>&1 &
    emulator_pids+=($!)
    wait_port "$port" && export TRIBUTARY_TEST_AZURITE="http://127.0.0.1:$port"
  fi
  echo "== tributary: emulators: moto ${TRIBUTARY_TEST_MOTO:-missing}, azurite ${TRIBUTARY_TEST_AZURITE:-missing} =="
}

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

run_tidy() {  # build dir whose compile_commands.json to use
  echo "== tributary: clang-tidy on the changed files =="
  "$here/scripts/check-tidy.sh" --build "$1" -j "$jobs"
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

run_package() {  # the Release build's binary, packaged and installed
  echo "== tributary: packages =="
  rm -rf "$here/build-release/dist"
  "$here/scripts/package.sh" --build-dir "$here/build-release" --out "$here/build-release/dist"
  if [ "$(id -u)" -ne 0 ]; then
    echo "tributary: the package install test needs root (chroot); skipped on this machine"
    return 0
  fi
  "$here/tests/package/test_package.sh" "$here/build-release/dist"
}

start_emulators
if [ -z "$only" ] || [ "$only" = release ]; then
  run_suite release -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_SANITIZE=OFF
  run_tidy "$here/build-release"
fi
if [ -z "$only" ] || [ "$only" = package ]; then
  run_package
fi
if [ -z "$only" ] || [ "$only" = sanitize ]; then
  run_suite sanitize -DCMAKE_BUILD_TYPE=Debug -DTRIBUTARY_SANITIZE=ON
fi
if [ -z "$only" ] || [ "$only" = fuzz ]; then
  run_fuzz
fi
echo "== tributary: all tests passed =="
