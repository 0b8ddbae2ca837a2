#!/usr/bin/env bash
# Installs the tools tributary drives or tests against, pinned:
# - into a virtual environment at <repo>/.venv, the Python packages of
#   scripts/requirements.txt: dbt with its DuckDB and PostgreSQL adapters;
#   moto, the S3 emulator of the object-store tests; the independent Delta
#   readers of the tests (delta-rs, PySpark with delta-spark);
# - the Delta jars Spark needs, once, into <repo>/.cache/delta-spark/, so
#   tests start Spark without the network (tests/interop/delta_jars.py);
# - into <repo>/.tools/azurite, Azurite (the Azure Blob emulator of the
#   object-store tests) from the npm registry, at the last version that runs
#   on Node.js 20;
# - into <repo>/.tools/playwright, playwright-core (no browser download: the
#   status page's browser test drives Debian's chromium).
# Idempotent: does nothing when the requirements are unchanged since the
# last successful install (a stamp in each folder) and the jars are there.
# Usage: scripts/install-tools.sh [--force]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.venv"
requirements="$here/scripts/requirements.txt"
stamp="$venv/.requirements.sha256"
jars="$here/tests/interop/delta_jars.py"
python=${PYTHON:-python3}
azurite_version=3.35.0
azurite_dir="$here/.tools/azurite"
playwright_version=1.65.2
playwright_dir="$here/.tools/playwright"

want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ "${1:-}" = "--force" ] || [ ! -x "$venv/bin/dbt" ] || [ ! -x "$venv/bin/moto_server" ] ||
   [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  if [ ! -x "$venv/bin/python" ]; then
    echo "tributary: creating the virtual environment $venv"
    "$python" -m venv "$venv"
  fi
  echo "tributary: installing dbt, moto and the Delta readers into $venv (scripts/requirements.txt)"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
  "$venv/bin/dbt" --version >/dev/null
  test -x "$venv/bin/moto_server"
  "$venv/bin/python" -c "import deltalake, pyarrow, pyspark, delta"
  echo "$want" >"$stamp"
fi
if ! "$venv/bin/python" "$jars" status >/dev/null; then
  echo "tributary: fetching the Delta jars for Spark (Maven Central, once)"
  "$venv/bin/python" "$jars" fetch
fi

if [ "${1:-}" = "--force" ] || [ "$(cat "$azurite_dir/.version" 2>/dev/null)" != "$azurite_version" ]; then
  echo "tributary: installing Azurite $azurite_version into $azurite_dir (npm)"
  mkdir -p "$azurite_dir"
  npm install --silent --no-audit --no-fund --prefix "$azurite_dir" "azurite@$azurite_version"
  test -x "$azurite_dir/node_modules/.bin/azurite-blob"
  echo "$azurite_version" >"$azurite_dir/.version"
fi

if [ "${1:-}" = "--force" ] || [ "$(cat "$playwright_dir/.version" 2>/dev/null)" != "$playwright_version" ]; then
  echo "tributary: installing playwright-core $playwright_version into $playwright_dir (npm)"
  mkdir -p "$playwright_dir"
  npm install --silent --no-audit --no-fund --prefix "$playwright_dir" "playwright-core@$playwright_version"
  test -f "$playwright_dir/node_modules/playwright-core/package.json"
  echo "$playwright_version" >"$playwright_dir/.version"
fi
