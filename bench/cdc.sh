#!/usr/bin/env bash
# CDC capture benchmark (PostgreSQL logical decoding → DuckDB history).
# Starts a throwaway PostgreSQL cluster (wal_level=logical; as the postgres
# user when run as root). REPEAT times (default 3):
#   1. a fresh table `events` and a first `tributary run` (empty snapshot,
#      creates the slot and publication);
#   2. a second slot for the baseline, `pg_recvlogical --create-slot -P pgoutput`;
#   3. CHANGES source changes (default 1,000,000: 60% inserts, 30% updates,
#      10% deletes, in transactions of 1,000), then the WAL position;
#   4. in alternating order, timed:
#      - baseline: pg_recvlogical reading the same changes from its slot up to
#        that position, with the same publication, proto_version 1 and binary
#        values, into /dev/null — the rate the server decodes and sends them;
#      - `tributary run`: the same changes streamed, decoded into columns and
#        committed to the DuckDB history (and acknowledged).
# Prints medians, changes/s and the ratio tributary / pg_recvlogical.
# Usage: bench/cdc.sh [CHANGES] [REPEAT]   (needs bc)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
changes=${1:-1000000}
repeat=${2:-3}
# BUILD=dir reuses an existing optimised build (e.g. build, RelWithDebInfo).
build=${BUILD:-$here/build-release}
if [ -z "${BUILD:-}" ]; then
  cmake -S "$here" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRIBUTARY_TESTS=OFF \
    ${DUCKDB_ROOT:+-DDUCKDB_ROOT=$DUCKDB_ROOT} >/dev/null
  cmake --build "$build" --target tributary >/dev/null
fi
tributary="$build/src/tributary"
pgbin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

work=$(mktemp -d /tmp/tributary-cdcbench-XXXXXX)
chmod 755 "$work"
as_owner=()
if [ "$(id -u)" = 0 ]; then
  chown postgres "$work"
  as_owner=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cleanup() {
  "${as_owner[@]}" "$pgbin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
"${as_owner[@]}" "$pgbin/initdb" -D "$work/pg" -U bench --auth=trust -E UTF8 --locale=C >/dev/null
"${as_owner[@]}" "$pgbin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w start -o \
  "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$work -c fsync=off \
   -c shared_buffers=256MB -c max_connections=20 -c wal_level=logical -c max_wal_size=4GB \
   -c max_replication_slots=10 -c max_wal_senders=10" >/dev/null
psql=(psql -X -q -h 127.0.0.1 -p "$port" -U bench -d postgres -v ON_ERROR_STOP=1)
recvlogical=("$pgbin/pg_recvlogical" -h 127.0.0.1 -p "$port" -U bench -d postgres)

project="$work/project"
mkdir -p "$project/ingest/cdc/pg"
cat >"$project/tributary.yml" <<YML
project: cdcbench
sink: {kind: duckdb, path: lakehouse.duckdb}
servers:
  pg: {kind: postgresql, host: 127.0.0.1, port: $port, user: bench}
YML
cat >"$project/ingest/cdc/pg/postgres.yml" <<YML
server: pg
database: postgres
schemas:
  - name: public
    tables:
      - {name: events, sink_table: events}
YML
publication=tributary_cdcbench_events
slot=tributary_cdcbench_events

# $changes changes in transactions of 1,000: per 10 changes, 6 inserts,
# 3 updates of earlier rows, 1 delete of an earlier row.
generate() {
  "${psql[@]}" <<SQL
CREATE PROCEDURE churn(total int) LANGUAGE plpgsql AS \$\$
DECLARE
  n int := 0;
BEGIN
  WHILE n < total LOOP
    INSERT INTO events SELECT n / 10 * 6 + i, (n + i) % 1000, (n + i) % 100000 / 100.0,
      'event ' || (n + i), now() FROM generate_series(1, 600) i;
    UPDATE events SET amount = amount + 1, note = note || '+'
      WHERE id > n / 10 * 6 - 300 AND id <= n / 10 * 6;
    DELETE FROM events WHERE id > n / 10 * 6 - 400 AND id <= n / 10 * 6 - 300;
    n := n + 1000;
    COMMIT;
  END LOOP;
END \$\$;
CALL churn($changes);
DROP PROCEDURE churn;
SQL
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
now() { date +%s.%N; }
base_runs="" trib_runs="" wal_mb=0
exact=$((changes - 400))  # the first transaction has nothing to update or delete yet
for i in $(seq "$repeat"); do
  "${psql[@]}" -c "DROP TABLE IF EXISTS events; DROP PUBLICATION IF EXISTS $publication;" \
    -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots" >/dev/null
  "${psql[@]}" -c "CREATE TABLE events (id bigint PRIMARY KEY, account int, amount numeric(12,2),
    note text, created_at timestamptz); ALTER TABLE events REPLICA IDENTITY FULL"
  rm -f "$project/lakehouse.duckdb" "$project/lakehouse.duckdb.wal"
  "$tributary" --project "$project" run >"$work/run.log" 2>&1 || { cat "$work/run.log" >&2; exit 1; }
  "${recvlogical[@]}" --slot bench_base --create-slot -P pgoutput
  start_lsn=$("${psql[@]}" -At -c "SELECT pg_current_wal_lsn()")
  echo "round $i: generating $changes changes..." >&2
  generate
  end_lsn=$("${psql[@]}" -At -c "SELECT pg_current_wal_lsn()")
  wal_mb=$("${psql[@]}" -At -c "SELECT round(pg_wal_lsn_diff('$end_lsn', '$start_lsn') / 1e6)")
  baseline() {
    local s; s=$(now)
    "${recvlogical[@]}" --slot bench_base --start -E "$end_lsn" -f /dev/null \
      -o proto_version=1 -o publication_names="$publication" -o binary=true
    base_runs+="$(echo "$(now) - $s" | bc) "
  }
  capture() {
    local s; s=$(now)
    "$tributary" --project "$project" run >"$work/run.log" 2>&1 || { cat "$work/run.log" >&2; exit 1; }
    trib_runs+="$(echo "$(now) - $s" | bc) "
  }
  if ((i % 2)); then baseline; capture; else capture; baseline; fi
  "${recvlogical[@]}" --slot bench_base --drop-slot
done

base=$(printf '%s\n' $base_runs | median)
trib=$(printf '%s\n' $trib_runs | median)
echo "changes:           $exact per round ($wal_mb MB of WAL), $repeat rounds"
printf '%-34s %8ss  %10s changes/s   runs: %s\n' "pg_recvlogical (pgoutput, binary)" "$base" \
  "$(echo "$exact / $base" | bc)" "$base_runs"
printf '%-34s %8ss  %10s changes/s   runs: %s\n' "tributary run (cdc → DuckDB)" "$trib" \
  "$(echo "$exact / $trib" | bc)" "$trib_runs"
echo "ratio tributary / pg_recvlogical rate: $(echo "scale=2; $base / $trib" | bc)"
