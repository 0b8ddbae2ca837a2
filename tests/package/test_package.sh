#!/usr/bin/env bash
# Proves the packages of scripts/package.sh install and run where users put them:
#   - the .tar.gz, unpacked into a clean Debian 12 root (debootstrap minbase,
#     nothing else installed), runs --version and the quickstart's loads;
#   - the .deb, installed into that root by apt (which must resolve its
#     Depends from Debian's archive), runs the quickstart from
#     /usr/share/tributary/examples;
#   - the wheel, installed by pip into a fresh virtual environment, gives a
#     `tributary` command that runs the quickstart, every library resolved
#     inside the environment except glibc and the C++ runtime.
# The quickstart runs with --no-dbt (no dbt in a bare root); each run must
# load every table with rows, read back through `status --format json`.
# Needs root (chroot, apt inside the root) and the network (debootstrap).
# Usage: tests/package/test_package.sh DIST_DIR
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
dist=$(cd "${1:?usage: test_package.sh DIST_DIR}" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "package test: needs root (chroot, apt in the root)" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "package test: needs debootstrap (scripts/install-deps.sh)" >&2; exit 1; }

tarball=$(ls "$dist"/tributary-*-linux-*.tar.gz)
deb=$(ls "$dist"/tributary_*.deb)
wheel=$(ls "$dist"/tributary_engine-*.whl)
version=$(basename "$tarball" | sed 's/^tributary-\(.*\)-linux-.*/\1/')

work=$(mktemp -d /tmp/tributary-package-test.XXXXXX)
root="$work/root"
cleanup() {
  umount "$root/proc" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "package test: FAILED: $*" >&2; exit 1; }

# A quickstart project with its SQLite database made on this machine (the
# root has no sqlite3 shell), given as a folder to copy.
quickstart() {  # destination
  cp -r "$here/examples/quickstart" "$1"
  rm -rf "$1"/data/*.db "$1"/*.duckdb* "$1/.tributary" "$1/dbt/target" "$1/dbt/logs"
  sqlite3 "$1/data/shop.db" <"$1/data/shop.sql"
}

# Every table of the project loaded with rows and healthy, from the JSON of
# `tributary status`.
check_status_json() {  # file with the output of status --format json, label
  python3 - "$1" "$2" <<'PY'
import json, sys
status = json.load(open(sys.argv[1]))
tables = status["tables"]
assert tables, f"{sys.argv[2]}: status lists no tables"
for t in tables:
    name = t.get("table") or t.get("task_id")
    assert t["health"] in ("ok", "due"), f"{sys.argv[2]}: {name} is {t['health']}"
    assert t["last_success"] and t["last_success"]["rows"] > 0, f"{sys.argv[2]}: {name} loaded no rows"
print(f"{sys.argv[2]}: {len(tables)} tables loaded and healthy")
PY
}

echo "== package test: a clean Debian 12 root (debootstrap --variant=minbase) =="
debootstrap --variant=minbase bookworm "$root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 ||
  { tail -20 "$work/debootstrap.log" >&2; fail "debootstrap"; }
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
in_root() { chroot "$root" env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 "$@"; }

echo "== package test: $(basename "$tarball") in the clean root =="
tar -xzf "$tarball" -C "$root/opt"
bin="/opt/tributary-$version-linux-$(uname -m)/bin/tributary"
got=$(in_root "$bin" --version) || fail "the archive's binary does not start in a clean root"
[ "$got" = "tributary $version" ] || fail "--version printed '$got'"
quickstart "$root/opt/quickstart"
in_root "$bin" --project /opt/quickstart run --no-dbt || fail "the archive's quickstart run"
in_root "$bin" --project /opt/quickstart status --format json >"$work/tar-status.json" || true
check_status_json "$work/tar-status.json" "archive"

echo "== package test: $(basename "$deb") by apt in the clean root =="
cp "$deb" "$root/tmp/"
in_root apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive in_root apt-get install -y -q --no-install-recommends \
  "/tmp/$(basename "$deb")" >"$work/apt.log" 2>&1 || { tail -20 "$work/apt.log" >&2; fail "apt install of the .deb"; }
got=$(in_root tributary --version) || fail "the installed package does not start"
[ "$got" = "tributary $version" ] || fail "--version printed '$got'"
[ "$(in_root sh -c 'command -v tributary')" = /usr/bin/tributary ] || fail "tributary is not /usr/bin/tributary"
in_root cp -r /usr/share/tributary/examples/quickstart /tmp/quickstart
cp "$root/opt/quickstart/data/shop.db" "$root/tmp/quickstart/data/"
in_root tributary --project /tmp/quickstart run --no-dbt || fail "the package's quickstart run"
in_root tributary --project /tmp/quickstart status --format json >"$work/deb-status.json" || true
check_status_json "$work/deb-status.json" "deb"

echo "== package test: $(basename "$wheel") in a fresh virtual environment =="
python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --no-index "$wheel" || fail "pip install of the wheel"
got=$("$work/venv/bin/tributary" --version) || fail "the wheel's tributary command"
[ "$got" = "tributary $version" ] || fail "--version printed '$got'"
binary=$(ls "$work"/venv/lib/python3*/site-packages/tributary_engine/bin/tributary)
# Each library resolves inside the environment, except glibc's and the C++ runtime.
outside=$(ldd "$binary" | awk '$2 == "=>" {print $1, $3}' |
  grep -v " $work/venv/" | grep -Ev '^(libc|libm|libdl|libpthread|librt|libresolv|libstdc\+\+|libgcc_s)\.so' || true)
[ -z "$outside" ] || fail "the wheel's binary loads libraries from outside the environment: $outside"
quickstart "$work/quickstart"
"$work/venv/bin/tributary" --project "$work/quickstart" run --no-dbt || fail "the wheel's quickstart run"
"$work/venv/bin/tributary" --project "$work/quickstart" status --format json >"$work/wheel-status.json" || true
check_status_json "$work/wheel-status.json" "wheel"
# A failing command's status comes through the launcher unchanged.
set +e
"$work/venv/bin/tributary" --project "$work/quickstart" run --tables no_such_table >/dev/null 2>&1
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "a filter that selects nothing exited $rc through the wheel's launcher, not 2"

echo "package test: archive, .deb and wheel install and run the quickstart"
