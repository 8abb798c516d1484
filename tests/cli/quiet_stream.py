#!/usr/bin/env python3
"""`tenet check -q`: the report is written in pieces as it is rendered, and
--quiet text must still drop exactly the summary line at its end, however
the pieces fall. Checks a generated template whose text report spans
several 64 KiB pieces, and small ones, against the full report.

  quiet_stream.py --tenet build/tenet --workdir DIR
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
import gen_cfn  # noqa: E402

INFO = re.compile(r"^[^\n]*:\d+:\d+: info: ")


def run(tenet, *args):
    p = subprocess.run([tenet, "check", "--no-config", "--color", "never"] + list(args),
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return p.returncode, p.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    os.makedirs(a.workdir, exist_ok=True)
    failures = 0
    for n in (1, 20, 300, 700):
        path = os.path.join(a.workdir, "quiet%d.yaml" % n)
        with open(path, "w") as f:
            f.write(gen_cfn.to_yaml(gen_cfn.template(n, 7)))
        rc_full, full = run(a.tenet, "--format", "text", path)
        rc_quiet, quiet = run(a.tenet, "-q", "--format", "text", path)
        # The quiet report is the full one without its info diagnostics
        # and without the summary (the last block).
        blocks = full.decode().split("\n\n")
        want = "\n\n".join(b for b in blocks[:-1] if not INFO.match(b))
        want = want + "\n" if want else ""
        ok = rc_full == rc_quiet and quiet.decode() == want and "subjects" in blocks[-1]
        print("%s: %d bytes full, %d bytes quiet: %s"
              % (os.path.basename(path), len(full), len(quiet), "ok" if ok else "FAIL"))
        if not ok:
            with open(path + ".quiet", "wb") as f:
                f.write(quiet)
            with open(path + ".want", "w") as f:
                f.write(want)
        failures += not ok
        if n == 700 and len(quiet) <= 3 * 65536:
            print("the largest report must span several pieces")
            failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
