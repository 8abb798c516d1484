package tenet_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"

	"tenet.dev/tenet"
)

// Two replication groups: EngineVersion 3.2.10 cannot encrypt (line 9),
// and a KMS key without encryption.
const errorsTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  OldRedis:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: encrypted on a version that cannot encrypt
      Engine: redis
      CacheNodeType: cache.t3.micro
      EngineVersion: 3.2.10
      NumCacheClusters: 2
      CacheSubnetGroupName: private
      AtRestEncryptionEnabled: true
  KeyWithoutEncryption:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: a KMS key but no encryption
      Engine: redis
      EngineVersion: "6.2"
      CacheNodeType: cache.r5.large
      NumCacheClusters: 2
      CacheSubnetGroupName: private
      KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
`

// The engine version comes from a parameter (line 12) whose default is fine.
const paramsTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  RedisVersion:
    Type: String
    Default: "6.2"
Resources:
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
`

// Fine in us-east-1; GovCloud regions refuse the customer managed key (line 11).
const regionTemplate = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      ReplicationGroupDescription: encrypted with a customer managed key
      Engine: redis
      EngineVersion: "6.2"
      CacheNodeType: cache.r5.large
      AtRestEncryptionEnabled: true
      KmsKeyId: arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab
`

// A flow sequence that never closes: a parse error at 7:30.
const brokenTemplate = `Resources:
  Cache:
    Type: AWS::ElastiCache::ReplicationGroup
    Properties:
      Engine: redis
      EngineVersion: [4.0.10
      AtRestEncryptionEnabled: true
`

// An unknown operator at 14:22.
const badRules = `tenet: 1
name: broken-pack
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
    require: {size: {greater_than: 3}}
    message: "size {size} is too small"
`

func builtin(t testing.TB) *tenet.Rules {
	t.Helper()
	rules, err := tenet.Builtin()
	if err != nil {
		t.Fatalf("Builtin: %v", err)
	}
	t.Cleanup(func() { rules.Close() })
	return rules
}

func ptr[T any](v T) *T { return &v }

func js(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func find(r *tenet.Report, rule string) []tenet.Diagnostic {
	var out []tenet.Diagnostic
	for _, d := range r.Diagnostics {
		if d.Rule == rule {
			out = append(out, d)
		}
	}
	return out
}

func TestBuiltinFindsRule(t *testing.T) {
	rules := builtin(t)
	report, err := rules.Check([]byte(errorsTemplate),
		tenet.Options{Filename: "template.yaml", Regions: []string{"us-east-1"}})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	got := find(report, "EC-AR-001")
	if len(got) != 1 {
		t.Fatalf("want one EC-AR-001, got %d in %+v", len(got), report.Diagnostics)
	}
	d := got[0]
	want := tenet.Diagnostic{Rule: "EC-AR-001", Severity: tenet.SeverityError,
		Verdict: tenet.VerdictFail, File: ptr("template.yaml"), Line: ptr(9), Column: ptr(22),
		EndLine: ptr(9), EndColumn: ptr(28), Path: ptr("Resources.OldRedis.Properties.EngineVersion"),
		Subject: ptr("OldRedis"), Kind: ptr("elasticache.replication_group"),
		Operation: ptr("create"), Region: ptr("us-east-1"), Regions: []string{"us-east-1"}}
	d2 := d
	d2.Message, d2.Fix, d2.Source = "", nil, nil
	if !reflect.DeepEqual(d2, want) {
		t.Errorf("diagnostic\n got %s\nwant %s", js(d2), js(want))
	}
	if d.Message == "" || d.Fix == nil || d.Source == nil || d.Scenario != nil || d.Reason != nil {
		t.Errorf("message/fix/source should be set, scenario/reason null: %s", js(d))
	}
	if len(report.Errors()) != report.Summary.Errors || report.Summary.Errors < 2 {
		t.Errorf("Errors() = %d, summary %+v", len(report.Errors()), report.Summary)
	}
	if report.Summary.Files != 1 || report.Summary.Subjects != 2 || len(report.InputErrors) != 0 {
		t.Errorf("summary %+v, input errors %+v", report.Summary, report.InputErrors)
	}
	if report.Tenet != tenet.Version() || report.Schema < 1 {
		t.Errorf("report version %q schema %d, library %q", report.Tenet, report.Schema, tenet.Version())
	}
}

func TestPackageCheckUsesBuiltin(t *testing.T) {
	report, err := tenet.Check([]byte(errorsTemplate), tenet.Options{Regions: []string{"us-east-1"}})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	got := find(report, "EC-AR-001")
	if len(got) != 1 || tenet.Value(got[0].File) != "<input>" {
		t.Errorf("want EC-AR-001 in <input>, got %+v", got)
	}
}

func TestParams(t *testing.T) {
	rules := builtin(t)
	opts := tenet.Options{Filename: "template.yaml", Regions: []string{"us-east-1"}}
	report, err := rules.Check([]byte(paramsTemplate), opts)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if got := find(report, "EC-AR-001"); len(got) != 0 {
		t.Errorf("the default 6.2 is fine, got %+v", got)
	}
	opts.Params = map[string]string{"RedisVersion": "3.2.10"}
	report, err = rules.Check([]byte(paramsTemplate), opts)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	got := find(report, "EC-AR-001")
	if len(got) != 1 || tenet.Value(got[0].Line) != 12 || tenet.Value(got[0].Column) != 22 {
		t.Errorf("want EC-AR-001 at 12:22 with RedisVersion=3.2.10, got %+v", got)
	}
}

func TestRegions(t *testing.T) {
	rules := builtin(t)
	src := []byte(regionTemplate)
	report, err := rules.Check(src, tenet.Options{Regions: []string{"us-east-1"}})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if n := len(report.Errors()); n != 0 {
		t.Errorf("us-east-1 should be clean, got %+v", report.Errors())
	}
	report, err = rules.Check(src, tenet.Options{Regions: []string{"us-east-1", "us-gov-west-1"}})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	errs := report.Errors()
	if len(errs) != 1 || tenet.Value(errs[0].Region) != "us-gov-west-1" ||
		tenet.Value(errs[0].Line) != 11 ||
		!reflect.DeepEqual(errs[0].Regions, []string{"us-gov-west-1"}) {
		t.Errorf("want one error in us-gov-west-1 at line 11, got %+v", errs)
	}
	report, err = rules.Check(src, tenet.Options{Regions: []string{"all"}})
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(report.Errors()) < 2 {
		t.Errorf("`all` covers both GovCloud regions, got %+v", report.Errors())
	}
}

func TestBadRules(t *testing.T) {
	_, err := tenet.CompileRules("bad-rules.yaml", []byte(badRules))
	var terr *tenet.Error
	if !errors.As(err, &terr) {
		t.Fatalf("want *tenet.Error, got %T %v", err, err)
	}
	if terr.Code != tenet.CodeRules || terr.Line != 14 || terr.Column != 22 ||
		terr.Source != "bad-rules.yaml" || terr.Message == "" {
		t.Errorf("got %+v", terr)
	}
	if s := terr.Error(); s[:len("bad-rules.yaml:14:22: ")] != "bad-rules.yaml:14:22: " {
		t.Errorf("Error() = %q", s)
	}

	path := filepath.Join(t.TempDir(), "bad.yaml")
	if err := os.WriteFile(path, []byte(badRules), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = tenet.LoadRules(path)
	if !errors.As(err, &terr) || terr.Code != tenet.CodeRules || terr.Line != 14 ||
		terr.Column != 22 || terr.Source != path {
		t.Errorf("LoadRules: got %+v", err)
	}

	_, err = tenet.LoadRules(filepath.Join(t.TempDir(), "missing.yaml"))
	if !errors.As(err, &terr) || terr.Code != tenet.CodeIO {
		t.Errorf("missing file: got %+v", err)
	}
}

func TestCompileAndLoadRules(t *testing.T) {
	const pack = `tenet: 1
name: demo-pack
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
`
	const input = `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Small:
    Type: Demo::Thing
    Properties:
      Size: 2
`
	path := filepath.Join(t.TempDir(), "demo.yaml")
	if err := os.WriteFile(path, []byte(pack), 0o600); err != nil {
		t.Fatal(err)
	}
	loaded, err := tenet.LoadRules(path)
	if err != nil {
		t.Fatalf("LoadRules: %v", err)
	}
	defer loaded.Close()
	compiled, err := tenet.CompileRules("", []byte(pack))
	if err != nil {
		t.Fatalf("CompileRules: %v", err)
	}
	defer compiled.Close()
	for _, rules := range []*tenet.Rules{loaded, compiled} {
		report, err := rules.Check([]byte(input),
			tenet.Options{Filename: "in.yaml", InputFormat: "cloudformation"})
		if err != nil {
			t.Fatalf("Check: %v", err)
		}
		got := find(report, "DEMO-001")
		if len(got) != 1 || got[0].Message != "size 2 is too small" ||
			tenet.Value(got[0].Subject) != "Small" || tenet.Value(got[0].Line) != 6 {
			t.Errorf("want DEMO-001 on Small, got %+v", report.Diagnostics)
		}
	}
}

func TestBadInput(t *testing.T) {
	rules := builtin(t)
	report, err := rules.Check([]byte(brokenTemplate), tenet.Options{Filename: "broken.yaml"})
	var terr *tenet.Error
	if !errors.As(err, &terr) {
		t.Fatalf("want *tenet.Error, got %T %v", err, err)
	}
	if terr.Code != tenet.CodeParse || terr.Line != 7 || terr.Column != 30 || terr.Message == "" {
		t.Errorf("got %+v", terr)
	}
	if report == nil {
		t.Fatal("the report should come with the error")
	}
	want := []tenet.InputError{{File: ptr("broken.yaml"), Line: ptr(7), Column: ptr(30),
		Code: "parse-error", Message: terr.Message}}
	if !reflect.DeepEqual(report.InputErrors, want) {
		t.Errorf("input errors %s, want %s", js(report.InputErrors), js(want))
	}
	if report.Summary.InputErrors != 1 || report.Summary.Files != 1 {
		t.Errorf("summary %+v", report.Summary)
	}
}

func TestBadOptions(t *testing.T) {
	rules := builtin(t)
	var terr *tenet.Error
	report, err := rules.Check([]byte(errorsTemplate), tenet.Options{Filename: "a\x00b"})
	if report != nil || !errors.As(err, &terr) || terr.Code != tenet.CodeInvalid {
		t.Errorf("NUL in a filename: got %v, %v", report, err)
	}
	_, err = rules.Check([]byte(errorsTemplate), tenet.Options{InputFormat: "no-such-format"})
	if !errors.As(err, &terr) || terr.Message == "" {
		t.Errorf("unknown input format: got %v", err)
	}
	// Empty input is judged or refused, never a crash.
	if _, err := rules.Check(nil, tenet.Options{}); err != nil && !errors.As(err, &terr) {
		t.Errorf("empty input: %T %v", err, err)
	}
}

func TestClose(t *testing.T) {
	rules, err := tenet.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	if err := rules.Close(); err != nil {
		t.Fatal(err)
	}
	if err := rules.Close(); err != nil {
		t.Fatal(err)
	}
	var terr *tenet.Error
	if _, err := rules.Check([]byte(errorsTemplate), tenet.Options{}); !errors.As(err, &terr) ||
		terr.Code != tenet.CodeInvalid {
		t.Errorf("Check after Close: %v", err)
	}
}

// One Rules, many goroutines: every check gives the same answer.
func TestConcurrentChecks(t *testing.T) {
	rules := builtin(t)
	inputs := []struct {
		src  string
		opts tenet.Options
	}{
		{errorsTemplate, tenet.Options{Filename: "errors.yaml", Regions: []string{"us-east-1"}}},
		{paramsTemplate, tenet.Options{Filename: "params.yaml", Regions: []string{"us-east-1"},
			Params: map[string]string{"RedisVersion": "3.2.10"}}},
		{regionTemplate, tenet.Options{Filename: "region.yaml", Regions: []string{"all"}}},
		{brokenTemplate, tenet.Options{Filename: "broken.yaml"}},
	}
	want := make([]string, len(inputs))
	for i, in := range inputs {
		report, _ := rules.Check([]byte(in.src), in.opts)
		b, err := json.Marshal(report)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = string(b)
	}

	const goroutines, checks = 16, 20
	var wg sync.WaitGroup
	errs := make(chan string, goroutines*checks)
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for c := 0; c < checks; c++ {
				i := (g + c) % len(inputs)
				report, _ := rules.Check([]byte(inputs[i].src), inputs[i].opts)
				b, _ := json.Marshal(report)
				if string(b) != want[i] {
					errs <- inputs[i].opts.Filename + ": " + string(b)
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("different answer under concurrency: %s", e)
	}
}

// Close waits for running checks, and checks after it fail cleanly.
func TestCloseWhileChecking(t *testing.T) {
	rules, err := tenet.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for c := 0; c < 10; c++ {
				report, err := rules.Check([]byte(errorsTemplate), tenet.Options{})
				var terr *tenet.Error
				if err != nil && (!errors.As(err, &terr) || terr.Code != tenet.CodeInvalid) {
					t.Errorf("unexpected error %v", err)
				}
				if err == nil && len(report.Diagnostics) == 0 {
					t.Errorf("empty report")
				}
			}
		}()
	}
	rules.Close()
	wg.Wait()
}
