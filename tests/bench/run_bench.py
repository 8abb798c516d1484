#!/usr/bin/env python3
"""The benchmark: generates the inputs, runs `tenet check` and the parse-only
libyaml baseline alternately on the same files, and prints medians, ratios,
linearity, start-up, peak memory, -j throughput, the C API micro-benchmark
and, when installed, cfn-lint on the same templates.

    cmake -B build -S . && cmake --build build -j2
    python3 tests/bench/run_bench.py --build build

Times are per process (exec, read, parse, check, JSON rendering to
/dev/null): wall-clock and CPU (user + system, from wait4) medians over
--runs alternating runs. On a busy machine compare the CPU columns. With
--smoke (the ctest bench.smoke) everything runs once on small inputs and
nothing is timed or asserted: it only keeps the harness working.
"""
import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_cfn  # noqa: E402
import gen_tfplan  # noqa: E402

TINY = """AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: tiny
      Engine: redis
      EngineVersion: '7.1'
      CacheNodeType: cache.r5.large
      NumCacheClusters: 2
      AtRestEncryptionEnabled: true
      CacheSubnetGroupName: subnets
"""


GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def peak_rss(cmd, ok=(0,)):
    """Peak RSS in bytes of cmd, through GNU time: a child forked from this
    Python process would count Python's own pages from before its exec."""
    if not GNU_TIME:
        return None
    with tempfile.NamedTemporaryFile(mode="r") as out:
        p = subprocess.run([GNU_TIME, "-f", "%M", "-o", out.name] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if p.returncode not in ok:
            sys.exit("%s exited %d" % (" ".join(cmd), p.returncode))
        return int(out.read().split()[-1]) * 1024


def run(cmd, ok=(0,), stdout=subprocess.DEVNULL):
    """Runs cmd; returns (wall s, cpu s, unused, stdout text or None)."""
    with tempfile.TemporaryFile() as errf:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=stdout, stderr=errf)
        out = p.stdout.read() if stdout == subprocess.PIPE else None
        _, status, ru = os.wait4(p.pid, 0)  # reaps it: Popen must not wait again
        wall = time.perf_counter() - t0
        p.returncode = code = os.waitstatus_to_exitcode(status)
        if code not in ok:
            errf.seek(0)
            sys.exit("%s exited %d: %s" % (" ".join(cmd), code,
                                           errf.read().decode(errors="replace")))
    if p.stdout:
        p.stdout.close()
    return wall, ru.ru_utime + ru.ru_stime, None, out


def tenet_cmd(a, *paths, extra=()):
    return [a.tenet, "check", "--no-config", "--format", "json", "--region", "us-east-1",
            *extra, *paths]


def write(path, text):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def generate(a, wd, sizes):
    files = {}
    for n in sizes:
        t = gen_cfn.template(n, 7)
        files["cfn%d.yaml" % n] = gen_cfn.to_yaml(t)
        files["cfn%d.json" % n] = json.dumps(gen_cfn.to_json(t), indent=2) + "\n"
        files["plan%d.json" % n] = json.dumps(gen_tfplan.plan(n, 7), indent=2) + "\n"
        # Minified: every diagnostic's code frame is on one long line.
        files["cfn%d.min.json" % n] = json.dumps(gen_cfn.to_json(t), separators=(",", ":"))
    files["tiny.yaml"] = TINY
    for name, text in files.items():
        write(os.path.join(wd, name), text)
    many = os.path.join(wd, "many")
    os.makedirs(many, exist_ok=True)
    for i in range(a.dir_files):
        t = gen_cfn.template(5, 1000 + i)
        write(os.path.join(many, "stack%04d.yaml" % i), gen_cfn.to_yaml(t))
    return many


def med(xs):
    return statistics.median(xs)


def ms(x):
    return "%.1f" % (x * 1000) if x < 10 else "%.0f" % (x * 1000)


def mib(x):
    return "n/a" if x is None else "%.1f" % (x / 1048576)


def bench_file(a, path):
    """Alternating runs of tenet and the baseline on one file."""
    t, b = [], []
    for _ in range(a.runs):
        t.append(run(tenet_cmd(a, path), ok=(0, 1)))
        b.append(run([a.baseline, path], stdout=subprocess.DEVNULL))
    return {
        "file": os.path.basename(path),
        "bytes": os.path.getsize(path),
        "tenet_wall": med([x[0] for x in t]), "tenet_cpu": med([x[1] for x in t]),
        "base_wall": med([x[0] for x in b]), "base_cpu": med([x[1] for x in b]),
        "tenet_rss": peak_rss(tenet_cmd(a, path), ok=(0, 1)),
        "base_rss": peak_rss([a.baseline, path]),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", help="build directory holding tenet and tests/bench/*")
    ap.add_argument("--tenet")
    ap.add_argument("--baseline")
    ap.add_argument("--api")
    ap.add_argument("--workdir", help="where inputs are generated (default: a temporary dir)")
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--dir-files", type=int, default=1000)
    ap.add_argument("--cfn-lint-runs", type=int, default=1)
    ap.add_argument("--no-cfn-lint", action="store_true")
    ap.add_argument("--json", help="also write the figures as JSON to this file")
    ap.add_argument("--smoke", action="store_true", help="run everything once on small inputs")
    a = ap.parse_args()
    if a.build:
        a.tenet = a.tenet or os.path.join(a.build, "tenet")
        a.baseline = a.baseline or os.path.join(a.build, "tests/bench/tenet_bench_baseline")
        a.api = a.api or os.path.join(a.build, "tests/bench/tenet_bench_api")
    if not (a.tenet and a.baseline and a.api):
        ap.error("give --build, or --tenet, --baseline and --api")
    sizes = [100, 1000, 10000]
    if a.smoke:
        sizes, a.runs, a.dir_files, a.no_cfn_lint = [100], 1, 20, True
    wd = a.workdir or tempfile.mkdtemp(prefix="tenet-bench-")
    os.makedirs(wd, exist_ok=True)
    many = generate(a, wd, sizes)
    p = lambda name: os.path.join(wd, name)  # noqa: E731
    res = {"date": time.strftime("%Y-%m-%d"), "nproc": os.cpu_count(),
           "cpu": cpu_model(), "load": os.getloadavg()[0], "runs": a.runs}

    # ---- tenet vs the parse-only baseline --------------------------------------
    names = (["cfn100.yaml", "cfn100.json", "plan100.json"] if a.smoke else
             ["cfn1000.yaml", "cfn10000.yaml", "cfn1000.json", "cfn10000.json",
              "plan1000.json", "plan10000.json", "cfn100.yaml"])
    rows = [bench_file(a, p(n)) for n in names]
    res["files"] = rows
    print("tenet check vs parse-only libyaml baseline (median of %d alternating runs; "
          "load %.1f on %d CPUs)" % (a.runs, res["load"], res["nproc"]))
    print("%-15s %9s %11s %11s %7s %11s %11s %7s %10s %10s" % (
        "input", "MB", "base wall", "tenet wall", "ratio", "base cpu", "tenet cpu", "ratio",
        "RSS MiB", "limit MiB"))
    for r in rows:
        limit = 4 * r["bytes"] + 8 * 1048576
        r["rss_limit"] = limit
        print("%-15s %9.2f %9s ms %8s ms %6.2fx %8s ms %8s ms %6.2fx %10s %10s" % (
            r["file"], r["bytes"] / 1e6, ms(r["base_wall"]), ms(r["tenet_wall"]),
            r["tenet_wall"] / r["base_wall"], ms(r["base_cpu"]), ms(r["tenet_cpu"]),
            r["tenet_cpu"] / max(r["base_cpu"], 1e-4), mib(r["tenet_rss"]), mib(limit)))

    by = {r["file"]: r for r in rows}
    if not a.smoke:
        print("\nlinearity (10,000 vs 1,000 resources; target <= 11x):")
        res["linearity"] = {}
        for small, big in (("cfn1000.yaml", "cfn10000.yaml"), ("cfn1000.json", "cfn10000.json"),
                           ("plan1000.json", "plan10000.json")):
            w = by[big]["tenet_wall"] / by[small]["tenet_wall"]
            c = by[big]["tenet_cpu"] / by[small]["tenet_cpu"]
            res["linearity"][small] = {"wall": w, "cpu": c}
            print("  %-14s wall %5.2fx  cpu %5.2fx" % (small, w, c))
        # Text output of a one-line template: thousands of code frames cut from
        # the same line must cost the line once, not once per frame.
        mt = {}
        for name in ("cfn1000.min.json", "cfn10000.min.json"):
            runs = [run(tenet_cmd(a, p(name), extra=("--format", "text")), ok=(0, 1))
                    for _ in range(max(3, a.runs // 2))]
            mt[name] = (med([x[0] for x in runs]), med([x[1] for x in runs]))
        w = mt["cfn10000.min.json"][0] / mt["cfn1000.min.json"][0]
        c = mt["cfn10000.min.json"][1] / mt["cfn1000.min.json"][1]
        res["linearity"]["cfn1000.min.json text"] = {"wall": w, "cpu": c,
                                                     "wall_1000": mt["cfn1000.min.json"][0],
                                                     "wall_10000": mt["cfn10000.min.json"][0]}
        print("  %-14s wall %5.2fx  cpu %5.2fx  (one-line JSON, text output: %s / %s ms)" % (
            "cfn1000.min", w, c, ms(mt["cfn1000.min.json"][0]), ms(mt["cfn10000.min.json"][0])))

    # ---- start-up ---------------------------------------------------------------------
    n = 3 if a.smoke else 31
    st = [run(tenet_cmd(a, p("tiny.yaml")), ok=(0, 1)) for _ in range(n)]
    sb = [run([a.baseline, p("tiny.yaml")]) for _ in range(n)]
    res["startup"] = {"tenet_wall": med([x[0] for x in st]), "tenet_cpu": med([x[1] for x in st]),
                      "base_wall": med([x[0] for x in sb]), "base_cpu": med([x[1] for x in sb]),
                      "tenet_rss": peak_rss(tenet_cmd(a, p("tiny.yaml")), ok=(0, 1))}
    print("\nstart-up, tiny template (median of %d): tenet %s ms wall (%s ms cpu), "
          "baseline process %s ms wall (%s ms cpu); tenet RSS %s MiB" % (
              n, ms(res["startup"]["tenet_wall"]), ms(res["startup"]["tenet_cpu"]),
              ms(res["startup"]["base_wall"]), ms(res["startup"]["base_cpu"]),
              mib(res["startup"]["tenet_rss"])))

    # ---- -j over a directory of small templates ----------------------------------------
    res["dir"] = {"files": a.dir_files}
    print("\n%d small templates in one directory (median of %d):" % (a.dir_files,
                                                                    min(a.runs, 5)))
    for j in (1, 2):
        xs = [run(tenet_cmd(a, many, extra=("-j", str(j))), ok=(0, 1))
              for _ in range(min(a.runs, 5))]
        w, c = med([x[0] for x in xs]), med([x[1] for x in xs])
        res["dir"]["j%d" % j] = {"wall": w, "cpu": c}
        print("  -j %d: %s ms wall, %s ms cpu, %.0f files/s" % (j, ms(w), ms(c), a.dir_files / w))

    # ---- the C API -----------------------------------------------------------------------
    api_args = [a.api] + (["--batches", "1", "--min-ms", "1"] if a.smoke else [])
    out = run(api_args, stdout=subprocess.PIPE)[3].decode()
    res["api"] = out.strip()
    print("\nC API, one request per check (tenet_bench_api):\n  " + out.strip().replace(
        "\n", "\n  "))

    # ---- cfn-lint --------------------------------------------------------------------------
    lint = shutil.which("cfn-lint")
    if lint and not a.no_cfn_lint:
        res["cfn_lint"] = {}
        print("\ncfn-lint (%s):" % subprocess.run([lint, "--version"], capture_output=True,
                                                  text=True).stdout.strip())
        for name, runs in (("tiny.yaml", 3), ("cfn1000.yaml", a.cfn_lint_runs)):
            xs = [run([lint, p(name)], ok=range(0, 256)) for _ in range(runs)]
            w = med([x[0] for x in xs])
            t = by.get(name, {}).get("tenet_wall") or res["startup"]["tenet_wall"]
            res["cfn_lint"][name] = {"wall": w, "cpu": med([x[1] for x in xs])}
            print("  %-13s %8s ms wall (%d run%s): %.0fx tenet's time" % (
                name, ms(w), runs, "" if runs == 1 else "s", w / t))
    elif not a.smoke:
        print("\ncfn-lint: not installed, not measured")

    print("\nmachine: %s, %d CPUs, %s; %s" % (res["cpu"], res["nproc"], platform.platform(),
                                             res["date"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=2)
    if not a.workdir:
        shutil.rmtree(wd, ignore_errors=True)
    return 0


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


if __name__ == "__main__":
    sys.exit(main())
