"""Reads a set of Delta tables with Apache Spark and delta-spark in one
Spark session and prints what it found as JSON on stdout, for
tests/interop/spark_read_test.cc. The input (a JSON file) lists the tables:
[{name, path, order_by: [columns]}]. The output:

  reader   "spark <version>, delta-spark <version>"
  tables   {name: {rows, history, schema}} where rows are the latest
           version's rows in reader_text.py's text (dates as days,
           timestamps as microseconds, binary as hex) sorted by order_by;
           history is DESCRIBE HISTORY as [{version, operation}] newest
           first; schema is [{name, type, nullable}] as Spark reads it
           from the log; or {error} when Spark could not read the table.

Usage: spark_read.py TABLES.json OUT.json (a file, since the JVM may print
to stdout)
Exits 3 when pyspark, delta-spark or the fetched Delta jars are missing
(scripts/install-tools.sh installs them)."""

import importlib.metadata
import json
import os
import sys
import time

import delta_jars
import reader_text

try:
    import pyspark
    from pyspark.sql import types as T
except ImportError as error:
    print(f"Spark reader missing: {error}", file=sys.stderr)
    sys.exit(3)


def column_expression(field):
    """SQL giving the column in the form reader_text.py renders."""
    name = "`" + field.name.replace("`", "``") + "`"
    if isinstance(field.dataType, T.DateType):
        return f"unix_date({name}) AS {name}"
    if isinstance(field.dataType, T.TimestampType):
        return f"unix_micros({name}) AS {name}"
    if isinstance(field.dataType, T.TimestampNTZType):
        return f"unix_micros(CAST({name} AS TIMESTAMP)) AS {name}"
    return name


def read_table(spark, entry):
    df = spark.read.format("delta").load(entry["path"])
    df.createOrReplaceTempView("t")
    columns = ", ".join(column_expression(f) for f in df.schema.fields)
    order = ", ".join("`" + c + "`" for c in entry.get("order_by", []))
    sql = f"SELECT {columns} FROM t" + (f" ORDER BY {order}" if order else "")
    rows = [[reader_text.value_text(v) for v in row] for row in spark.sql(sql).collect()]
    history = spark.sql(f"DESCRIBE HISTORY delta.`{entry['path']}`").collect()
    schema = [{"name": f["name"], "type": f["type"], "nullable": f["nullable"]}
              for f in df.schema.jsonValue()["fields"]]
    return {"rows": rows, "schema": schema,
            "history": [{"version": h["version"], "operation": h["operation"]} for h in history]}


def main():
    tables = json.load(open(sys.argv[1]))
    try:
        jars = delta_jars.jars()
    except importlib.metadata.PackageNotFoundError as error:
        print(f"Spark reader missing: {error}", file=sys.stderr)
        sys.exit(3)
    if not jars:
        print(f"Spark reader missing: no Delta jars in {delta_jars.cache_dir()}"
              " (run scripts/install-tools.sh)", file=sys.stderr)
        sys.exit(3)
    spark = delta_jars.builder("tributary-spark-read", {"spark.jars": ",".join(jars)}).getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    out = {"reader": f"spark {pyspark.__version__}, delta-spark "
                     f"{importlib.metadata.version('delta_spark')}", "tables": {}}
    for entry in tables:
        started = time.monotonic()
        try:
            out["tables"][entry["name"]] = read_table(spark, entry)
        except Exception as error:  # one unreadable table must not hide the others
            out["tables"][entry["name"]] = {"error": str(error)[:4000]}
        print(f"{entry['name']}: {time.monotonic() - started:.1f} s", file=sys.stderr)
    spark.stop()
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)
    sys.stdout.flush()
    os._exit(0)  # no interpreter teardown: pyarrow's threads can abort it (delta_rs_read.py)


if __name__ == "__main__":
    main()
