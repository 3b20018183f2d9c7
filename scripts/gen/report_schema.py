#!/usr/bin/env python3
"""Drafts schema/<command>.schema.json (JSON Schema 2020-12) from the reports of the runs in
scripts/checks/report_runs.py, and writes schema/lock.json (schema_version + SHA-256 of the
schema files). Run from the repository root after a release build:
    python3 scripts/gen/report_schema.py [--exe .build/release/cofail]

Inference: an object's properties are the union of the keys seen, required are those seen in
every instance (never a `<key>_reason`, which accompanies only undefined values), and no other key
is allowed; arrays take the merged schema of their elements. The data section, built by one
function for every command, gets one schema from all commands' data sections; `inputs` keys are
never required (a report made by merge echoes other inputs than a direct run).
Every number and boolean may also be null, with an optional sibling `<key>_reason` string
(METHODS: undefined values are null with a reason), so data that makes a quantity undefined
still validates; a key only ever seen as null (an option not given) accepts any value. The drafts are then the contract: a key added, renamed or removed in a report
fails scripts/checks/schema.py until the schemas are regenerated — and the generator refuses to
write new schemas under an unchanged schema_version.
"""
import argparse
import hashlib
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "checks"))
import report_runs  # noqa: E402

SCHEMA_DIR = "schema"


def kind(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def infer(values):
    """A schema accepting every value in `values`."""
    kinds = {kind(v) for v in values}
    objects = [v for v in values if isinstance(v, dict)]
    arrays = [v for v in values if isinstance(v, list)]
    scalars = kinds - {"object", "array"}
    if "integer" in scalars and "number" in scalars:
        scalars.discard("integer")
    if scalars & {"number", "integer", "boolean"}:
        scalars.add("null")
    out = {}
    if objects:
        keys = []
        for o in objects:
            for k in o:
                if k not in keys:
                    keys.append(k)
        props = {k: infer([o[k] for o in objects if k in o]) for k in keys}
        for k in keys:
            types = props[k].get("type", [])
            if (isinstance(types, list) and ("number" in types or "boolean" in types or "integer" in types)
                    and k + "_reason" not in props):
                props[k + "_reason"] = {"type": "string"}
        required = [k for k in keys if all(k in o for o in objects) and not k.endswith("_reason")]
        out_obj = {"type": "object", "properties": props, "required": required, "additionalProperties": False}
        if not scalars and not arrays:
            return out_obj
        out.setdefault("anyOf", []).append(out_obj)
    if arrays:
        items = [x for a in arrays for x in a]
        arr = {"type": "array", "items": infer(items) if items else {}}
        if not scalars and not objects:
            return arr
        out.setdefault("anyOf", []).append(arr)
    if scalars == {"null"} and not objects and not arrays:
        # only ever null in the runs: its type is unknown here, so any value is accepted
        return {}
    if scalars:
        order = ["null", "boolean", "integer", "number", "string"]
        sc = {"type": sorted(scalars, key=order.index)}
        if not objects and not arrays:
            return sc
        out.setdefault("anyOf", []).append(sc)
    return out


def schema_files():
    return sorted(f for f in os.listdir(SCHEMA_DIR) if f.endswith(".schema.json"))


def digest():
    h = hashlib.sha256()
    for f in schema_files():
        h.update(f.encode() + b"\0")
        with open(os.path.join(SCHEMA_DIR, f), "rb") as fh:
            h.update(fh.read())
    return h.hexdigest()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--exe", default=".build/release/cofail")
    a = ap.parse_args()
    by_command = {}
    version = None
    for command, _, report in report_runs.reports(a.exe):
        by_command.setdefault(command, []).append(report)
        version = report["schema_version"]
    lock_path = os.path.join(SCHEMA_DIR, "lock.json")
    old = json.load(open(lock_path)) if os.path.exists(lock_path) else None
    os.makedirs(SCHEMA_DIR, exist_ok=True)
    # the data section is one builder's output for every command: one schema for all of them
    data = infer([r["data"] for reports in by_command.values() for r in reports if "data" in r])
    for command, reports in by_command.items():
        s = infer(reports)
        if "data" in s["properties"]:
            s["properties"]["data"] = data
        # a report's inputs echo how it was run (directly, or by merge from unit files): none is required
        s["properties"]["inputs"]["required"] = []
        s["properties"]["schema_version"] = {"const": version}
        s["properties"]["command"] = {"const": command}
        name = command.replace(" ", "-")
        doc = {"$schema": "https://json-schema.org/draft/2020-12/schema",
               "$id": "https://github.com/cofail/cofail/schema/%s.schema.json" % name,
               "title": "cofail %s report, schema_version %s" % (command, version)}
        doc.update(s)
        with open(os.path.join(SCHEMA_DIR, name + ".schema.json"), "w") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write("\n")
    new = digest()
    if old and old["sha256"] != new and old["schema_version"] == version:
        sys.exit("report_schema: the schemas changed but schema_version is still %s: bump reportSchemaVersion "
                 "in Sources/CoFail/Reports/Report.swift (and README), rebuild, and run this again" % version)
    with open(lock_path, "w") as f:
        json.dump({"schema_version": version, "sha256": new}, f, indent=1)
        f.write("\n")
    print("report_schema: %d schemas, schema_version %s" % (len(by_command), version))


if __name__ == "__main__":
    main()
