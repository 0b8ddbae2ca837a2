#!/usr/bin/env bash
# Runs clang-tidy (the short list in .clang-tidy, warnings as errors) on the
# C++ files changed against a base, using a build's compile_commands.json.
# Default base: the merge-base with origin when the branch has commits of its
# own, else the parent of the last commit; uncommitted changes count too.
# Usage: scripts/check-tidy.sh [--build DIR] [--base REV | --all] [-j N]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build="$here/build-release"
base=""
all=0
jobs=$(nproc)
while (($#)); do
  case "$1" in
    --build) build=$(cd "$2" && pwd); shift ;;
    --base) base=$2; shift ;;
    --all) all=1 ;;
    -j) jobs=$2; shift ;;
    *) echo "usage: scripts/check-tidy.sh [--build DIR] [--base REV | --all] [-j N]" >&2; exit 2 ;;
  esac
  shift
done
cd "$here"
if [ ! -f "$build/compile_commands.json" ]; then
  echo "tributary: no $build/compile_commands.json; configure that build first" >&2
  exit 2
fi

default_base() {
  local upstream
  for upstream in origin/HEAD origin/main; do
    if git rev-parse -q --verify "$upstream" >/dev/null; then
      local mb
      mb=$(git merge-base HEAD "$upstream" || true)
      if [ "$mb" != "$(git rev-parse HEAD)" ]; then echo "$mb"; return; fi
      break
    fi
  done
  git rev-parse -q --verify HEAD~1 || true  # none in a shallow clone
}

if ((all)); then
  changed=$(git ls-files 'src/*.cc' 'tests/*.cc' 'bench/*.cc')
else
  [ -n "$base" ] || base=$(default_base)
  if [ -z "$base" ]; then
    echo "tributary: clang-tidy: no earlier commit to compare with; pass --base REV or --all"
    exit 0
  fi
  changed=$(git diff --name-only --diff-filter=d "$base" -- '*.cc' '*.h')
fi

# A changed header is checked through the .cc beside it; only translation
# units in the compile database can be checked.
files=()
for f in $changed; do
  [ "${f%.h}" = "$f" ] || f="${f%.h}.cc"
  [ -f "$f" ] && grep -q "\"file\": \"$here/$f\"" "$build/compile_commands.json" && files+=("$f")
done
if ((${#files[@]} == 0)); then
  echo "tributary: clang-tidy: no changed C++ file to check"
  exit 0
fi
list=$(mktemp)
trap 'rm -f "$list"' EXIT
printf '%s\n' "${files[@]}" | sort -u >"$list"
echo "tributary: clang-tidy on $(wc -l <"$list") files"
# GCC-only warning flags in the compile database are not clang-tidy's
# findings; nor are the counts of warnings it suppressed in system headers.
set +e
xargs -P "$jobs" -n 1 clang-tidy -p "$build" --quiet --extra-arg=-Wno-unknown-warning-option \
  <"$list" 2>&1 | grep -vE '^[0-9]+ warnings? (and [0-9]+ errors? )?generated\.$'
status=${PIPESTATUS[0]}
set -e
if ((status != 0)); then
  echo "tributary: clang-tidy found problems above (.clang-tidy lists the checks)" >&2
  exit 1
fi
echo "tributary: clang-tidy found nothing"
