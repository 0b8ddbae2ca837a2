#!/usr/bin/env bash
# Installs the Python tools tributary drives (dbt with its DuckDB and
# PostgreSQL adapters) into a virtual environment at <repo>/.venv, pinned by
# scripts/requirements.txt. Idempotent: does nothing when the requirements
# are unchanged since the last successful install (a stamp in .venv/).
# Usage: scripts/install-tools.sh [--force]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
venv="$here/.venv"
requirements="$here/scripts/requirements.txt"
stamp="$venv/.requirements.sha256"
python=${PYTHON:-python3}

want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ "${1:-}" != "--force" ] && [ -x "$venv/bin/dbt" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
  exit 0
fi
if [ ! -x "$venv/bin/python" ]; then
  echo "tributary: creating the virtual environment $venv"
  "$python" -m venv "$venv"
fi
echo "tributary: installing dbt into $venv (scripts/requirements.txt)"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input -r "$requirements"
"$venv/bin/dbt" --version >/dev/null
echo "$want" >"$stamp"
