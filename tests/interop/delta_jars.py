"""The Delta Lake jars Spark needs, fetched once and then used offline.

delta-spark's `configure_spark_with_delta_pip` makes every Spark session
resolve io.delta:delta-spark_<spark major.minor>_2.13:<delta-spark version>
from Maven Central. Instead, `scripts/install-tools.sh` runs this file once:
a Spark session resolves that artifact with Ivy into a cache in the
repository (.cache/delta-spark/<artifact>/, git-ignored), and the tests start
Spark with `spark.jars` listing the jars found there, so they never touch the
network. The cache folder is named after the installed pyspark and
delta-spark versions, so an upgrade fetches its own jars.

Usage: delta_jars.py fetch    fetches (prints the cache folder)
       delta_jars.py status   exits 0 when the jars are there, 1 if not"""

import glob
import importlib.metadata
import os
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCALA = "2.13"


def artifact():
    """(name, version) of the delta-spark artifact for the installed Spark."""
    import pyspark

    spark = ".".join(pyspark.__version__.split(".")[:2])
    return f"delta-spark_{spark}_{SCALA}", importlib.metadata.version("delta_spark")


def cache_dir():
    name, version = artifact()
    return os.path.join(REPO, ".cache", "delta-spark", f"{name}-{version}")


def jars():
    """The jars of a completed fetch; empty when there was none."""
    folder = cache_dir()
    if not os.path.exists(os.path.join(folder, "complete")):
        return []
    return sorted(glob.glob(os.path.join(folder, "ivy", "jars", "*.jar")))


def builder(app, extra=None):
    """A local Spark session builder with the Delta extension and modest
    memory (2 cores are shared by everything on a test machine)."""
    from pyspark.sql import SparkSession

    b = (SparkSession.builder.master("local[2]").appName(app)
         .config("spark.driver.memory", "1g")
         .config("spark.ui.enabled", "false")
         .config("spark.ui.showConsoleProgress", "false")
         .config("spark.sql.shuffle.partitions", "2")
         .config("spark.default.parallelism", "2")
         # Delta rebuilds a snapshot in 50 tasks by default; tiny tables need 1.
         .config("spark.databricks.delta.snapshotPartitions", "1")
         .config("spark.sql.session.timeZone", "UTC")
         .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
         .config("spark.sql.catalog.spark_catalog",
                 "org.apache.spark.sql.delta.catalog.DeltaCatalog"))
    for key, value in (extra or {}).items():
        b = b.config(key, value)
    return b


def fetch():
    folder = cache_dir()
    name, version = artifact()
    spark = builder("tributary-fetch-delta-jars", {
        "spark.jars.packages": f"io.delta:{name}:{version}",
        "spark.jars.ivy": os.path.join(folder, "ivy"),
    }).getOrCreate()
    # Proves the jars work: Spark writes and reads back a one-row Delta table.
    with tempfile.TemporaryDirectory() as scratch:
        spark.range(1).write.format("delta").save(scratch + "/t")
        assert spark.read.format("delta").load(scratch + "/t").count() == 1
    spark.stop()
    if not glob.glob(os.path.join(folder, "ivy", "jars", f"io.delta_{name}-{version}.jar")):
        sys.exit(f"tributary: Ivy did not fetch io.delta:{name}:{version} into {folder}")
    open(os.path.join(folder, "complete"), "w").close()
    print(folder)


if __name__ == "__main__":
    if sys.argv[1:] == ["fetch"]:
        fetch()
    elif sys.argv[1:] == ["status"]:
        print(cache_dir())
        sys.exit(0 if jars() else 1)
    else:
        sys.exit("usage: delta_jars.py fetch|status")
