"""`python3 -m tenet`: the binding's command-line driver (bindings/README.md).

Prints the report JSON like `tenet check --format json`, so the same-answers
test can compare the binding with the CLI. Not a replacement for the CLI.
"""
import argparse
import json
import sys

import tenet

def _parse(argv):
    ap = argparse.ArgumentParser(prog="python3 -m tenet",
                                 description="check files with the tenet Python binding; JSON on stdout")
    ap.add_argument("--region", action="append", default=[],
                    help="region (repeatable, or a comma list)")
    ap.add_argument("--param", action="append", default=[], metavar="K=V")
    ap.add_argument("--input-format")
    ap.add_argument("--operation")
    ap.add_argument("--rules", help="rules file (default: the built-in packs)")
    ap.add_argument("files", nargs="+", metavar="FILE", help="input file, or - for stdin")
    args = ap.parse_args(argv)
    params = {}
    for p in args.param:
        name, eq, value = p.partition("=")
        if not eq or not name:
            ap.error(f"--param expects NAME=VALUE, got '{p}'")
        params[name] = value
    regions = []
    for r in args.region:
        regions += [x for x in r.split(",") if x and x not in regions]
    return args, params, regions


def main(argv=None):
    args, params, regions = _parse(sys.argv[1:] if argv is None else argv)
    try:
        rules = tenet.Rules.load(args.rules) if args.rules else tenet.Rules.builtin()
    except tenet.RulesError as e:
        print(f"python3 -m tenet: error: {e}", file=sys.stderr)
        return 2
    merged = None
    failed = False
    with rules:
        for path in args.files:
            try:
                if path == "-":
                    name, data = "<stdin>", sys.stdin.buffer.read()
                else:
                    with open(path, "rb") as f:
                        name, data = path, f.read()
            except OSError as e:
                print(f"python3 -m tenet: error: {path}: {e.strerror}", file=sys.stderr)
                return 2
            try:
                report = rules.check(data, filename=name, regions=regions or None,
                                     params=params or None, input_format=args.input_format,
                                     operation=args.operation)
            except tenet.InputError as e:
                report, failed = e.report, True
            except tenet.OptionsError as e:
                print(f"python3 -m tenet: error: {e}", file=sys.stderr)
                return 2
            obj = report.to_dict()
            if merged is None:
                merged = obj
            else:
                merged["diagnostics"] += obj["diagnostics"]
                merged["input_errors"] += obj["input_errors"]
                for k, v in obj["summary"].items():  # every count adds up across files
                    if isinstance(v, int):
                        merged["summary"][k] = merged["summary"].get(k, 0) + v
    if len(args.files) == 1:
        sys.stdout.write(report.json)  # the library's rendering, byte for byte
    else:
        sys.stdout.write(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    if failed or merged["summary"]["input_errors"]:
        return 2
    return 1 if merged["summary"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
