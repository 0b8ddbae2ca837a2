#!/usr/bin/env bash
# Fails when a C++ file in src/, tests/ or bench/ is not formatted per .clang-format.
# Fix with: clang-format -i $(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h')
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h')
if ! clang-format --dry-run --Werror $files; then
  echo "tributary: files above are not clang-formatted; run clang-format -i on them" >&2
  exit 1
fi
