#!/usr/bin/env bash
# Installs the Python tools tributary drives (dbt with its DuckDB and
# PostgreSQL adapters) and the independent Delta readers of the tests
# (delta-rs, PySpark with delta-spark) into a virtual environment at
# <repo>/.venv, pinned by scripts/requirements.txt; then fetches the Delta
# jars Spark needs, once, into <repo>/.cache/delta-spark/ (git-ignored), so
# that tests start Spark without the network (tests/interop/delta_jars.py).
# Idempotent: does nothing when the requirements are unchanged since the last
# successful install (a stamp in .venv/) and the jars are there.
# Usage: scripts/install-tools.sh [--force]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.venv"
requirements="$here/scripts/requirements.txt"
stamp="$venv/.requirements.sha256"
jars="$here/tests/interop/delta_jars.py"
python=${PYTHON:-python3}

want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ "${1:-}" = "--force" ] || [ ! -x "$venv/bin/dbt" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if [ ! -x "$venv/bin/python" ]; then
    echo "tributary: creating the virtual environment $venv"
    "$python" -m venv "$venv"
  fi
  echo "tributary: installing dbt and the Delta readers into $venv (scripts/requirements.txt)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  "$venv/bin/dbt" --version >/dev/null
  "$venv/bin/python" -c "import deltalake, pyarrow, pyspark, delta"
  echo "$want" >"$stamp"
fi
if ! "$venv/bin/python" "$jars" status >/dev/null; then
  echo "tributary: fetching the Delta jars for Spark (Maven Central, once)"
  "$venv/bin/python" "$jars" fetch
fi
