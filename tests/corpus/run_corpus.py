#!/usr/bin/env python3
"""Smoke test: run `tenet check` on every file of a corpus directory.

Fails on a crash (a signal), a timeout, or an exit code above 2; prints one
line per file. When the directory does not exist it prints
"corpus not found, skipped" and exits 77 (ctest SKIP_RETURN_CODE).

usage: run_corpus.py --tenet PATH/TO/tenet [--timeout 10] [--input-format FMT] DIR

--input-format is passed to `tenet check` (e.g. `auto` for the requests
corpus, whose .txt files a directory walk would not pick).
"""
import argparse
import os
import signal
import subprocess
import sys

SKIP = 77


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tenet", required=True, help="the tenet binary")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per file")
    ap.add_argument("--input-format", help="passed to tenet check (auto, aws-cli, ...)")
    ap.add_argument("dir", help="corpus directory (e.g. $TENET_CORPUS_DIR/cfn)")
    args = ap.parse_args()

    if not os.path.isdir(args.dir):
        print("corpus not found, skipped")
        return SKIP

    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_REGION", "AWS_DEFAULT_REGION")}
    files = sorted(f for f in os.listdir(args.dir)
                   if os.path.isfile(os.path.join(args.dir, f)) and not f.endswith(".md"))
    fmt = ["--input-format", args.input_format] if args.input_format else []
    bad = 0
    counts = {}
    for name in files:
        path = os.path.join(args.dir, name)
        try:
            proc = subprocess.run([args.tenet, "check", "--color=never"] + fmt + [path],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  stdin=subprocess.DEVNULL, env=env, timeout=args.timeout)
        except subprocess.TimeoutExpired:
            print(f"TIMEOUT  {name} (> {args.timeout:g} s)")
            bad += 1
            continue
        rc = proc.returncode
        if rc < 0:
            try:
                sig = signal.Signals(-rc).name
            except ValueError:
                sig = f"signal {-rc}"
            print(f"CRASH    {name} ({sig})")
            bad += 1
        elif rc > 2:
            err = proc.stderr.decode("utf-8", "replace").strip().splitlines()
            print(f"BAD      {name} (exit {rc}{': ' + err[-1] if err else ''})")
            bad += 1
        else:
            print(f"ok       {name} (exit {rc})")
            counts[rc] = counts.get(rc, 0) + 1
    summary = ", ".join(f"{n} exit {rc}" for rc, n in sorted(counts.items()))
    print(f"{len(files)} files: {summary or 'none ok'}; {bad} crashed, timed out or bad")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
