#!/usr/bin/env python3
"""Writes databricks_job_schema.json: the part of the Databricks bundle JSON
schema (databricks/cli, bundle/schema/jsonschema.json) that the files of
`tributary jobs export --format databricks` touch.

Only the properties tributary writes are kept in each object (with
`additionalProperties: false` the extract is stricter than the full schema,
so output valid here is valid there); descriptions and editor hints are
dropped. Run it when tributary writes a new key or to follow a newer schema:

  extract_job_schema.py path/to/jsonschema.json > databricks_job_schema.json

job_export_schema_test.cc validates against this extract, and also against
the full schema when TRIBUTARY_DATABRICKS_SCHEMA names it.
"""
import json
import sys

WRITTEN = {
    "resources", "jobs", "name", "description", "tags", "schedule",
    "quartz_cron_expression", "timezone_id", "pause_status", "max_concurrent_runs",
    "queue", "enabled", "timeout_seconds", "tasks", "task_key", "spark_python_task",
    "python_file", "parameters", "environment_key", "existing_cluster_id",
    "environments", "spec", "environment_version", "dependencies", "depends_on",
    "dbt_task", "project_directory", "profiles_directory", "commands", "warehouse_id",
    "libraries", "pypi", "package", "run_if", "whl",
}
KEYWORDS = {"$ref", "type", "enum", "const", "properties", "required",
            "additionalProperties", "items", "oneOf", "anyOf", "allOf", "pattern"}


def prune(node, refs):
    if isinstance(node, list):
        return [prune(item, refs) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key not in KEYWORDS:
            continue
        if key == "$ref":
            refs.append(value)
            out[key] = value
        elif key == "properties":
            out[key] = {k: prune(v, refs) for k, v in value.items() if k in WRITTEN}
        elif key == "required":
            out[key] = value  # a required key tributary does not write must fail
        else:
            out[key] = prune(value, refs)
    return out


def main():
    full = json.load(open(sys.argv[1]))
    refs = []
    extract = prune({k: v for k, v in full.items() if k != "$defs"}, refs)
    done = set()
    while refs:
        ref = refs.pop()
        if ref in done:
            continue
        done.add(ref)
        path = ref[2:].split("/")  # "#/$defs/a/b" -> ["$defs", "a", "b"]
        source, target = full, extract
        for part in path[:-1]:
            source = source[part]
            target = target.setdefault(part, {})
        target[path[-1]] = prune(source[path[-1]], refs)
    json.dump(extract, sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")


main()
