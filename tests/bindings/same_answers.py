#!/usr/bin/env python3
"""Same answers everywhere: the CLI and every binding judge the golden inputs alike.

Each `check` case of tests/golden/cases (and each file of examples/) is run
through `tenet check --format json` and through each binding's driver
(bindings/README.md, "Command-line drivers"); the diagnostics, input errors
and summary are compared field by field, and so are the exit codes.

  Python  python3 -m tenet (PYTHONPATH=bindings/python; never skipped)
  Go      bindings/go/cmd/tenet-json, built once with GOPROXY=off GOFLAGS=-mod=mod
  Node    node bindings/node/tools/check-json.js
A binding whose toolchain, driver or build is absent is skipped with a note.

usage: same_answers.py --tenet CLI --build BUILD_DIR [--bindings python,go,node] [CASE_DIR...]
The Python binding loads $TENET_LIBRARY (default BUILD_DIR/src/libtenet.so).
Exit: 0 all compared alike, 1 a difference or a binding failure.
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CASES = os.path.join(ROOT, "tests", "golden", "cases")
EXAMPLES = os.path.join(ROOT, "examples")

# The documented diagnostic fields (README "JSON output"): all must agree.
FIELDS = ["rule", "severity", "verdict", "message", "fix", "reason", "file", "line", "column",
          "end_line", "end_column", "path", "subject", "kind", "operation", "region", "regions",
          "scenario", "source", "suppressed", "suppression"]
INPUT_ERROR_FIELDS = ["file", "line", "column", "code", "message"]

SUMMARY_FIELDS = ["files", "subjects", "errors", "warnings", "infos", "input_errors", "suppressed"]

# CLI options a driver takes (with a value), and ones that change only how the
# CLI prints or schedules (dropped). Any other option makes a case incomparable.
PASSED = {"--region", "--param", "--input-format", "--operation", "--rules"}
OUTPUT_ONLY_VALUE = {"--format", "--color", "--base-dir", "-j", "--jobs"}
OUTPUT_ONLY_FLAG = {"-q", "--quiet", "--no-config"}


def clean_env(extra=None):
    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_REGION", "AWS_DEFAULT_REGION", "NO_COLOR")}
    env.update(extra or {})
    return env


class Case:
    def __init__(self, name, cwd, options, paths, stdin=b""):
        self.name, self.cwd, self.options, self.paths, self.stdin = name, cwd, options, paths, stdin


def golden_case(case_dir, cli_has_no_config):
    """A Case from a golden case directory, or (None, why it is not comparable).
    A project configuration (.tenet.yaml, --config) is read by the CLI only;
    the CLI runs with --no-config so that both sides judge without one."""
    name = os.path.basename(case_dir.rstrip("/"))
    with open(os.path.join(case_dir, "args"), encoding="utf-8") as f:
        argv = shlex.split(f.read())
    if not argv or argv[0] != "check":
        return None, "not a check case"
    options, paths, dropped = [], [], []
    i = 1
    while i < len(argv):
        a = argv[i]
        key, eq, val = a.partition("=") if a.startswith("--") else (a, "", "")
        if key in PASSED or key in OUTPUT_ONLY_VALUE:
            if not eq:
                i += 1
                val = argv[i] if i < len(argv) else ""
            if key in PASSED:
                options += [key, val]
        elif key in OUTPUT_ONLY_FLAG:
            pass
        elif key == "--config":
            return None, "uses --config (configuration is the CLI's, not the bindings')"
        elif a.startswith("-") and a != "-":
            return None, f"uses {a}, which the drivers do not take"
        elif a == "-":
            paths.append(a)
        else:
            full = os.path.join(case_dir, a)
            if os.path.isfile(full):
                paths.append(a)
            else:
                dropped.append(a)
        i += 1
    if not paths:
        return None, "reads no file (" + ", ".join(dropped or ["no path"]) + ")"
    if not cli_has_no_config and os.path.exists(os.path.join(case_dir, ".tenet.yaml")):
        return None, "has a .tenet.yaml and this CLI has no --no-config"
    stdin_path = os.path.join(case_dir, "stdin")
    stdin = b""
    if os.path.exists(stdin_path):
        with open(stdin_path, "rb") as f:
            stdin = f.read()
    note = f" (without unreadable {', '.join(dropped)})" if dropped else ""
    return Case(name + note, case_dir, options, paths, stdin), None


def example_cases():
    out = []
    if os.path.isdir(EXAMPLES):
        for f in sorted(os.listdir(EXAMPLES)):
            if f.endswith((".yaml", ".yml", ".json")):
                for region in ("us-east-1", "all"):
                    out.append(Case(f"examples/{f} --region {region}", EXAMPLES,
                                    ["--region", region], [f]))
    return out


def run(cmd, case, env):
    proc = subprocess.run(cmd, cwd=case.cwd, env=env, input=case.stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


# --- drivers ---------------------------------------------------------------

class Driver:
    name = "?"

    def __init__(self, args):
        self.args = args

    def available(self):
        """None when usable, else why not (the binding is then skipped)."""
        return None

    def command(self, case):
        raise NotImplementedError

    env = None


class PythonDriver(Driver):
    name = "python"

    def __init__(self, args):
        super().__init__(args)
        self.env = clean_env({"PYTHONPATH": os.path.join(ROOT, "bindings", "python"),
                              "TENET_LIBRARY": args.library})

    def command(self, case):
        return [sys.executable, "-m", "tenet"] + case.options + case.paths


class GoDriver(Driver):
    name = "go"

    def __init__(self, args):
        super().__init__(args)
        self.dir = os.path.join(ROOT, "bindings", "go")
        self.exe = None
        self.tmp = None
        libdir = os.path.join(args.build, "src")
        self.env = clean_env({
            "GOPROXY": "off", "GOFLAGS": "-mod=mod", "CGO_ENABLED": "1",
            "PKG_CONFIG_PATH": os.pathsep.join(
                p for p in (args.build, os.environ.get("PKG_CONFIG_PATH")) if p),
            "CGO_CFLAGS": f"-I{os.path.join(ROOT, 'include')} -I{os.path.join(args.build, 'include')}",
            "CGO_LDFLAGS": f"-L{libdir} -ltenet",
            "LD_LIBRARY_PATH": os.pathsep.join(
                p for p in (libdir, os.environ.get("LD_LIBRARY_PATH")) if p),
        })

    def available(self):
        go = shutil.which("go")
        if not go:
            return "no go toolchain on PATH"
        if not os.path.isdir(os.path.join(self.dir, "cmd", "tenet-json")):
            return "bindings/go/cmd/tenet-json is absent"
        # Built once (equivalent to `go run`, without recompiling per case).
        self.tmp = tempfile.mkdtemp(prefix="tenet-go-")
        exe = os.path.join(self.tmp, "tenet-json")
        cmd = [go, "build", "-o", exe]
        # Without the build tree's .pc file, link through CGO_* flags instead.
        if not os.path.exists(os.path.join(self.args.build, "tenet-uninstalled.pc")) and \
                not os.path.exists(os.path.join(self.args.build, "tenet.pc")):
            cmd += ["-tags", "tenet_nopkgconfig"]
        proc = subprocess.run(cmd + ["./cmd/tenet-json"], cwd=self.dir, env=self.env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=600)
        if proc.returncode != 0:
            raise RuntimeError("go build ./cmd/tenet-json failed:\n"
                               + proc.stdout.decode("utf-8", "replace"))
        self.exe = exe
        return None

    def command(self, case):
        return [self.exe] + case.options + case.paths


class NodeDriver(Driver):
    name = "node"

    def __init__(self, args):
        super().__init__(args)
        self.dir = os.path.join(ROOT, "bindings", "node")
        self.script = os.path.join(self.dir, "tools", "check-json.js")
        libdir = os.path.join(args.build, "src")
        self.env = clean_env({"LD_LIBRARY_PATH": os.pathsep.join(
            p for p in (libdir, os.environ.get("LD_LIBRARY_PATH")) if p),
            "TENET_LIBRARY": args.library})
        # The addon built by this build tree, when there is one (else the
        # binding's own default, bindings/node/build/tenet.node).
        addon = os.path.join(args.build, "bindings", "node", "tenet.node")
        if os.path.exists(addon):
            self.env["TENET_NODE_ADDON"] = addon
        self.node = shutil.which("node") or shutil.which("nodejs")

    def available(self):
        if not self.node:
            return "no node on PATH"
        if not os.path.exists(self.script):
            return "bindings/node/tools/check-json.js is absent"
        proc = subprocess.run([self.node, "-e", f"require({json.dumps(self.dir)})"],
                              env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              timeout=120)
        if proc.returncode != 0:
            last = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
            return "the addon is not built (" + (last[0] if last else "require failed") + ")"
        return None

    def command(self, case):
        return [self.node, self.script] + case.options + case.paths


DRIVERS = {"python": PythonDriver, "go": GoDriver, "node": NodeDriver}


# --- comparison ------------------------------------------------------------

def compare_list(label, what, want, got, fields, notes):
    problems = []
    if len(want) != len(got):
        problems.append(f"{label}: {len(got)} {what}, the CLI has {len(want)}")
    for i, (w, g) in enumerate(zip(want, got)):
        for f in fields:
            if f not in g:
                problems.append(f"{label}: {what}[{i}] has no field {f!r}")
            elif w.get(f) != g.get(f):
                problems.append(f"{label}: {what}[{i}].{f}: CLI {w.get(f)!r}, binding {g.get(f)!r}")
        for f in sorted(set(w) - set(fields)):
            if f not in g:
                notes.add(f"{label.split(':')[0]}: {what} field {f!r} (not in the documented "
                          "schema) is not passed through")
            elif w[f] != g[f]:
                problems.append(f"{label}: {what}[{i}].{f}: CLI {w[f]!r}, binding {g[f]!r}")
    return problems


def compare(label, cli, out, notes):
    problems = []
    for key in ("tenet", "schema"):
        if cli.get(key) != out.get(key):
            problems.append(f"{label}: {key}: CLI {cli.get(key)!r}, binding {out.get(key)!r}")
    problems += compare_list(label, "diagnostics", cli.get("diagnostics", []),
                             out.get("diagnostics", []), FIELDS, notes)
    problems += compare_list(label, "input_errors", cli.get("input_errors", []),
                             out.get("input_errors", []), INPUT_ERROR_FIELDS, notes)
    problems += compare_list(label, "summary", [cli.get("summary") or {}],
                             [out.get("summary") or {}], SUMMARY_FIELDS, notes)
    return problems


def cli_takes(cli, option):
    proc = subprocess.run([cli, "check", "--help"], stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, timeout=60)
    return option in proc.stdout.decode("utf-8", "replace")


def run_case(case, cli, drivers, notes, no_config):
    """Returns (number of comparisons made, problems)."""
    argv = [cli, "check", "--format", "json"] + (["--no-config"] if no_config else []) \
        + case.options + case.paths
    crc, cout, cerr = run(argv, case, clean_env())
    cli_json = None
    if cout.strip():
        try:
            cli_json = json.loads(cout)
        except ValueError:
            return 0, [f"{case.name}: the CLI printed invalid JSON"]
    problems, compared = [], 0
    for d in drivers:
        label = f"{d.name} {case.name}"
        rc, out, err = run(d.command(case), case, d.env)
        compared += 1
        if rc != crc:
            problems.append(f"{label}: exit {rc}, the CLI exits {crc}\n"
                            f"  binding stderr: {err.decode('utf-8', 'replace').strip()}")
        if cli_json is None:
            # A usage or rules error: nothing on stdout, from anyone.
            if out.strip():
                problems.append(f"{label}: printed a report where the CLI printed none")
            continue
        try:
            got = json.loads(out)
        except ValueError:
            problems.append(f"{label}: invalid JSON on stdout (exit {rc}):\n"
                            f"  {out[:300]!r}\n  stderr: {err.decode('utf-8', 'replace')[:500]}")
            continue
        problems += compare(label, cli_json, got, notes)
    return compared, problems


def python_rules_error(case, cli, library):
    """A case with --rules whose rules fail: the Python RulesError must carry
    the CLI's file, line, column and message (field by field, in-process)."""
    if "--rules" not in case.options:
        return []
    rules_path = case.options[case.options.index("--rules") + 1]
    _, _, cerr = run([cli, "rules", "--rules", rules_path], case, clean_env())
    m = re.match(r"^(.*?):(\d+):(\d+): error: (.*)$", cerr.decode("utf-8", "replace").strip())
    if not m:
        return []
    sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))
    os.environ["TENET_LIBRARY"] = library
    import tenet
    try:
        tenet.Rules.load(os.path.join(case.cwd, rules_path)).close()
    except tenet.RulesError as e:
        got = (os.path.basename(e.source or ""), e.line, e.column, e.message)
        want = (os.path.basename(m.group(1)), int(m.group(2)), int(m.group(3)), m.group(4))
        return [] if got == want else [f"python {case.name}: RulesError {got}, CLI {want}"]
    return [f"python {case.name}: the rules loaded, the CLI rejects them"]


def main():
    ap = argparse.ArgumentParser(description="CLI and bindings give the same answers")
    ap.add_argument("--tenet", required=True, help="the tenet CLI binary")
    ap.add_argument("--build", required=True, help="the CMake build directory")
    ap.add_argument("--bindings", default="python,go,node")
    ap.add_argument("cases", nargs="*", help="golden case directories (default: all, and examples/)")
    args = ap.parse_args()
    args.tenet = os.path.abspath(args.tenet)
    args.build = os.path.abspath(args.build)
    args.library = os.path.abspath(os.environ.get("TENET_LIBRARY")
                                   or os.path.join(args.build, "src", "libtenet.so"))

    no_config = cli_takes(args.tenet, "--no-config")
    cases, skipped_cases = [], []
    dirs = args.cases or sorted(os.path.join(CASES, d) for d in os.listdir(CASES)
                                if os.path.isdir(os.path.join(CASES, d)))
    for d in dirs:
        case, why = golden_case(os.path.abspath(d), no_config)
        if case:
            cases.append(case)
        elif why != "not a check case":
            skipped_cases.append(f"{os.path.basename(d)}: {why}")
    if not args.cases:
        cases += example_cases()

    drivers, failures = [], []
    for name in args.bindings.split(","):
        d = DRIVERS[name](args)
        try:
            why = d.available()
        except RuntimeError as e:
            failures.append(f"{name}: {e}")
            continue
        if why and name == "python":
            failures.append(f"python: {why}")
        elif why:
            print(f"SKIP {name} binding: {why}")
        else:
            drivers.append(d)

    notes, compared = set(), 0
    for case in cases:
        n, problems = run_case(case, args.tenet, drivers, notes, no_config)
        if any(d.name == "python" for d in drivers):
            problems += python_rules_error(case, args.tenet, args.library)
        compared += n
        failures += problems
        print(f"{'FAIL' if problems else 'ok  '} {case.name}")
    for s in skipped_cases:
        print(f"not compared: {s}")
    for n in sorted(notes):
        print(f"note: {n}")
    for d in drivers:
        if getattr(d, "tmp", None):
            shutil.rmtree(d.tmp, ignore_errors=True)
    for f in failures:
        print(f)
    used = ", ".join(d.name for d in drivers) or "none"
    print(f"{len(cases)} cases x bindings [{used}]: {compared} comparisons, "
          f"{len(failures)} problem(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
