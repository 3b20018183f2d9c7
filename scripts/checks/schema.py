#!/usr/bin/env python3
"""Validates the JSON report of every command (the runs of report_runs.py, on the bundled data)
against schema/<command>.schema.json with jsonschema's Draft 2020-12 validator, and checks that
the schema files still hash to schema/lock.json under the version the reports carry: a report key
changed without regenerated schemas, or schemas changed without a new schema_version, fails.

Usage: scripts/checks/schema.py [--exe PATH]   (needs `jsonschema` from PyPI)
"""
import argparse
import hashlib
import json
import os
import sys

import jsonschema

sys.path.insert(0, os.path.dirname(__file__))
import report_runs  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", default=".build/debug/cofail")
    a = ap.parse_args()
    lock = json.load(open("schema/lock.json"))
    h = hashlib.sha256()
    for f in sorted(x for x in os.listdir("schema") if x.endswith(".schema.json")):
        h.update(f.encode() + b"\0")
        h.update(open(os.path.join("schema", f), "rb").read())
    failures = []
    if h.hexdigest() != lock["sha256"]:
        failures.append("schema files changed without a new lock: run scripts/gen/report_schema.py "
                        "(it asks for a schema_version bump)")
    count = 0
    for command, argv, report in report_runs.reports(a.exe):
        count += 1
        if report.get("schema_version") != lock["schema_version"]:
            failures.append("%s: schema_version %s, lock %s" % (command, report.get("schema_version"),
                                                                lock["schema_version"]))
        path = os.path.join("schema", command.replace(" ", "-") + ".schema.json")
        validator = jsonschema.Draft202012Validator(json.load(open(path)))
        for e in list(validator.iter_errors(report))[:5]:
            failures.append("%s %s: %s at %s" % (command, " ".join(argv[1:]), e.message[:200],
                                                 "/".join(str(p) for p in e.absolute_path)))
    for f in failures:
        print("FAIL " + f)
    print("schema: %d reports validated, %d failures" % (count, len(failures)))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
