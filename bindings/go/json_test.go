package tenet

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The Go structs round-trip the library's JSON: same keys, same values.
// A field the library adds and the structs lack fails here.
func TestReportRoundTrip(t *testing.T) {
	rules, err := Builtin()
	if err != nil {
		t.Fatal(err)
	}
	defer rules.Close()
	inputs := []struct {
		src  string
		opts Options
	}{
		{"Resources:\n  C:\n    Type: AWS::ElastiCache::ReplicationGroup\n    Properties:\n" +
			"      Engine: redis\n      EngineVersion: 3.2.10\n      AtRestEncryptionEnabled: true\n",
			Options{Filename: "<stdin>", Regions: []string{"all"}}},
		{"Resources: [\n", Options{Filename: "broken.yaml"}},
	}
	for _, in := range inputs {
		raw, _ := rules.checkJSON([]byte(in.src), in.opts)
		if raw == nil {
			t.Fatalf("%s: no report", in.opts.Filename)
		}
		var report Report
		if err := json.Unmarshal(raw, &report); err != nil {
			t.Fatal(err)
		}
		again, err := json.Marshal(report)
		if err != nil {
			t.Fatal(err)
		}
		var want, got interface{}
		if err := json.Unmarshal(raw, &want); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(again, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: round trip differs\nlibrary: %s\n     go: %s", in.opts.Filename, raw, again)
		}
	}
}
