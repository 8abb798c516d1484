#!/usr/bin/env python3
"""Golden CLI tests.

A case is a directory under tests/golden/cases/ holding:
  args             one line: the arguments after `tenet` (shell quoting;
                   paths relative to the case directory)
  stdin            optional: fed to the command's standard input
  expected.txt     expected stdout of `tenet ARGS`
  expected.FMT[.EXT]  expected stdout of `tenet CMD --format FMT REST`, for
                   any output format: expected.json, expected.sarif,
                   expected.junit.xml, expected.github
  expected_stderr.txt  optional: expected stderr of `tenet ARGS`
  expected_exit    optional: expected exit code (default 0)

The command runs with cwd = the case directory and without AWS_REGION,
AWS_DEFAULT_REGION and NO_COLOR in the environment. stdout (and stderr when
expected) must match exactly, and so must the exit code.

usage: run_golden.py --tenet PATH [--update [--add-format FMT]...] [CASE_DIR...]
With no CASE_DIR, runs every case. --update rewrites the expected files of
each case (expected.txt is created when a case has no expected output yet;
expected_stderr.txt when stderr is not empty; expected_exit always);
--add-format also creates the expected file of format FMT.
--wrap CMD runs tenet under a tool, e.g. --wrap "valgrind --error-exitcode=99
--leak-check=full --errors-for-leak-kinds=all": the tool's failure exit code
(anything but 0, 1 or 2) fails the case.
"""
import argparse
import difflib
import os
import shlex
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CASES = os.path.join(HERE, "cases")


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


WRAP = []  # --wrap: the command line tenet runs under (valgrind)


def run(tenet, case, argv):
    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_REGION", "AWS_DEFAULT_REGION", "NO_COLOR")}
    stdin_path = os.path.join(case, "stdin")
    stdin = read(stdin_path) if os.path.exists(stdin_path) else b""
    proc = subprocess.run(WRAP + [tenet] + argv, cwd=case, env=env, input=stdin,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=900 if WRAP else 60)
    return proc.returncode, proc.stdout, proc.stderr


def diff(name, expected, actual):
    lines = difflib.unified_diff(
        expected.decode("utf-8", "replace").splitlines(keepends=True),
        actual.decode("utf-8", "replace").splitlines(keepends=True),
        fromfile=f"{name} (expected)", tofile=f"{name} (actual)")
    return "".join(lines)


# The expected file of each --format; any other expected.FMT[.EXT] works too.
FORMAT_FILES = {"json": "expected.json", "sarif": "expected.sarif",
                "junit": "expected.junit.xml", "github": "expected.github"}


def format_argv(args, fmt):
    """`tenet CMD --format FMT REST`."""
    return args[:1] + ["--format", fmt] + args[1:]


def variants(case, args, add_formats=()):
    """(expected file, argv) pairs for the case's expected outputs."""
    out = []
    txt = os.path.join(case, "expected.txt")
    if os.path.exists(txt):
        out.append((txt, args))
    names = set(os.listdir(case)) | {FORMAT_FILES.get(f, f"expected.{f}") for f in add_formats}
    for name in sorted(names):
        parts = name.split(".")
        if parts[0] != "expected" or len(parts) < 2 or name == "expected.txt":
            continue
        out.append((os.path.join(case, name), format_argv(args, parts[1])))
    return out


def run_case(tenet, case, update, add_formats=()):
    name = os.path.basename(case.rstrip("/"))
    args = shlex.split(read(os.path.join(case, "args")).decode("utf-8"))
    exit_path = os.path.join(case, "expected_exit")
    stderr_path = os.path.join(case, "expected_stderr.txt")
    want_exit = int(read(exit_path).decode().strip()) if os.path.exists(exit_path) else 0
    todo = variants(case, args, add_formats if update else ())
    if update and not todo:
        todo = [(os.path.join(case, "expected.txt"), args)]
    ok = True
    exits = set()
    for expected_path, argv in todo:
        rc, out, err = run(tenet, case, argv)
        exits.add(rc)
        label = f"{name}/{os.path.basename(expected_path)}"
        is_text = expected_path.endswith(".txt")
        if update:
            write(expected_path, out)
            if is_text and (err or os.path.exists(stderr_path)):
                write(stderr_path, err)
            continue
        if rc < 0 or rc > 2:
            print(f"{label}: tenet crashed or failed badly (exit {rc})\n{err.decode('utf-8', 'replace')}")
            ok = False
        if rc != want_exit:
            print(f"{label}: exit code {rc}, expected {want_exit}")
            if err:
                print("stderr:\n" + err.decode("utf-8", "replace"))
            ok = False
        expected = read(expected_path)
        if out != expected:
            print(f"{label}: stdout differs\n{diff(label, expected, out)}")
            ok = False
        if is_text and os.path.exists(stderr_path) and err != read(stderr_path):
            print(f"{label}: stderr differs\n{diff(label + ' stderr', read(stderr_path), err)}")
            ok = False
    if update:
        if len(exits) > 1:
            print(f"{name}: the runs of the formats exit differently: {sorted(exits)}")
            return False
        write(exit_path, f"{exits.pop()}\n".encode())
        print(f"updated {name}")
        return True
    if not todo:
        print(f"{name}: no expected.txt or expected.FMT (run with --update)")
        ok = False
    print(f"{'PASS' if ok else 'FAIL'} golden.{name}")
    return ok


def main():
    ap = argparse.ArgumentParser(description="tenet golden CLI tests")
    ap.add_argument("--tenet", required=True, help="the tenet binary")
    ap.add_argument("--update", action="store_true", help="rewrite the expected files")
    ap.add_argument("--add-format", action="append", default=[], metavar="FMT",
                    help="with --update: also create the expected file of this --format")
    ap.add_argument("--wrap", default="", metavar="CMD",
                    help="run tenet under this command line (e.g. valgrind ...)")
    ap.add_argument("cases", nargs="*", help="case directories (default: all)")
    args = ap.parse_args()
    WRAP[:] = shlex.split(args.wrap)
    tenet = os.path.abspath(args.tenet)
    cases = args.cases or sorted(
        os.path.join(CASES, d) for d in os.listdir(CASES)
        if os.path.isdir(os.path.join(CASES, d)))
    failed = [c for c in cases
              if not run_case(tenet, os.path.abspath(c), args.update, args.add_format)]
    if len(cases) > 1:
        print(f"{len(cases) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
