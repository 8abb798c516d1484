"""Tests of the Python binding. Run: python3 -m unittest discover -s bindings/python/tests
(with TENET_LIBRARY pointing at libtenet.so, or the library on the loader path)."""
import dataclasses
import os
import sys
import tempfile
import threading
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import tenet  # noqa: E402

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  RedisVersion:
    Type: String
    Default: "6.2"
Resources:
  OldRedis:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: encrypted on a version that cannot encrypt
      Engine: redis
      EngineVersion: 3.2.10
      CacheNodeType: cache.t3.micro
      NumCacheClusters: 2
      CacheSubnetGroupName: private
      AtRestEncryptionEnabled: true
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: version from a parameter
      Engine: redis
      EngineVersion: !Ref RedisVersion
      CacheNodeType: cache.r5.large
      NumCacheClusters: 2
      CacheSubnetGroupName: private
      AtRestEncryptionEnabled: true
"""

DEMO_RULES = """\
tenet: 1
name: demo
kinds:
  demo.thing:
    fields:
      size: {type: int}
    cloudformation:
      type: Demo::Thing
      fields: {size: Size}
rules:
  - id: DEMO-001
    kind: demo.thing
    severity: error
    require: {size: {gt: 3}}
    message: "size {size} is too small"
"""

DEMO_TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Small:
    Type: Demo::Thing
    Properties:
      Size: 2
  Big:
    Type: Demo::Thing
    Properties:
      Size: 5
"""

BAD_RULES = DEMO_RULES.replace("{gt: 3}", "{greater_than: 3}")

FIELDS = ["rule", "severity", "verdict", "message", "fix", "reason", "file", "line", "column",
          "end_line", "end_column", "path", "subject", "kind", "operation", "region", "regions",
          "scenario", "source", "suppressed", "suppression"]


def keyed(report):
    return [(d.rule, d.subject, d.severity) for d in report.diagnostics]


class BuiltinTest(unittest.TestCase):
    def test_version_is_the_library_version(self):
        from tenet import _lib
        self.assertEqual(tenet.__version__, _lib.lib.tenet_version().decode())
        self.assertRegex(tenet.__version__, r"^\d+\.\d+\.\d+$")

    def test_builtin_finds_the_expected_rules(self):
        report = tenet.check(TEMPLATE, filename="template.yaml", regions=["us-east-1"])
        rules = {(d.rule, d.subject) for d in report.diagnostics}
        self.assertIn(("EC-AR-001", "OldRedis"), rules)  # 3.2.10 cannot encrypt
        self.assertIn(("EC-AR-003", "OldRedis"), rules)  # t3 cannot encrypt
        self.assertNotIn("Cache", {d.subject for d in report.diagnostics})
        first = next(d for d in report.diagnostics if d.rule == "EC-AR-001")
        self.assertEqual((first.file, first.line, first.column, first.end_line, first.end_column),
                         ("template.yaml", 12, 22, 12, 28))
        self.assertEqual(first.path, "Resources.OldRedis.Properties.EngineVersion")
        self.assertEqual(first.severity, "error")
        self.assertEqual(first.verdict, "fail")
        self.assertEqual(first.region, "us-east-1")
        self.assertEqual(first.regions, ("us-east-1",))
        self.assertTrue(first.message and first.fix and first.source)
        self.assertEqual(report.errors, [d for d in report.diagnostics if d.severity == "error"])
        self.assertEqual(report.summary.files, 1)
        self.assertEqual(report.summary.errors, len(report.errors))
        self.assertEqual(report.input_errors, [])

    def test_diagnostics_are_frozen_dataclasses_with_the_json_fields(self):
        report = tenet.check(TEMPLATE, regions=["us-east-1"])
        d = report.diagnostics[0]
        self.assertTrue(dataclasses.is_dataclass(d))
        names = [f.name for f in dataclasses.fields(d) if f.name != "extra"]
        self.assertEqual(names, FIELDS)
        with self.assertRaises(dataclasses.FrozenInstanceError):
            d.rule = "X"
        raw = report.to_dict()["diagnostics"][0]
        for name in FIELDS:
            want = tuple(raw[name]) if name == "regions" else raw[name]
            self.assertEqual(getattr(d, name), want, name)
        hash(d)

    def test_suppressed_findings_are_reported_but_not_errors(self):
        src = TEMPLATE.replace("EngineVersion: 3.2.10",
                               "EngineVersion: 3.2.10 # tenet:ignore EC-AR-001 pinned for Q3")
        report = tenet.check(src, regions=["us-east-1"])
        d = next(d for d in report.diagnostics if d.rule == "EC-AR-001" and d.subject == "OldRedis")
        self.assertTrue(d.suppressed)
        self.assertEqual(d.suppression, "inline: pinned for Q3")
        self.assertNotIn(d, report.errors)
        self.assertEqual(len(report.errors), report.summary.errors)
        self.assertEqual(report.summary.suppressed, 1)
        self.assertFalse(any(x.suppressed for x in tenet.check(TEMPLATE).diagnostics))

    def test_default_filename_and_region_come_from_the_library(self):
        report = tenet.check(TEMPLATE)
        self.assertEqual({d.file for d in report.diagnostics}, {"<input>"})

    def test_str_and_bytes_give_the_same_report(self):
        a = tenet.check(TEMPLATE, regions=["us-east-1"])
        b = tenet.check(TEMPLATE.encode("utf-8"), regions=["us-east-1"])
        c = tenet.check(bytearray(TEMPLATE.encode("utf-8")), regions=["us-east-1"])
        self.assertEqual(a.diagnostics, b.diagnostics)
        self.assertEqual(a.diagnostics, c.diagnostics)
        with self.assertRaises(TypeError):
            tenet.check(12)

    def test_params(self):
        base = tenet.check(TEMPLATE, regions=["us-east-1"])
        self.assertNotIn(("EC-AR-001", "Cache"), {(d.rule, d.subject) for d in base.diagnostics})
        old = tenet.check(TEMPLATE, regions=["us-east-1"], params={"RedisVersion": "3.2.10"})
        self.assertIn(("EC-AR-001", "Cache"), {(d.rule, d.subject) for d in old.diagnostics})

    def test_regions(self):
        east = tenet.check(TEMPLATE, regions=["us-east-1"])
        china = tenet.check(TEMPLATE, regions=["cn-north-1"])
        unknown = tenet.check(TEMPLATE)
        both = tenet.check(TEMPLATE, regions=["us-east-1", "cn-north-1"])

        def region_rules(r):
            return {(d.rule, d.subject, d.severity, d.regions) for d in r.diagnostics
                    if d.rule == "EC-AR-006"}
        self.assertEqual(region_rules(east), set())
        self.assertIn(("EC-AR-006", "Cache", "error", ("cn-north-1",)), region_rules(china))
        # No region: the library cannot verify the region rule, and says so.
        self.assertTrue(region_rules(unknown))
        self.assertTrue(all(d.verdict == "unknown" for d in unknown.diagnostics
                            if d.rule == "EC-AR-006"))
        self.assertIn(("EC-AR-006", "Cache", "error", ("cn-north-1",)), region_rules(both))
        # A single string is one region.
        self.assertEqual(tenet.check(TEMPLATE, regions="cn-north-1").diagnostics,
                         china.diagnostics)

    def test_options_rejected_by_the_library(self):
        with self.assertRaises(tenet.OptionsError) as cm:
            tenet.check(TEMPLATE, input_format="no-such-format")
        self.assertIn("no-such-format", cm.exception.message)
        self.assertIsInstance(cm.exception, ValueError)
        with self.assertRaises(TypeError):
            tenet.check(TEMPLATE, params={"RedisVersion": object()})


class RulesTest(unittest.TestCase):
    def test_rules_from_text(self):
        with tenet.Rules.load(DEMO_RULES) as rules:
            report = rules.check(DEMO_TEMPLATE, filename="demo.yaml")
            self.assertEqual(keyed(report), [("DEMO-001", "Small", "error")])
            self.assertEqual(report.diagnostics[0].message, "size 2 is too small")
            again = tenet.check(DEMO_TEMPLATE, filename="demo.yaml", rules=rules)
            self.assertEqual(again.diagnostics, report.diagnostics)
        self.assertTrue(rules.closed)
        with self.assertRaises(ValueError):
            rules.check(DEMO_TEMPLATE)
        rules.close()  # idempotent

    def test_rules_from_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "demo.yaml")
            with open(path, "w") as f:
                f.write(DEMO_RULES)
            for rules in (tenet.Rules.load(path), tenet.Rules.from_file(path)):
                with rules:
                    self.assertEqual(keyed(rules.check(DEMO_TEMPLATE)),
                                     [("DEMO-001", "Small", "error")])

    def test_builtin_rules_object(self):
        with tenet.Rules.builtin() as rules:
            self.assertEqual(rules.check(TEMPLATE, regions=["us-east-1"]).diagnostics,
                             tenet.check(TEMPLATE, regions=["us-east-1"]).diagnostics)

    def test_rules_error_has_a_position(self):
        with self.assertRaises(tenet.RulesError) as cm:
            tenet.Rules.load(BAD_RULES)
        e = cm.exception
        self.assertEqual((e.line, e.column), (14, 22))
        self.assertIn("greater_than", e.message)
        self.assertEqual(e.source, "<rules>")
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.yaml")
            with open(path, "w") as f:
                f.write(BAD_RULES)
            with self.assertRaises(tenet.RulesError) as cm:
                tenet.Rules.load(path)
            self.assertEqual((cm.exception.line, cm.exception.column), (14, 22))
            self.assertEqual(cm.exception.source, path)
            self.assertTrue(str(cm.exception).startswith(f"{path}:14:22: "))

    def test_missing_rules_file(self):
        with self.assertRaises(tenet.RulesError):
            tenet.Rules.load("no/such/rules.yaml")

    def test_rules_must_be_a_rules_object(self):
        with self.assertRaises(TypeError):
            tenet.check(TEMPLATE, rules=DEMO_RULES)


class InputErrorTest(unittest.TestCase):
    BROKEN = "Resources:\n  Cache:\n    Type: AWS::ElastiCache::ReplicationGroup\n" \
             "    Properties:\n      EngineVersion: [4.0.10\n      Engine: redis\n"

    def test_unparseable_input_raises_with_position_and_report(self):
        with self.assertRaises(tenet.InputError) as cm:
            tenet.check(self.BROKEN, filename="broken.yaml")
        e = cm.exception
        self.assertIsInstance(e, tenet.Error)
        self.assertTrue(e.line and e.column)
        self.assertEqual(e.source, "broken.yaml")
        self.assertIsInstance(e.report, tenet.Report)
        self.assertEqual(e.report.summary.input_errors, 1)
        rec = e.report.input_errors[0]
        self.assertEqual((rec.file, rec.line, rec.column, rec.message),
                         ("broken.yaml", e.line, e.column, e.message))

    def test_undetectable_input(self):
        with self.assertRaises(tenet.InputError) as cm:
            tenet.check("just: a mapping\n")
        self.assertEqual(cm.exception.report.summary.input_errors, 1)


class ThreadTest(unittest.TestCase):
    def test_eight_threads_share_one_rules(self):
        sources = [TEMPLATE, DEMO_TEMPLATE, TEMPLATE.replace("3.2.10", "4.0.10")]
        with tenet.Rules.builtin() as rules:
            expected = [rules.check(s, regions=["us-east-1", "cn-north-1"]).json for s in sources]
            results, errors = [], []
            start = threading.Barrier(8)

            def work():
                try:
                    start.wait()
                    for i in range(20):
                        s = i % len(sources)
                        results.append((s, rules.check(sources[s],
                                                       regions=["us-east-1", "cn-north-1"]).json))
                except Exception as exc:  # surfaced below
                    errors.append(exc)

            threads = [threading.Thread(target=work) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
        self.assertEqual(errors, [])
        self.assertEqual(len(results), 8 * 20)
        for s, text in results:
            self.assertEqual(text, expected[s])

    def test_close_waits_for_running_checks(self):
        rules = tenet.Rules.builtin()
        done = []
        big = TEMPLATE * 1  # one document; many checks keep the handle busy

        def work():
            for _ in range(30):
                try:
                    done.append(len(rules.check(big, regions=["all"]).diagnostics))
                except ValueError:
                    return  # closed: checks after close() are refused, never crash

        threads = [threading.Thread(target=work) for _ in range(4)]
        for t in threads:
            t.start()
        rules.close()
        for t in threads:
            t.join()
        self.assertTrue(rules.closed)


if __name__ == "__main__":
    unittest.main()
