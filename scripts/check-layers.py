#!/usr/bin/env python3
"""Fails when a file in src/ includes a header its room may not use.

The rooms and what each may include are the table in src/README.md; this is
that table as code. A room is a top-level folder of src/ (`engine`) or a
connector folder inside one (`source/postgres`, `clients/duckdb`). Usage:
scripts/check-layers.py [SRC_DIR]. Prints every backward edge as
file:line: room -> room, and exits 1 if there is one.
"""
import os
import re
import sys

# room -> rooms it may include besides itself. "<db>" stands for the file's
# own connector folder name; "source/<db>" may use "clients/<db>" of the same
# database only.
ALLOWED = {
    "common": set(),
    "data": {"common"},
    "cron": {"common"},
    "config": {"common", "data", "cron", "store"},
    "clients/*": {"common", "data"},
    "store": {"common", "data", "clients/http"},
    "source": {"common", "data", "config"},
    "source/*": {"source", "clients/<db>", "common", "data", "config"},
    "sink": {"common", "data", "config"},
    "sink/*": {"sink", "clients/<db>", "common", "data", "config"},
    "strategy": {"source", "sink", "common", "data", "config"},
    "engine": {"strategy", "source", "sink", "common", "data", "config", "cron"},
    "schedule": {"engine", "config", "cron", "common", "data"},
    "dbt": {"common", "data", "cron", "config", "sink"},
    "powerbi": {"common", "data", "cron", "config", "sink", "dbt", "clients/http"},
    "serve": {"engine", "sink", "dbt", "powerbi", "config", "cron", "common", "data"},
    "cli": {"common", "data", "cron", "config", "source", "sink", "strategy", "engine",
            "schedule", "dbt", "powerbi", "store", "serve"},
}
# Declared families: a connector built on another one's code.
FAMILIES = {
    "source/sqlserver": {"source/odbc"},
    "sink/delta": {"clients/duckdb", "sink/duckdb", "store"},
}
# The one file that binds connector kinds to implementations.
BINDER = "engine/connectors.cc"
CONNECTOR_ROOTS = ("source", "sink", "clients")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def room_of(path, src):
    """'source/postgres/x.h' -> 'source/postgres'; 'engine/x.h' -> 'engine'."""
    parts = path.split("/")
    if parts[0] in CONNECTOR_ROOTS and len(parts) > 2 and os.path.isdir(
            os.path.join(src, parts[0], parts[1])):
        return parts[0] + "/" + parts[1]
    return parts[0]


def allowed(file_room, target_room, rel):
    if target_room == file_room:
        return True
    if rel == BINDER and target_room.split("/")[0] in ("source", "sink"):
        return True
    if target_room in FAMILIES.get(file_room, set()):
        return True
    top, _, db = file_room.partition("/")
    rules = ALLOWED.get(top + "/*" if db else top)
    if rules is None:
        return False
    rules = {r.replace("<db>", db) for r in rules}
    return target_room in rules


def main():
    src = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "src")
    bad = 0
    for d, _, files in sorted(os.walk(src)):
        for f in sorted(files):
            if not f.endswith((".h", ".cc")):
                continue
            path = os.path.join(d, f)
            rel = os.path.relpath(path, src)
            file_room = room_of(rel, src)
            for n, line in enumerate(open(path, encoding="utf-8"), 1):
                m = INCLUDE.match(line)
                if not m or "/" not in m.group(1):
                    continue
                target = room_of(m.group(1), src)
                if not allowed(file_room, target, rel):
                    print(f"src/{rel}:{n}: {file_room} may not include {m.group(1)} ({target})")
                    bad += 1
    if bad:
        print(f"check-layers: {bad} include(s) break the room rules of src/README.md", file=sys.stderr)
        return 1
    print("check-layers: every include follows the room rules")
    return 0


sys.exit(main())
