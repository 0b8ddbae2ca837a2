#!/usr/bin/env bash
# Writes config_fuzz's seed inputs into DIR: one per golden case under
# tests/config/golden/, its tributary.yml and its first ingest file joined by
# the marker config_fuzz.cc splits on.
# Usage: tests/fuzz/make_corpus.sh DIR
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
out=${1:?usage: tests/fuzz/make_corpus.sh DIR}
mkdir -p "$out"
for case_dir in "$here"/tests/config/golden/*/; do
  name=$(basename "$case_dir")
  seed="$out/golden-$name"
  if [ -f "$case_dir/tributary.yml" ]; then cat "$case_dir/tributary.yml"; fi >"$seed"
  ingest=""
  if [ -d "$case_dir/ingest" ]; then
    ingest=$(find "$case_dir/ingest" -name '*.y*ml' -type f | sort | head -n 1)
  fi
  if [ -n "$ingest" ]; then
    printf '\n#---\n' >>"$seed"
    cat "$ingest" >>"$seed"
  fi
done
