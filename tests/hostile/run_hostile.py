#!/usr/bin/env python3
"""Hostile-input tests for the tenet CLI.

Every case feeds `tenet` something a linter meets in the wild or an attacker
crafts (empty files, binary junk, encodings, huge scalars, deep nesting,
alias bombs, broken rule packs, ...) and checks that it ends with a clear
message and the documented exit code -- 2 for an input error, or a verdict
(0/1) when the input is valid -- within a time limit and under a memory
limit (RLIMIT_AS; skipped for sanitizer builds, which reserve huge address
ranges). A crash, a hang or a silent pass fails the case.

Large inputs are generated at run time in --workdir (a build directory);
nothing big is committed.

usage: run_hostile.py --tenet PATH --workdir DIR [--timeout S] [--memory MB] [CASE...]
       run_hostile.py --list      (the case names, ;-separated, for CMake)
"""
import argparse
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLE = os.path.join(HERE, "..", "..", "examples", "redis-at-rest.yaml")

GROUP = ("Resources:\n  Cache:\n    Type: AWS::ElastiCache::ReplicationGroup\n"
         "    Properties:\n      Engine: redis\n      EngineVersion: 3.2.10\n"
         "      CacheNodeType: cache.r5.large\n      AtRestEncryptionEnabled: true\n")

RULES_HEAD = ("tenet: 1\nname: hostile\nsets: {s: [a]}\nkinds:\n  x.y:\n"
              "    fields: {a: {type: string}, v: {type: version}}\n"
              "    cloudformation: {type: AWS::X::Y, fields: {a: A, v: V}}\nrules:\n")


def rule(body):
    return RULES_HEAD + "  - " + body + "\n"


def deep(n, open_, close, inner="1"):
    return open_ * n + inner + close * n


def bomb(levels=10, width=9):
    lines = ["Metadata:", "  a0: &a0 [%s]" % ", ".join(["lol"] * width)]
    for i in range(1, levels):
        lines.append("  a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * width)))
    return "\n".join(lines) + "\n" + GROUP


def amplified():
    """Aliases within the node limit, multiplied by 300 allowed values."""
    lines = ["Metadata:", "  a0: &a0 [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 5):
        lines.append("  a%d: &a%d [%s]" % (i, i, ", ".join(["*a%d" % (i - 1)] * 9)))
    allowed = ", ".join("'4.0.%d'" % i for i in range(300))
    return ("\n".join(lines) + "\nParameters:\n  V: {Type: String, AllowedValues: [%s]}\n"
            "Resources:\n  Cache:\n    Type: AWS::ElastiCache::ReplicationGroup\n"
            "    Properties:\n      AtRestEncryptionEnabled: true\n      EngineVersion: !Ref V\n"
            "      SecurityGroupIds: *a4\n      SnapshotArns: *a4\n      Tags: *a4\n"
            "      NodeGroupConfiguration: *a4\n      CacheSecurityGroupNames: *a4\n" % allowed)


def many_keys(n):
    props = "".join("      Key%d: %d\n" % (i, i) for i in range(n))
    return ("Metadata:\n" + "".join("  k%d: v\n" % i for i in range(n)) + GROUP
            + "      Extra:\n" + props.replace("      ", "        "))


def random_bytes(n, seed):
    rnd = random.Random(seed)
    return bytes(rnd.randrange(256) for _ in range(n))


def example():
    with open(EXAMPLE, "rb") as f:
        return f.read()


# Each case: name, {file: bytes|str|callable}, argv after `tenet`, expected
# exit code(s), regexes stdout+stderr must contain, and optional extras.
CASES = [
    # --- odd files ---
    ("empty-file", {"empty.yaml": ""}, ["check", "empty.yaml"], 2,
     [r"empty\.yaml: error: could not tell the input format"]),
    ("empty-file-forced", {"empty.yaml": ""},
     ["check", "--input-format", "cloudformation", "empty.yaml"], (0, 2), []),
    ("bare-scalar", {"s.yaml": "just a scalar\n"}, ["check", "s.yaml"], 2,
     [r"s\.yaml: error: "]),
    ("bare-scalar-forced", {"s.yaml": "42\n"},
     ["check", "--input-format", "cloudformation", "s.yaml"], 2,
     [r"does not look like cloudformation"]),
    ("random-bytes", {"r.bin": lambda: random_bytes(65536, 6)}, ["check", "r.bin"], 2,
     [r"r\.bin(:\d+:\d+)?: error: "]),
    ("random-bytes-json", {"r.json": lambda: b"{" + random_bytes(4096, 7)},
     ["check", "r.json"], 2, [r"r\.json(:\d+:\d+)?: error: "]),
    ("nul-bytes", {"n.yaml": b"Resources:\n  A:\x00\x00\n"}, ["check", "n.yaml"], 2,
     [r"n\.yaml:2:\d+: error: .*(#x00|NUL|control)"]),
    ("only-nul-bytes", {"n.yaml": b"\x00" * 1000}, ["check", "n.yaml"], 2, [r"n\.yaml"]),
    ("invalid-utf8", {"u.yaml": GROUP.encode().replace(b"redis", b"red\xc3\x28is")},
     ["check", "u.yaml"], 2, [r"u\.yaml:\d+:\d+: error: .*(UTF-8|utf-8|invalid)"]),
    ("utf16le-bom", {"t.yaml": lambda: b"\xff\xfe" + example().decode().encode("utf-16-le")},
     ["check", "--region", "us-east-1", "t.yaml"], 1, [r"t\.yaml:36:22: error: .*\[EC-AR-001\]"]),
    ("utf16be-bom", {"t.yaml": lambda: b"\xfe\xff" + example().decode().encode("utf-16-be")},
     ["check", "--region", "us-east-1", "t.yaml"], 1, [r"t\.yaml:36:22: error: .*\[EC-AR-001\]"]),
    ("utf16-odd-length", {"t.yaml": b"\xff\xfeR\x00e"}, ["check", "t.yaml"], 2, [r"t\.yaml"]),
    ("utf8-bom", {"t.yaml": lambda: b"\xef\xbb\xbf" + example()},
     ["check", "--region", "us-east-1", "t.yaml"], 1, [r"t\.yaml:36:22: error: "]),
    ("crlf", {"t.yaml": lambda: example().replace(b"\n", b"\r\n")},
     ["check", "--region", "us-east-1", "t.yaml"], 1, [r"t\.yaml:36:22: error: .*\[EC-AR-001\]"]),
    ("tab-indent", {"t.yaml": GROUP.replace("    Properties", "\tProperties")},
     ["check", "t.yaml"], 2, [r"t\.yaml:\d+:\d+: error: "]),
    ("tabs-in-json", {"t.json": '{\t"Resources":\t{"A":\t{"Type":\t'
                      '"AWS::ElastiCache::ReplicationGroup",\t"Properties":\t'
                      '{"EngineVersion":\t"3.2.10",\t"AtRestEncryptionEnabled":\ttrue}}}}'},
     ["check", "--region", "us-east-1", "t.json"], 1, [r"t\.json:1:\d+: error: .*EC-AR-001"]),
    ("escape-sequences", {"t.yaml": GROUP.replace("3.2.10", '"3.2.10\\e]0;x\\a\\e[31m"')},
     ["check", "--region", "us-east-1", "t.yaml"], 0, [r"could not verify: .*EC-AR-001"],
     {"no_raw_escapes": True}),
    ("dev-null", {}, ["check", "/dev/null"], 2, [r"/dev/null"]),
    ("endless-input", {}, ["check", "/dev/zero"], 2,
     [r"/dev/zero: error: input is larger than the limit of 67108864 bytes"]),
    # --- size ---
    ("query-key-20000-parts", {"q.txt": lambda: "Action=CreateReplicationGroup&Engine=redis&"
                                + "Tags" + ".1" * 20000 + "=x\n"},
     ["check", "--input-format", "api-query", "--region", "us-east-1", "q.txt"], (0, 1),
     [r"q\.txt:1:\d+: warning: parameter key has 20001 parts; at most 64 are read"]),
    ("one-long-line-many-diagnostics",
     {"t.json": lambda: json.dumps({"Resources": {"C%04d" % i: {
         "Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {
             "Engine": "redis", "EngineVersion": "3.2.10", "CacheNodeType": "cache.t4g.micro",
             "AtRestEncryptionEnabled": True, "ReplicationGroupDescription": "d" * 20}}
         for i in range(3000)}}, separators=(",", ":"))},
     ["check", "--region", "us-east-1", "t.json"], 1, [r"t\.json:1:\d+: error: .*\[EC-AR-"]),
    ("scalar-20mb", {"big.yaml": lambda: GROUP + "      Description: " + "x" * (20 << 20) + "\n"},
     ["check", "big.yaml"], 2, [r"big\.yaml:9:20: error: scalar too large \(limit 16777216\)"]),
    ("scalar-20mb-json", {"big.json": lambda: '{"Resources": {"A": {"Description": "'
                          + "x" * (20 << 20) + '"}}}'},
     ["check", "big.json"], 2, [r"big\.json:1:\d+: error: .*too large \(limit 16777216\)"]),
    ("scalar-20mb-allowed", {"big.yaml": lambda: GROUP + "      Description: " + "x" * (20 << 20)
                             + "\n"},
     ["check", "--region", "us-east-1", "--max-scalar-bytes", "32M", "big.yaml"], 1,
     [r"big\.yaml:6:22: error: .*\[EC-AR-001\]"]),
    ("input-limit", {"t.yaml": GROUP}, ["check", "--max-input-bytes", "64", "t.yaml"], 2,
     [r"t\.yaml: error: input is larger than the limit of 64 bytes"]),
    ("keys-300k", {"k.yaml": lambda: many_keys(300000)},
     ["check", "--region", "us-east-1", "k.yaml"], 1, [r"k\.yaml:\d+:\d+: error: .*EC-AR-001"]),
    ("keys-300k-json", {"k.json": lambda: json.dumps({
        "Metadata": {"k%d" % i: i for i in range(300000)},
        "Resources": {"A": {"Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {
            "EngineVersion": "3.2.10", "AtRestEncryptionEnabled": True}}}})},
     ["check", "--region", "us-east-1", "k.json"], 1, [r"k\.json:1:\d+: error: .*EC-AR-001"]),
    ("allowed-values-100k", {"a.yaml": lambda: (
        "Parameters:\n  V: {Type: String, AllowedValues: [%s]}\n" % ", ".join(
            "'%d'" % i for i in range(100000))) + GROUP.replace("3.2.10", "!Ref V")},
     ["check", "--region", "us-east-1", "a.yaml"], 1,
     [r"more scenarios than the limit of 256", r"and 99\d\d\d more"]),
    # --- nesting ---
    ("deep-json-200k", {"d.json": lambda: deep(200000, "[", "]")}, ["check", "d.json"], 2,
     [r"d\.json:1:257: error: nesting too deep \(limit 256\)"]),
    ("deep-json-objects-200k", {"d.json": lambda: deep(200000, '{"a":', "}")},
     ["check", "d.json"], 2, [r"d\.json:1:\d+: error: nesting too deep"]),
    ("deep-yaml-flow-200k", {"d.yaml": lambda: "a: " + deep(200000, "[", "]") + "\n"},
     ["check", "d.yaml"], 2, [r"d\.yaml:1:\d+: error: nesting too deep \(limit 256\)"]),
    ("deep-yaml-flow-map-200k", {"d.yaml": lambda: "a: " + deep(200000, "{a: ", "}") + "\n"},
     ["check", "d.yaml"], 2, [r"d\.yaml:1:\d+: error: nesting too deep"]),
    ("deep-yaml-block-200k", {"d.yaml": lambda: "a:\n" + "- " * 200000 + "x\n"},
     ["check", "d.yaml"], 2, [r"d\.yaml:2:\d+: error: nesting too deep \(limit 256\)"]),
    ("deep-yaml-block-map", {"d.yaml": lambda: "".join(
        " " * i + "k:\n" for i in range(400)) + " " * 400 + "v\n"},
     ["check", "d.yaml"], 2, [r"d\.yaml:\d+:\d+: error: nesting too deep"]),
    ("deep-at-ceiling", {"d.json": lambda: '{"Resources": {"A": {"Type": '
                         '"AWS::ElastiCache::ReplicationGroup", "Properties": {'
                         '"AtRestEncryptionEnabled": true, "EngineVersion": '
                         + deep(330, '{"Fn::Join": ["", [', "]]}", '"3.2.10"') + ', "Tags": '
                         + deep(990, "[", "]") + "}}}}"},
     ["check", "--region", "us-east-1", "--max-depth", "1000", "d.json"], 1,
     [r"d\.json:1:\d+: error: .*EC-AR-001"]),
    ("deep-above-ceiling", {"d.json": "[]"}, ["check", "--max-depth", "100000", "d.json"], 2,
     [r"max_depth 100000 is above the ceiling of 1000"]),
    ("deep-cfn-functions", {"d.yaml": lambda: GROUP.replace(
        "3.2.10", deep(80, "!Join ['', [", "]]", "'3.2.10'"))},
     ["check", "--region", "us-east-1", "d.yaml"], 1, [r"EC-AR-001"]),
    # --- keys and aliases ---
    ("duplicate-keys", {"t.yaml": GROUP + "      EngineVersion: 6.2\n"},
     ["check", "--region", "us-east-1", "t.yaml"], 1,
     [r"t\.yaml:9:7: error: duplicate key \"EngineVersion\" \(first at line 6\)"]),
    ("duplicate-keys-json", {"t.json": '{"Resources": {"A": {"Type": "AWS::ElastiCache::Replicat'
                             'ionGroup"}, "A": {"Type": "AWS::ElastiCache::ReplicationGroup"}}}'},
     ["check", "--input-format", "cloudformation", "t.json"], 1,
     [r"t\.json:1:\d+: error: duplicate key \"A\""]),
    ("alias-bomb", {"b.yaml": bomb}, ["check", "b.yaml"], 2,
     [r"b\.yaml:\d+:\d+: error: alias expansion produces too many nodes \(limit 1000000\)"]),
    ("alias-bomb-limit", {"b.yaml": lambda: bomb(3)}, ["check", "--max-alias-nodes", "50", "b.yaml"],
     2, [r"b\.yaml:\d+:\d+: error: alias expansion produces too many nodes \(limit 50\)"]),
    ("alias-amplification", {"b.yaml": amplified}, ["check", "--region", "us-east-1", "b.yaml"],
     (0, 1), [r"values per scenario"], {"max_line": 2000}),
    ("alias-amplification-regions", {"b.yaml": amplified},
     ["check", "--region", "all", "b.yaml"], (1, 2), [r"b\.yaml"], {"max_line": 2000}),
    ("undefined-alias", {"b.yaml": "a: *nope\n"}, ["check", "b.yaml"], 2,
     [r"b\.yaml:1:4: error: found undefined alias"]),
    ("recursive-alias", {"b.yaml": "a: &x [*x]\n"}, ["check", "b.yaml"], 2, [r"b\.yaml:1:\d+"]),
    # --- bad rules files, one per kind of mistake ---
    ("rules-unknown-operator", {"r.yaml": rule("{id: R, kind: x.y, severity: error, "
                                               "require: {a: {bogus: 1}}, message: m}"),
                                "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:9:\d+: error: unknown operator \"bogus\""]),
    ("rules-bad-regex", {"r.yaml": rule("{id: R, kind: x.y, severity: error, "
                                        "require: {a: {matches: '(unclosed'}}, message: m}"),
                         "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:9:\d+: error: bad regex"]),
    ("rules-bad-range", {"r.yaml": rule("{id: R, kind: x.y, severity: error, "
                                        "require: {v: {version: '>= banana'}}, message: m}"),
                         "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:9:\d+: error: bad version range"]),
    ("rules-unknown-field", {"r.yaml": rule("{id: R, kind: x.y, severity: error, "
                                            "require: {nope: {present: true}}, message: m}"),
                             "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:9:\d+: error: unknown field \"nope\""]),
    ("rules-unknown-placeholder", {"r.yaml": rule("{id: R, kind: x.y, severity: error, require: "
                                                  "{a: {present: true}}, message: 'a {nope}'}"),
                                   "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:9:\d+: error: unknown field \"nope\""]),
    ("rules-unknown-kind", {"r.yaml": rule("{id: R, kind: no.such, severity: error, "
                                           "require: {a: {present: true}}, message: m}"),
                            "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:9:\d+: error: unknown kind \"no\.such\""]),
    ("rules-unknown-set", {"r.yaml": rule("{id: R, kind: x.y, severity: error, "
                                          "require: {a: {in: $nope}}, message: m}"),
                           "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:9:\d+: error: unknown set \"\$nope\""]),
    ("rules-duplicate-id", {"r.yaml": rule("{id: R, kind: x.y, severity: error, require: "
                                           "{a: {present: true}}, message: m}")
                            + "  - {id: R, kind: x.y, severity: error, require: "
                              "{a: {present: true}}, message: m}\n",
                            "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2,
     [r"r\.yaml:10:\d+: error: duplicate rule id \"R\" \(first defined at line 9\)"]),
    ("rules-wrong-types", {"r.yaml": rule("{id: [R], kind: x.y, severity: error, "
                                          "require: {a: {present: true}}, message: m}"),
                           "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:9:\d+: error: id must be a string"]),
    ("rules-wrong-top-level", {"r.yaml": "- 1\n- 2\n", "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:1:1: error: .*mapping"]),
    ("rules-field-type", {"r.yaml": "tenet: 1\nname: b\nkinds:\n  x.y:\n"
                                    "    fields: {a: {type: strin}}\nrules: []\n",
                          "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:5:\d+: error: unknown field type \"strin\""]),
    ("rules-not-yaml", {"r.yaml": "rules: [\n  - {id: R\n", "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:\d+:\d+: error: "]),
    ("rules-binary", {"r.yaml": lambda: random_bytes(4096, 8), "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml(:\d+:\d+)?: error: "]),
    ("rules-alias-bomb", {"r.yaml": lambda: "tenet: 1\nname: b\n" + bomb().split("Resources")[0]
                          .replace("Metadata:", "x:"), "t.yaml": GROUP},
     ["check", "--rules", "r.yaml", "t.yaml"], 2, [r"r\.yaml:\d+:\d+: error: "]),
    ("rules-endless", {"t.yaml": GROUP}, ["check", "--rules", "/dev/zero", "t.yaml"], 2,
     [r"/dev/zero: error: input is larger than the limit"]),
    ("rules-catastrophic-regex", {"r.yaml": RULES_HEAD.replace("AWS::X::Y", "AWS::ElastiCache::"
                                  "ReplicationGroup").replace("a: A", "a: Engine")
                                  + "  - {id: SLOW, kind: x.y, severity: error, "
                                    "require: {a: {matches: '^(a|aa)+$'}}, message: slow}\n",
                                  "t.yaml": GROUP.replace("redis", "a" * 5000 + "b")},
     ["check", "--regex-match-limit", "10000", "--rules", "r.yaml", "t.yaml"], 0,
     [r"could not verify", r"match limit"]),
    # --- nothing lost: bad files next to good ones ---
    ("nothing-lost", {"good1.yaml": GROUP,
                      "deep.json": lambda: deep(200000, "[", "]"),
                      "binary.yaml": lambda: random_bytes(2048, 9),
                      "bomb.yaml": bomb,
                      "good2.json": json.dumps({"Resources": {"G": {
                          "Type": "AWS::ElastiCache::ReplicationGroup", "Properties": {
                              "EngineVersion": "3.2.4", "AtRestEncryptionEnabled": True}}}}),
                      "good3.yaml": lambda: b"\xff\xfe" + GROUP.encode("utf-16-le")},
     ["check", "--region", "us-east-1", "good1.yaml", "deep.json", "missing.yaml",
      "binary.yaml", "bomb.yaml", "good2.json", "good3.yaml"], 2,
     [r"good1\.yaml:6:22: error: .*EC-AR-001", r"deep\.json:1:257: error: nesting too deep",
      r"missing\.yaml: error: cannot read", r"binary\.yaml(:\d+:\d+)?: error: ",
      r"bomb\.yaml:\d+:\d+: error: alias expansion", r"good2\.json:1:\d+: error: .*EC-AR-001",
      r"good3\.yaml:6:22: error: .*EC-AR-001", r"7 files, 3 subjects, .*4 input errors"],
     {"json": {"files": 7, "input_errors": ["binary.yaml", "bomb.yaml", "deep.json", "missing.yaml"],
               "findings": {"good1.yaml": "EC-AR-001", "good2.json": "EC-AR-001",
                            "good3.yaml": "EC-AR-001"}}}),
    # --- limits given badly ---
    ("limit-flag-zero", {"t.yaml": GROUP}, ["check", "--max-depth", "0", "t.yaml"], 2,
     [r"--max-depth expects a positive integer"]),
    ("limit-flag-junk", {"t.yaml": GROUP}, ["check", "--max-scalar-bytes", "12Q", "t.yaml"], 2,
     [r"--max-scalar-bytes expects a positive integer"]),
    ("limit-flag-overflow", {"t.yaml": GROUP},
     ["check", "--regex-match-limit", "99999999999999999999G", "t.yaml"], 2,
     [r"--regex-match-limit expects a positive integer"]),
]


def check_json(doc, want):
    """Every file is accounted for: input errors and findings as expected."""
    problems = []
    summary = doc.get("summary", {})
    if summary.get("files") != want["files"]:
        problems.append(f"json: summary.files is {summary.get('files')}, expected {want['files']}")
    errs = sorted(e.get("file") for e in doc.get("input_errors", []))
    if errs != want["input_errors"]:
        problems.append(f"json: input errors for {errs}, expected {want['input_errors']}")
    if summary.get("input_errors") != len(want["input_errors"]):
        problems.append(f"json: summary.input_errors is {summary.get('input_errors')}")
    for file, rule_id in want["findings"].items():
        if not any(d.get("file") == file and d.get("rule") == rule_id
                   for d in doc.get("diagnostics", [])):
            problems.append(f"json: no {rule_id} diagnostic for {file}")
    return problems


def is_sanitized(path):
    with open(path, "rb") as f:
        data = f.read()
    return b"__asan_init" in data or b"__tsan_init" in data or b"__msan_init" in data


def materialize(case_dir, files):
    if os.path.isdir(case_dir):
        shutil.rmtree(case_dir)
    os.makedirs(case_dir)
    for name, content in files.items():
        if callable(content):
            content = content()
        if isinstance(content, str):
            content = content.encode("utf-8")
        with open(os.path.join(case_dir, name), "wb") as f:
            f.write(content)


def run_case(args, case):
    name, files, argv, want_exit, patterns = case[:5]
    extra = case[5] if len(case) > 5 else {}
    wants = want_exit if isinstance(want_exit, tuple) else (want_exit,)
    case_dir = os.path.join(args.workdir, name)
    materialize(case_dir, files)
    env = {k: v for k, v in os.environ.items()
           if k not in ("AWS_REGION", "AWS_DEFAULT_REGION", "NO_COLOR")}

    def limit():
        if args.memory:
            mem = args.memory << 20
            resource.setrlimit(resource.RLIMIT_AS, (mem, mem))

    problems = []
    for fmt in ("text", "json"):
        full = [args.tenet, argv[0]] + (["--format", "json"] if fmt == "json" else []) + argv[1:]
        t0 = time.monotonic()
        try:
            proc = subprocess.run(full, cwd=case_dir, env=env, stdin=subprocess.DEVNULL,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=args.timeout, preexec_fn=limit)
        except subprocess.TimeoutExpired:
            problems.append(f"{fmt}: no answer within {args.timeout} s")
            continue
        secs = time.monotonic() - t0
        out = proc.stdout.decode("utf-8", "replace")
        err = proc.stderr.decode("utf-8", "replace")
        both = out + err
        if proc.returncode not in wants:
            problems.append(f"{fmt}: exit {proc.returncode}, expected {'/'.join(map(str, wants))}"
                            f"\n--- stderr:\n{err[:2000]}\n--- stdout:\n{out[:2000]}")
            continue
        if fmt == "text":
            for pat in patterns:
                if not re.search(pat, both):
                    problems.append(f"text: no match for /{pat}/ in:\n{both[:3000]}")
            if extra.get("no_raw_escapes") and ("\x1b" in out or "\x07" in out):
                problems.append("text: raw terminal control characters reach the output")
        else:
            if proc.stdout:
                try:
                    doc = json.loads(out)
                except ValueError as e:
                    problems.append(f"json: not one JSON object ({e}):\n{out[:2000]}")
                    doc = None
                if doc is not None and proc.returncode == 2 and argv[0] == "check" \
                        and "--rules" not in argv and not err.strip():
                    if not doc.get("input_errors"):
                        problems.append("json: exit 2 without an input error:\n" + out[:2000])
                if doc is not None and "json" in extra:
                    problems += check_json(doc, extra["json"])
        max_line = extra.get("max_line")
        if max_line and any(len(line) > max_line for line in out.splitlines()):
            problems.append(f"{fmt}: an output line is longer than {max_line} characters")
        print(f"  {name} [{fmt}]: exit {proc.returncode} in {secs:.2f} s")
    shutil.rmtree(case_dir, ignore_errors=True)
    return problems


def main():
    ap = argparse.ArgumentParser(description="tenet hostile-input tests")
    ap.add_argument("--list", action="store_true", help="print the case names and exit")
    ap.add_argument("--tenet")
    ap.add_argument("--workdir", help="scratch directory for generated inputs")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per run")
    ap.add_argument("--memory", type=int, default=1024,
                    help="address-space limit in MiB (0 = none; ignored for sanitizer builds)")
    ap.add_argument("cases", nargs="*", help="case names (default: all)")
    args = ap.parse_args()
    if args.list:
        print(";".join(c[0] for c in CASES))
        return 0
    if not args.tenet or not args.workdir:
        ap.error("--tenet and --workdir are required")
    args.tenet = os.path.abspath(args.tenet)
    args.workdir = os.path.abspath(args.workdir)
    if is_sanitized(args.tenet):
        args.memory = 0
        args.timeout *= 4
    os.makedirs(args.workdir, exist_ok=True)
    known = {c[0] for c in CASES}
    unknown = [c for c in args.cases if c not in known]
    if unknown:
        print("unknown cases: " + ", ".join(unknown))
        return 2
    cases = [c for c in CASES if not args.cases or c[0] in args.cases]
    failed = 0
    for case in cases:
        problems = run_case(args, case)
        if problems:
            failed += 1
            print(f"FAIL {case[0]}")
            for p in problems:
                print("    " + p.replace("\n", "\n    "))
        else:
            print(f"PASS {case[0]}")
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
