#!/usr/bin/env python3
"""Validates tenet's SARIF output with Microsoft's SARIF Multitool.

Checks every tests/golden/cases/*/expected.sarif, and SARIF freshly rendered
from every golden `check` case (as the case runs it, and again with
`--base-dir ..` so originalUriBaseIds is exercised):

  1. against the SARIF 2.1.0 JSON schema that the Multitool package ships,
     with the small validator below (the Multitool silently skips a file it
     cannot deserialise, e.g. one with an unknown enum value);
  2. with `Sarif.Multitool validate` and its SARIF and GitHub rule sets: any
     error or warning fails (notes are advice, e.g. "provide a snippet").

The Multitool comes from the npm package @microsoft/sarif-multitool, pinned in
tests/sarif/package.json: `npm ci --prefix tests/sarif`. Without it this test
exits 77 (skipped). It makes no network access: the one rule that would
(SARIF2006, "URIs should be reachable") is disabled in multitool-config.xml.

usage: validate.py --tenet PATH [--tools DIR]
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "..", "golden", "cases")
SKIP = 77


def find_multitool(tools):
    pkg = os.path.join(tools, "node_modules", "@microsoft", "sarif-multitool-linux")
    exe = os.path.join(pkg, "Sarif.Multitool")
    schema = os.path.join(pkg, "sarif-2.1.0.json")
    if not (os.path.isfile(exe) and os.path.isfile(schema)):
        return None, None
    if not os.access(exe, os.X_OK):  # npm may skip the package's chmod script
        os.chmod(exe, os.stat(exe).st_mode | 0o100)
    return exe, schema


# --- A JSON Schema validator for the keywords the SARIF schema uses. ---

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}
IGNORED = {"description", "default", "format", "title", "$schema", "$id", "id", "definitions"}
KNOWN = IGNORED | {"$ref", "type", "enum", "properties", "additionalProperties", "required",
                   "items", "minItems", "uniqueItems", "minimum", "maximum", "pattern",
                   "anyOf", "oneOf"}


def check(root, schema, value, path, errors):
    unknown = set(schema) - KNOWN
    if unknown:
        raise SystemExit(f"schema keyword(s) {sorted(unknown)} not supported by validate.py")
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        check(root, root["definitions"][name], value, path, errors)
    t = schema.get("type")
    if t is not None:
        types = t if isinstance(t, list) else [t]
        if not any(TYPES[x](value) for x in types):
            errors.append(f"{path}: expected {t}, got {type(value).__name__}")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {value!r} is not one of {schema['enum']}")
    if isinstance(value, dict):
        props = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{path}: required property '{key}' is missing")
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            if key in props:
                check(root, props[key], v, f"{path}.{key}", errors)
            elif extra is False:
                errors.append(f"{path}: property '{key}' is not allowed")
            elif isinstance(extra, dict):
                check(root, extra, v, f"{path}.{key}", errors)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if schema.get("uniqueItems"):
            seen = [json.dumps(v, sort_keys=True) for v in value]
            if len(seen) != len(set(seen)):
                errors.append(f"{path}: items are not unique")
        if "items" in schema:
            for i, v in enumerate(value):
                check(root, schema["items"], v, f"{path}[{i}]", errors)
    if TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} is less than {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} is more than {schema['maximum']}")
    if isinstance(value, str) and "pattern" in schema and not re.search(schema["pattern"], value):
        errors.append(f"{path}: {value!r} does not match {schema['pattern']}")
    for key in ("anyOf", "oneOf"):
        if key in schema:
            ok = 0
            for alt in schema[key]:
                errs = []
                check(root, alt, value, path, errs)
                ok += not errs
            if (key == "anyOf" and ok == 0) or (key == "oneOf" and ok != 1):
                errors.append(f"{path}: matches {ok} of the {key} alternatives")


# --- Inputs ---

def rendered(tenet, outdir):
    """Renders SARIF for every golden `check` case; returns the file paths."""
    out = []
    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_REGION", "AWS_DEFAULT_REGION", "NO_COLOR")}
    for name in sorted(os.listdir(CASES)):
        case = os.path.join(CASES, name)
        args_path = os.path.join(case, "args")
        if not os.path.isfile(args_path):
            continue
        with open(args_path, encoding="utf-8") as f:
            args = shlex.split(f.read())
        if not args or args[0] != "check":
            continue
        stdin_path = os.path.join(case, "stdin")
        stdin = open(stdin_path, "rb").read() if os.path.exists(stdin_path) else b""
        for label, extra in (("", []), ("-base-dir", ["--base-dir", ".."])):
            argv = [tenet, "check", "--format", "sarif"] + extra + args[1:]
            proc = subprocess.run(argv, cwd=case, env=env, input=stdin, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, timeout=60)
            if proc.returncode not in (0, 1, 2):
                raise SystemExit(f"{name}: tenet exited {proc.returncode}\n"
                                 f"{proc.stderr.decode('utf-8', 'replace')}")
            if not proc.stdout.strip():
                continue  # a usage error prints nothing on stdout
            path = os.path.join(outdir, f"{name}{label}.sarif")
            with open(path, "wb") as f:
                f.write(proc.stdout)
            out.append(path)
    return out


def main():
    ap = argparse.ArgumentParser(description="validate tenet's SARIF output")
    ap.add_argument("--tenet", required=True, help="the tenet binary")
    ap.add_argument("--tools", default=HERE, help="where `npm ci` installed the Multitool")
    args = ap.parse_args()
    exe, schema_path = find_multitool(args.tools)
    if not exe:
        print("SKIP: the SARIF Multitool is not installed (npm ci --prefix tests/sarif)")
        return SKIP
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)

    with tempfile.TemporaryDirectory(prefix="tenet-sarif-") as tmp:
        files = sorted(os.path.join(CASES, c, "expected.sarif") for c in os.listdir(CASES)
                       if os.path.isfile(os.path.join(CASES, c, "expected.sarif")))
        files += rendered(os.path.abspath(args.tenet), tmp)
        failed = set()
        for path in files:
            errors = []
            try:
                with open(path, encoding="utf-8") as f:
                    check(schema, schema, json.load(f), "$", errors)
            except ValueError as e:
                errors.append(f"not JSON: {e}")
            for e in errors:
                print(f"{path}: schema: {e}")
            if errors:
                failed.add(path)

        log = os.path.join(tmp, "validation.sarif")
        env = dict(os.environ, DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="1",
                   DOTNET_CLI_TELEMETRY_OPTOUT="1")
        cmd = [exe, "validate", "--output", log, "--log", "ForceOverwrite",
               "--config", os.path.join(HERE, "multitool-config.xml"),
               "--json-schema", schema_path, "--rule-kind", "Sarif;Gh"] + files
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=600)
        if proc.returncode != 0 or not os.path.isfile(log):
            print(proc.stdout.decode("utf-8", "replace"))
            print(f"FAIL: the Multitool exited {proc.returncode}")
            return 1
        with open(log, encoding="utf-8") as f:
            run = json.load(f)["runs"][0]
        for n in (run.get("invocations") or [{}])[0].get("toolExecutionNotifications", []):
            if n.get("level", "warning") == "error":
                print(f"FAIL: Multitool: {n.get('message', {}).get('text')}")
                return 1
        for res in run.get("results", []):
            level = res.get("level", "warning")  # SARIF's default level
            if level not in ("error", "warning"):
                continue
            loc = res["locations"][0]["physicalLocation"]
            uri = loc["artifactLocation"]["uri"]
            uri = uri[len("file://"):] if uri.startswith("file://") else uri
            line = loc.get("region", {}).get("startLine", 0)
            msg = res["message"].get("text") or " ".join(res["message"].get("arguments", []))
            print(f"{uri}:{line}: {level} {res.get('ruleId')}: {msg}")
            failed.add(uri)
        print(f"{len(files) - len(failed)} passed, {len(failed)} failed")
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
