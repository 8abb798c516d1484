#!/usr/bin/env python3
"""`tenet check -j N` gives the same output for every N.

Generates a directory of templates and plans (findings, unknowns,
scenarios, clean files, files that are not templates) under WORKDIR, checks
it with -j1, -j2 and -j4 in every output format, and compares the outputs
byte for byte. Also usable to generate a tree for timing:

  jobs_determinism.py --tenet build/tenet --workdir /tmp/t [--count 1000] [--generate-only]
"""
import argparse
import os
import random
import shutil
import subprocess
import sys

CFN = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Version:
    Type: String
    Default: "{param_default}"
    AllowedValues: ["{param_default}", "7.1"]
Resources:
{resources}"""

RESOURCE = """  Group{i}:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: generated group {i}
      Engine: redis
      EngineVersion: {version}
      CacheNodeType: {node}
      NumCacheClusters: 2
{extra}"""

PLAN = """{{
  "format_version": "1.2",
  "resource_changes": [
    {{
      "address": "aws_elasticache_replication_group.g{i}",
      "type": "aws_elasticache_replication_group",
      "name": "g{i}",
      "mode": "managed",
      "change": {{
        "actions": ["create"],
        "before": null,
        "after": {{"engine": "redis", "engine_version": "{version}",
                  "node_type": "{node}", "at_rest_encryption_enabled": {enc}}},
        "after_unknown": {{"kms_key_id": {unknown}}}
      }}
    }}
  ]
}}
"""


def resource(rng, i):
    version = rng.choice(['"3.2.10"', '"3.2.6"', '"4.0.10"', '"6.2"', '"7.1"',
                          "!Ref Version"])
    node = rng.choice(["cache.t3.micro", "cache.r5.large", "cache.m5.large",
                       "cache.t2.small"])
    extra = rng.choice([
        "      AtRestEncryptionEnabled: true\n",
        "      AtRestEncryptionEnabled: false\n",
        "      AtRestEncryptionEnabled: true\n"
        "      KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/k\n",
        "      KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/k\n",
        "",
    ])
    return RESOURCE.format(i=i, version=version, node=node, extra=extra)


def generate(root, count, seed=7):
    """Writes `count` inputs (plus a few files that are not) under `root`."""
    rng = random.Random(seed)
    if os.path.exists(root):
        shutil.rmtree(root)
    for n in range(count):
        sub = os.path.join(root, f"team-{n % 7}", f"svc-{n % 3}")
        os.makedirs(sub, exist_ok=True)
        kind = n % 10
        if kind == 9:
            text = PLAN.format(i=n, version=rng.choice(["3.2.10", "6.2", "7.1"]),
                               node=rng.choice(["cache.t3.micro", "cache.r5.large"]),
                               enc=rng.choice(["true", "false"]),
                               unknown=rng.choice(["true", "false"]))
            name = f"stack-{n:04d}.plan.json"
        else:
            nres = 1 + rng.randrange(3)
            text = CFN.format(param_default=rng.choice(["3.2.10", "6.2"]),
                              resources="".join(resource(rng, n * 10 + k)
                                                for k in range(nres)))
            name = f"stack-{n:04d}.{rng.choice(['yaml', 'yml', 'template'])}"
        with open(os.path.join(sub, name), "w") as f:
            f.write(text)
    # Things a walk must pass over without a word.
    with open(os.path.join(root, "settings.yaml"), "w") as f:
        f.write("name: not a template\n")
    with open(os.path.join(root, "notes.md"), "w") as f:
        f.write("# notes\n")
    os.makedirs(os.path.join(root, ".git"), exist_ok=True)
    with open(os.path.join(root, ".git", "hidden.yaml"), "w") as f:
        f.write(CFN.format(param_default="6.2", resources=resource(rng, 0)))
    # Named explicitly below: an input error among the findings.
    with open(os.path.join(root, "broken.yaml"), "w") as f:
        f.write("Resources:\n  Bad: [unclosed\n")


def run(tenet, args):
    proc = subprocess.run([tenet] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=600)
    return proc.returncode, proc.stdout, proc.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tenet", required=True)
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--count", type=int, default=50)
    ap.add_argument("--generate-only", action="store_true")
    a = ap.parse_args()
    root = os.path.join(os.path.abspath(a.workdir), "tree")
    generate(root, a.count)
    if a.generate_only:
        return 0
    failures = 0
    for fmt in ("json", "text", "sarif", "junit", "github"):
        base = None
        for jobs in ("1", "2", "4"):
            args = ["check", "--region", "us-east-1", "--format", fmt, "-j", jobs, root,
                    os.path.join(root, "broken.yaml")]
            got = run(a.tenet, args)
            if fmt not in ("json", "text") and b"--format" in got[2]:
                print(f"(--format {fmt} is not supported by this build)")
                break
            if got[0] not in (1, 2):
                print(f"-j{jobs} --format {fmt}: unexpected exit {got[0]}\n"
                      f"{got[2].decode('utf-8', 'replace')}")
                failures += 1
            if base is None:
                base = got
                if fmt == "json" and b'"files": ' + str(a.count + 1).encode() not in got[1]:
                    print(f"expected {a.count + 1} files in the summary")
                    failures += 1
            elif got != base:
                print(f"-j{jobs} --format {fmt} differs from -j1")
                failures += 1
    print("FAIL" if failures else f"PASS: {a.count} files, identical output for -j1, -j2, -j4")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
