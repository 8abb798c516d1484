package tenet

// Severities and verdicts as they appear in Diagnostic.Severity and .Verdict.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
	SeverityInfo    = "info"

	VerdictFail    = "fail"    // the rule is violated
	VerdictUnknown = "unknown" // could not verify; Reason says why
	VerdictNote    = "note"    // from the engine, not a rule
)

// Report is the decoded JSON report of one check (README.md, "JSON output").
// Encoding it with encoding/json gives back the library's JSON: the same
// keys in the same order, null where the library wrote null.
type Report struct {
	Tenet       string       `json:"tenet"`  // library version that produced it
	Schema      int          `json:"schema"` // JSON schema version; later ones only add fields
	Diagnostics []Diagnostic `json:"diagnostics"`
	InputErrors []InputError `json:"input_errors"`
	Summary     Summary      `json:"summary"`
}

// Diagnostic is one finding. Pointer fields are nil where the JSON has null:
// a diagnostic without a position, a rule without a fix, a finding that
// holds in every scenario. Positions are 1-based; columns count code points
// and EndColumn is one past the last character.
type Diagnostic struct {
	Rule      string   `json:"rule"`     // rule id, or an engine note code
	Severity  string   `json:"severity"` // SeverityError, SeverityWarning, SeverityInfo
	Verdict   string   `json:"verdict"`  // VerdictFail, VerdictUnknown, VerdictNote
	Message   string   `json:"message"`
	Fix       *string  `json:"fix"`
	Reason    *string  `json:"reason"` // why the value could not be resolved (VerdictUnknown)
	File      *string  `json:"file"`
	Line      *int     `json:"line"`
	Column    *int     `json:"column"`
	EndLine   *int     `json:"end_line"`
	EndColumn *int     `json:"end_column"`
	Path      *string  `json:"path"`    // document path, e.g. Resources.Cache.Properties.EngineVersion
	Subject   *string  `json:"subject"` // logical id, Terraform address or request action
	Kind      *string  `json:"kind"`
	Operation *string  `json:"operation"`
	Region    *string  `json:"region"`  // the first region the finding holds in
	Regions   []string `json:"regions"` // every region it holds in
	Scenario  *string  `json:"scenario"`
	Source    *string  `json:"source"` // the section of the guide the rule encodes
	// A suppressed diagnostic stays in the report but counts only in
	// Summary.Suppressed; Suppression says how and why ("config: legacy cluster").
	Suppressed  bool    `json:"suppressed"`
	Suppression *string `json:"suppression"`
}

// InputError is an input that could not be read or parsed.
type InputError struct {
	File    *string `json:"file"`
	Line    *int    `json:"line"`
	Column  *int    `json:"column"`
	Code    string  `json:"code"` // stable token: "parse-error", "limit-exceeded", ...
	Message string  `json:"message"`
}

// Summary counts the report's inputs and findings.
type Summary struct {
	Files       int `json:"files"`    // inputs checked, including failed ones
	Subjects    int `json:"subjects"` // subjects judged
	Errors      int `json:"errors"`   // unsuppressed diagnostics by severity
	Warnings    int `json:"warnings"`
	Infos       int `json:"infos"`
	InputErrors int `json:"input_errors"`
	Suppressed  int `json:"suppressed"`
}

// Errors returns the error-severity diagnostics that are not suppressed
// (those Summary.Errors counts).
func (r *Report) Errors() []Diagnostic {
	var out []Diagnostic
	for _, d := range r.Diagnostics {
		if d.Severity == SeverityError && !d.Suppressed {
			out = append(out, d)
		}
	}
	return out
}

// Value returns *p, or the zero value when p is nil: tenet.Value(d.Line).
func Value[T any](p *T) T {
	if p == nil {
		var zero T
		return zero
	}
	return *p
}
