#!/usr/bin/env python3
"""`tenet check DIR`: which files a directory walk picks.

Builds a tree under WORKDIR (symlinks and node_modules cannot live in the
golden cases: git ignores node_modules here) and checks, through the JSON
report, exactly which files were checked.

  walk.py --tenet build/tenet --workdir DIR
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

# Every input has an error finding (a version that cannot encrypt), so the
# files of the diagnostics are the files checked.
BAD = """Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: d
      Engine: redis
      EngineVersion: 3.2.10
      CacheNodeType: cache.r5.large
      NumCacheClusters: 2
      AtRestEncryptionEnabled: true
"""
CLI = ("aws elasticache create-replication-group --replication-group-id g "
       "--replication-group-description d --engine redis --engine-version 3.2.10 "
       "--cache-node-type cache.r5.large --at-rest-encryption-enabled\n")

failures = []


def write(root, rel, text):
    path = os.path.join(root, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def build(root):
    if os.path.exists(root):
        shutil.rmtree(root)
    os.makedirs(root)
    write(root, "a.yaml", BAD)
    write(root, "b/c.yml", BAD)
    write(root, "b/d.template", BAD)
    write(root, "legacy/old.yaml", BAD)
    write(root, "node_modules/pkg/e.yaml", BAD)
    write(root, ".terraform/f.yaml", BAD)
    write(root, ".hidden.yaml", BAD)
    write(root, "other.yaml", "name: not a template\n")
    write(root, "Upper.YAML", BAD)
    write(root, "run.sh", CLI)
    write(root, "doc/README.md", "Create it:\n\n    " + CLI)
    write(root, "data.json", '{"Name": "x", "Value": "y"}\n')
    os.symlink("..", os.path.join(root, "b", "loop"))  # a cycle, not followed
    os.symlink("a.yaml", os.path.join(root, "link.yaml"))  # a file symlink is a file
    os.symlink("missing.yaml", os.path.join(root, "dangling.yaml"))
    os.makedirs(os.path.join(root, "empty"))


def check(tenet, cwd, args):
    proc = subprocess.run([tenet, "check", "--format", "json", "-j", "2"] + args, cwd=cwd,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    try:
        report = json.loads(proc.stdout)
    except ValueError:
        report = None
    return proc.returncode, report, proc.stderr.decode("utf-8", "replace")


def expect(name, tenet, cwd, args, files, exit_code, errors=()):
    rc, report, err = check(tenet, cwd, args)
    if report is None:
        failures.append(f"{name}: no JSON report (exit {rc}): {err}")
        return
    got = sorted({d["file"] for d in report["diagnostics"]})
    got_errors = sorted(e["file"] for e in report["input_errors"])
    problems = []
    if got != sorted(files):
        problems.append(f"files {got}, expected {sorted(files)}")
    if got_errors != sorted(errors):
        problems.append(f"input errors in {got_errors}, expected {sorted(errors)}")
    if report["summary"]["files"] != len(set(files) | set(errors)):
        problems.append(f"summary counts {report['summary']['files']} files")
    if rc != exit_code:
        problems.append(f"exit {rc}, expected {exit_code}")
    if err:
        problems.append(f"stderr: {err}")
    if problems:
        failures.append(f"{name}: " + "; ".join(problems))
    else:
        print(f"ok   {name}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", required=True)
    ap.add_argument("--workdir", required=True)
    a = ap.parse_args()
    tenet = os.path.abspath(a.tenet)
    work = os.path.abspath(a.workdir)
    root = os.path.join(work, "tree")
    build(root)
    templates = ["a.yaml", "b/c.yml", "b/d.template", "legacy/old.yaml", "link.yaml",
                 "Upper.YAML"]

    expect("walk from inside", tenet, root, ["."], templates, 1)
    expect("walk a named directory", tenet, work, ["tree"],
           ["tree/" + t for t in templates], 1)
    expect("trailing slash", tenet, work, ["tree/"], ["tree/" + t for t in templates], 1)
    expect("--exclude a directory by name", tenet, root, [".", "--exclude", "legacy"],
           [t for t in templates if not t.startswith("legacy")], 1)
    expect("--exclude a relative path glob", tenet, work, ["tree", "--exclude", "b/*"],
           ["tree/" + t for t in templates if not t.startswith("b/")], 1)
    expect("--exclude the shown path", tenet, work, ["tree", "--exclude", "tree/legacy/"],
           ["tree/" + t for t in templates if not t.startswith("legacy")], 1)
    expect("--exclude a base name glob", tenet, root, [".", "--exclude", "*.template",
                                                      "--exclude", "link.*"],
           [t for t in templates if t not in ("b/d.template", "link.yaml")], 1)
    expect("named files are always checked", tenet, root,
           ["b", "other.yaml", "node_modules/pkg/e.yaml", ".hidden.yaml", "--exclude", "*"],
           ["node_modules/pkg/e.yaml", ".hidden.yaml"], 2, errors=["other.yaml"])
    expect("a file both named and found is checked once", tenet, root, ["b", "b/c.yml"],
           ["b/c.yml", "b/d.template"], 1)
    expect("--skip-unrecognized", tenet, root,
           ["--skip-unrecognized", "other.yaml", "data.json", "a.yaml"], ["a.yaml"], 1)
    expect("an empty directory", tenet, root, ["empty"], [], 0)
    expect("text files only with --input-format", tenet, root,
           ["--input-format", "aws-cli", "."], ["run.sh", "doc/README.md"], 1)
    expect("--input-format takes aliases", tenet, root,
           ["--input-format", "cfn", "b"], ["b/c.yml", "b/d.template"], 1)

    rc = subprocess.run([tenet, "check", "--input-format", "nonsense", root],
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE).returncode
    if rc != 2:
        failures.append(f"unknown --input-format: exit {rc}, expected 2")
    for bad in ("0", "-1", "x", ""):
        rc = subprocess.run([tenet, "check", "-j", bad, root], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE).returncode
        if rc != 2:
            failures.append(f"-j '{bad}': exit {rc}, expected 2")

    for f in failures:
        print("FAIL " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
