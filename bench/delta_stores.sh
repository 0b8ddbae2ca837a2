#!/usr/bin/env bash
# Delta tables on a local folder and on S3 (moto's S3 server on loopback),
# written by tributary and, in the same run, by delta-rs (the `deltalake`
# Python package) — the tool a data engineer would script instead. Starts a
# throwaway PostgreSQL cluster with the generated mixed-type table `wide` of
# ROWS rows (default 5,000,000; as bench/sinks.sh), then REPEAT times (default
# 3), in rotating order:
#   - tributary run (full strategy, parallelism 1) into a delta sink on a local
#     folder, and on s3://bench/<run> at the moto endpoint;
#   - delta-rs: `psql \copy … (FORMAT csv)` piped into a Python process that
#     streams it with pyarrow's CSV reader into write_deltalake, to the same
#     two places (the pipeline a script would use; the types CSV yields differ
#     slightly: numeric as double, bytea and uuid as text).
# Wall time and peak RSS (GNU time; for delta-rs, of the Python process) are
# measured; every table's row count is read back with delta-rs.
# Prints per writer and target the medians, rows/s and the ratio to delta-rs.
# Usage: bench/delta_stores.sh [ROWS] [REPEAT]   (needs scripts/install-tools.sh:
# .venv with moto and deltalake; BUILD=dir reuses an optimised build)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-5000000}
repeat=${2:-3}
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
require_tools
tributary=$(tributary_binary)
py=$here/.venv/bin/python
[ -x "$here/.venv/bin/moto_server" ] && "$py" -c 'import deltalake, pyarrow' 2>/dev/null || {
  echo "needs moto and deltalake in .venv: run scripts/install-tools.sh" >&2
  exit 1
}

work=$(mktemp -d /tmp/tributary-deltabench-XXXXXX)
moto_pid=""
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  pg_stop
  rm -rf "$work"
}
trap cleanup EXIT
pg_start "$work"
moto_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$here/.venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
moto_pid=$!
endpoint=http://127.0.0.1:$moto_port
for _ in $(seq 100); do curl -sf "$endpoint/" >/dev/null 2>&1 && break; sleep 0.1; done
curl -sf -X PUT "$endpoint/bench" >/dev/null
export AWS_ACCESS_KEY_ID=bench AWS_SECRET_ACCESS_KEY=bench AWS_REGION=us-east-1

create_wide_table "$rows"

# One tributary project per target; the S3 one points at moto.
for target in local s3; do
  mkdir -p "$work/trib-$target/ingest/full/pg"
  if [ "$target" = local ]; then
    sink="{kind: delta, path: $work/out/trib-local}"
  else
    sink="{kind: delta, path: s3://bench/trib, aws_endpoint: \"$endpoint\", aws_access_key_id: bench, aws_secret_access_key: \"\${env:AWS_SECRET_ACCESS_KEY}\"}"
  fi
  cat >"$work/trib-$target/tributary.yml" <<YML
project: deltabench
sink: $sink
servers:
  pg: {kind: postgresql, host: 127.0.0.1, port: $pg_port, user: bench}
YML
  cat >"$work/trib-$target/ingest/full/pg/postgres.yml" <<YML
server: pg
database: postgres
schemas:
  - name: public
    tables:
      - {name: wide, sink_table: wide, parallelism: 1}
YML
done

cat >"$work/deltars_write.py" <<'PY'
import sys
import pyarrow as pa
import pyarrow.csv as csv
from deltalake import write_deltalake
uri, endpoint = sys.argv[1], sys.argv[2]
reader = csv.open_csv(sys.stdin.buffer, read_options=csv.ReadOptions(block_size=16 << 20))
options = None
if uri.startswith("s3://"):
    options = {"AWS_ENDPOINT_URL": endpoint, "AWS_ALLOW_HTTP": "true", "AWS_REGION": "us-east-1",
               "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
batches = pa.RecordBatchReader.from_batches(reader.schema, reader)
write_deltalake(uri, batches, mode="overwrite", storage_options=options)
PY
cat >"$work/count.py" <<'PY'
import sys
import pyarrow as pa
from deltalake import DeltaTable
uri, endpoint = sys.argv[1], sys.argv[2]
options = None
if uri.startswith("s3://"):
    options = {"AWS_ENDPOINT_URL": endpoint, "AWS_ALLOW_HTTP": "true", "AWS_REGION": "us-east-1",
               "AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench"}
dt = DeltaTable(uri, storage_options=options)
print(sum(pa.table(dt.get_add_actions(flatten=True)).column("num_records").to_pylist()))
PY
csv_select="\\copy (SELECT id, customer_id, amount, ratio, label, note, created_at AT TIME ZONE 'UTC' AS created_at, day, flag, encode(payload, 'hex') AS payload, ref::text AS ref FROM wide) TO STDOUT WITH (FORMAT csv, HEADER)"

# run WRITER TARGET N: one measured write; sets $run_secs, $run_kb; checks the count.
run() {
  local writer=$1 target=$2 n=$3 uri
  case $writer-$target in
    trib-local) rm -rf "$work/out/trib-local"; uri=$work/out/trib-local/wide
      timed_run "$work/run.log" "$tributary" --project "$work/trib-local" run ;;
    trib-s3)
      sed -i "s|s3://bench/trib[^,]*,|s3://bench/trib$n,|" "$work/trib-s3/tributary.yml"
      uri=s3://bench/trib$n/wide
      timed_run "$work/run.log" "$tributary" --project "$work/trib-s3" run ;;
    deltars-local) rm -rf "$work/out/deltars-local"; uri=$work/out/deltars-local/wide
      local start; start=$(date +%s.%N)
      "${psql[@]}" -c "$csv_select" | /usr/bin/time -f "%e %M" -o "$work/py.time" \
        "$py" "$work/deltars_write.py" "$uri" "$endpoint"
      run_secs=$(since "$start"); run_kb=$(tail -1 "$work/py.time" | cut -d' ' -f2) ;;
    deltars-s3) uri=s3://bench/deltars$n/wide
      local start; start=$(date +%s.%N)
      "${psql[@]}" -c "$csv_select" | /usr/bin/time -f "%e %M" -o "$work/py.time" \
        "$py" "$work/deltars_write.py" "$uri" "$endpoint"
      run_secs=$(since "$start"); run_kb=$(tail -1 "$work/py.time" | cut -d' ' -f2) ;;
  esac
  local got; got=$("$py" "$work/count.py" "$uri" "$endpoint")
  [ "$got" = "$rows" ] || { echo "$writer → $target holds $got rows, expected $rows" >&2; exit 1; }
}

combos=(trib-local deltars-local trib-s3 deltars-s3)
declare -A secs rss
for i in $(seq "$repeat"); do
  for k in 0 1 2 3; do
    c=${combos[$(((i - 1 + k) % 4))]}
    run "${c%%-*}" "${c#*-}" "$i"
    secs[$c]+="$run_secs "
    rss[$c]+="$run_kb "
    echo "repeat $i: $c ${run_secs}s $((run_kb / 1024)) MB" >&2
  done
done

echo "rows: $rows; machine: $(nproc) cores, $(uname -r); $(date -u +%Y-%m-%d)"
for target in local s3; do
  base=$(median_of "${secs[deltars-$target]}")
  for writer in trib deltars; do
    c=$writer-$target
    t=$(median_of "${secs[$c]}")
    r=$(median_of "${rss[$c]}")
    printf '%-26s %7ss %9s rows/s  vs delta-rs %5.2f  peak RSS %5s MB  runs: %s\n' \
      "$writer → $target" "$t" "$(echo "$rows / $t" | bc)" "$(echo "scale=3; $base / $t" | bc)" \
      "$(echo "$r / 1024" | bc)" "${secs[$c]}"
  done
done
