"""Reads one Delta table with delta-rs (the `deltalake` package) and prints
what it found as JSON on stdout, for tests/sink/delta/delta_rs_read_test.cc:

  reader            "deltalake <version>"
  version           the latest version
  versions          [{version, rows}] for every version from --from-version
                    (default 0) to the latest, each loaded by time travel
  protocol          {min_reader_version, min_writer_version, reader_features,
                    writer_features}
  schema            [{name, type, nullable}] (type as in schemaString)
  partition_columns the metadata's partition columns
  rows              the latest version's rows (reader_text.py), sorted by
                    --order-by (comma-separated columns)
  adds              the latest version's add actions as delta-rs reports them
                    (get_add_actions(flatten=True)), sorted by path: {path,
                    size, num_records, null_count, min, max, partition}
  history           [{version, operation}] newest first

TABLE is a folder or a URL (s3://…, az://…) read with the storage options
given as --storage-option KEY=VALUE (delta-rs' keys, e.g. AWS_ENDPOINT_URL).

Usage: delta_rs_read.py TABLE [--order-by COLS] [--from-version N]
                        [--storage-option KEY=VALUE]...
Exits 3 when deltalake is not installed."""

import argparse
import json
import os
import sys

try:
    import deltalake
    import pyarrow as pa
except ImportError as error:  # the test decides whether that fails or skips
    print(f"delta-rs reader missing: {error}", file=sys.stderr)
    sys.exit(3)

import reader_text


def protocol_json(table):
    p = table.protocol()
    return {
        "min_reader_version": p.min_reader_version,
        "min_writer_version": p.min_writer_version,
        "reader_features": p.reader_features,
        "writer_features": p.writer_features,
    }


def schema_json(table):
    fields = json.loads(table.schema().to_json())["fields"]
    return [{"name": f["name"], "type": f["type"], "nullable": f["nullable"]} for f in fields]


def adds_json(table):
    adds = pa.table(table.get_add_actions(flatten=True))
    texts = {name: reader_text.column_texts(adds.column(name)) for name in adds.column_names}
    out = []
    for i in range(adds.num_rows):
        add = {"path": texts["path"][i], "size": int(texts["size_bytes"][i]),
               "num_records": texts["num_records"][i],
               "null_count": {}, "min": {}, "max": {}, "partition": {}}
        for name in adds.column_names:
            prefix, _, column = name.partition(".")
            if column and prefix in ("null_count", "min", "max", "partition"):
                add[prefix][column] = texts[name][i]
        out.append(add)
    return sorted(out, key=lambda a: a["path"])


def rows_json(table, order_by):
    data = table.to_pyarrow_table()
    if order_by:
        data = data.sort_by([(c, "ascending") for c in order_by])
    return reader_text.table_rows(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("table")
    parser.add_argument("--order-by", default="")
    parser.add_argument("--from-version", type=int, default=0)
    parser.add_argument("--storage-option", action="append", default=[])
    args = parser.parse_args()
    order_by = [c for c in args.order_by.split(",") if c]
    options = dict(o.split("=", 1) for o in args.storage_option) or None
    table = deltalake.DeltaTable(args.table, storage_options=options)
    latest = table.version()
    versions = []
    old = deltalake.DeltaTable(args.table, version=args.from_version, storage_options=options)
    for v in range(args.from_version, latest + 1):
        old.load_as_version(v)
        versions.append({"version": v, "rows": old.to_pyarrow_dataset().count_rows()})
    history = [{"version": h.get("version"), "operation": h.get("operation")}
               for h in table.history()]
    json.dump({
        "reader": f"deltalake {deltalake.__version__}",
        "version": latest,
        "versions": versions,
        "protocol": protocol_json(table),
        "schema": schema_json(table),
        "partition_columns": table.metadata().partition_columns,
        "rows": rows_json(table, order_by),
        "adds": adds_json(table),
        "history": history,
    }, sys.stdout)
    sys.stdout.flush()
    # Skip the interpreter's teardown: about one exit in twenty, pyarrow's and
    # delta-rs's threads race it and abort ("terminate called without an
    # active exception") after the output is complete.
    os._exit(0)


if __name__ == "__main__":
    main()
