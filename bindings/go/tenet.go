// Package tenet checks infrastructure inputs (CloudFormation templates,
// Terraform plans, AWS requests) against tenet rule packs, by calling
// libtenet. Everything the library decides — rule semantics, messages,
// defaults — stays in C; this package passes options in and decodes the
// JSON report out (see bindings/README.md for the contract).
//
//	rules, err := tenet.Builtin()
//	if err != nil { ... }
//	defer rules.Close()
//	report, err := rules.Check(src, tenet.Options{Filename: "template.yaml", Regions: []string{"us-east-1"}})
//
// A *Rules is immutable once compiled and may be used by any number of
// goroutines at once.
package tenet

/*
#include <stdlib.h>
#include <tenet.h>

// The source struct lives on the C stack, so no Go memory holds a pointer.
static int tn_go_compile(tenet_ruleset **out, const char *name, const char *data, size_t len,
                         tenet_error *err) {
    tenet_rules_source src = {name, data, len};
    return tenet_ruleset_compile(out, &src, 1, err);
}
*/
import "C"

import (
	"encoding/json"
	"runtime"
	"sort"
	"strings"
	"sync"
	"unsafe"
)

// Version is the version of the libtenet actually linked ("0.1.0").
func Version() string {
	return C.GoString(C.tenet_version())
}

// Rules is a compiled ruleset. Safe for concurrent use; Close releases it
// (a finalizer does so too if Close is never called).
type Rules struct {
	mu sync.RWMutex // Check holds it shared, Close exclusively: no check outlives the ruleset
	rs *C.tenet_ruleset
}

func newRules(rs *C.tenet_ruleset) *Rules {
	r := &Rules{rs: rs}
	runtime.SetFinalizer(r, (*Rules).Close)
	return r
}

// Builtin compiles the rule packs embedded in the library.
func Builtin() (*Rules, error) {
	var rs *C.tenet_ruleset
	var cerr C.tenet_error
	if rc := C.tenet_ruleset_builtin(&rs, &cerr); rc != C.TENET_OK {
		return nil, newError(rc, &cerr)
	}
	return newRules(rs), nil
}

// LoadRules reads and compiles one rule pack file. A malformed pack gives
// an *Error with Code CodeRules and the Line and Column of the problem; an
// unreadable file gives CodeIO.
func LoadRules(path string) (*Rules, error) {
	if err := noNUL("path", path); err != nil {
		return nil, err
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var rs *C.tenet_ruleset
	var cerr C.tenet_error
	if rc := C.tenet_ruleset_load_file(&rs, cpath, &cerr); rc != C.TENET_OK {
		return nil, newError(rc, &cerr)
	}
	return newRules(rs), nil
}

// CompileRules compiles one rule pack from its YAML text; name is used in
// error positions ("" means "<rules>").
func CompileRules(name string, yaml []byte) (*Rules, error) {
	if err := noNUL("name", name); err != nil {
		return nil, err
	}
	var cname *C.char
	if name != "" {
		cname = C.CString(name)
		defer C.free(unsafe.Pointer(cname))
	}
	var rs *C.tenet_ruleset
	var cerr C.tenet_error
	rc := C.tn_go_compile(&rs, cname, bytesPtr(yaml), C.size_t(len(yaml)), &cerr)
	if rc != C.TENET_OK {
		return nil, newError(rc, &cerr)
	}
	return newRules(rs), nil
}

// Close frees the ruleset once every running Check has returned. Later
// checks fail with CodeInvalid. Close is idempotent and always returns nil.
func (r *Rules) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.rs != nil {
		C.tenet_ruleset_free(r.rs)
		r.rs = nil
		runtime.SetFinalizer(r, nil)
	}
	return nil
}

// Options of one check. Zero values mean the library's defaults.
type Options struct {
	Filename    string            // shown in diagnostics; "" = "<input>"
	Regions     []string          // regions to evaluate; "all" = the pack's region set
	Params      map[string]string // template parameter values
	InputFormat string            // "" or "auto" = detect; or "cloudformation", ...
	Operation   string            // for inputs that do not name one: create, update, ...
}

// Check judges src and returns the decoded report. When the input cannot be
// read or parsed, it returns the report (which lists the input error) and
// an *Error with the position; for bad options it returns only the error.
func (r *Rules) Check(src []byte, opts Options) (*Report, error) {
	raw, cerr := r.checkJSON(src, opts)
	if raw == nil {
		return nil, cerr
	}
	report := &Report{}
	if err := json.Unmarshal(raw, report); err != nil {
		return nil, &Error{Code: CodeError, Message: "tenet: cannot decode the report: " + err.Error()}
	}
	if cerr != nil {
		return report, cerr
	}
	return report, nil
}

// checkJSON runs one check and returns the library's JSON report, or nil
// when there is none; the *Error is set whenever the check failed.
func (r *Rules) checkJSON(src []byte, opts Options) ([]byte, *Error) {
	// Shared: checks run in parallel; it only keeps Close (and, since r is
	// in use until the deferred unlock, the finalizer) from freeing the
	// ruleset under a running check.
	r.mu.RLock()
	defer r.mu.RUnlock()
	if r.rs == nil {
		return nil, &Error{Code: CodeInvalid, Message: "tenet: Check on closed Rules"}
	}
	copts, err := opts.toC()
	if err != nil {
		return nil, err
	}
	defer copts.free()

	var rep *C.tenet_report
	if rc := C.tenet_report_new(&rep); rc != C.TENET_OK {
		return nil, &Error{Code: Code(rc), Message: Code(rc).String()}
	}
	defer C.tenet_report_free(rep)

	var cerr C.tenet_error
	rc := C.tenet_check(rep, r.rs, bytesPtr(src), C.size_t(len(src)), &copts.opts, &cerr)
	if rc == C.TENET_EINVAL || rc == C.TENET_ENOMEM {
		return nil, newError(rc, &cerr)
	}
	raw, rerr := render(rep)
	if rerr != nil {
		return nil, rerr
	}
	if rc != C.TENET_OK {
		return raw, newError(rc, &cerr)
	}
	return raw, nil
}

var builtin struct {
	once  sync.Once
	rules *Rules
	err   error
}

// Check judges src against the built-in rules, compiled once per process
// and kept for its lifetime.
func Check(src []byte, opts Options) (*Report, error) {
	builtin.once.Do(func() { builtin.rules, builtin.err = Builtin() })
	if builtin.err != nil {
		return nil, builtin.err
	}
	return builtin.rules.Check(src, opts)
}

// render asks the library for the JSON report.
func render(rep *C.tenet_report) ([]byte, *Error) {
	var ro C.tenet_render_options
	C.tenet_render_options_init(&ro, 1)
	ro.format = C.TENET_FORMAT_JSON
	var buf C.tenet_buf
	var cerr C.tenet_error
	rc := C.tenet_report_render(rep, &ro, &buf, &cerr)
	defer C.tenet_buf_dispose(&buf)
	if rc != C.TENET_OK {
		return nil, newError(rc, &cerr)
	}
	return C.GoBytes(unsafe.Pointer(buf.ptr), C.int(buf.size)), nil
}

// cOptions holds a tenet_check_options whose strings and arrays live in C
// memory (cgo forbids passing Go memory that holds Go pointers) until free.
type cOptions struct {
	opts  C.tenet_check_options
	alloc []unsafe.Pointer
}

func (c *cOptions) str(s string) *C.char {
	if s == "" {
		return nil
	}
	p := C.CString(s)
	c.alloc = append(c.alloc, unsafe.Pointer(p))
	return p
}

func (c *cOptions) array(n int, size C.size_t) unsafe.Pointer {
	p := C.calloc(C.size_t(n), size)
	if p == nil {
		panic("tenet: out of memory")
	}
	c.alloc = append(c.alloc, p)
	return p
}

func (c *cOptions) free() {
	for _, p := range c.alloc {
		C.free(p)
	}
	c.alloc = nil
}

func (o *Options) toC() (*cOptions, *Error) {
	for _, s := range append([]string{o.Filename, o.InputFormat, o.Operation}, o.Regions...) {
		if err := noNUL("option", s); err != nil {
			return nil, err
		}
	}
	names := make([]string, 0, len(o.Params))
	for k, v := range o.Params {
		if err := noNUL("parameter", k+v); err != nil {
			return nil, err
		}
		names = append(names, k)
	}
	sort.Strings(names) // deterministic order for the library

	c := &cOptions{}
	// Version 1: the fields this package sets, accepted by every libtenet.
	C.tenet_check_options_init(&c.opts, 1)
	c.opts.filename = c.str(o.Filename)
	c.opts.input_format = c.str(o.InputFormat)
	c.opts.operation = c.str(o.Operation)
	if n := len(o.Regions); n > 0 {
		p := c.array(n, C.size_t(unsafe.Sizeof((*C.char)(nil))))
		regions := unsafe.Slice((**C.char)(p), n)
		for i, reg := range o.Regions {
			regions[i] = C.CString(reg)
			c.alloc = append(c.alloc, unsafe.Pointer(regions[i]))
		}
		c.opts.regions = (**C.char)(p)
		c.opts.region_count = C.size_t(n)
	}
	if n := len(names); n > 0 {
		p := c.array(n, C.sizeof_tenet_param)
		params := unsafe.Slice((*C.tenet_param)(p), n)
		for i, k := range names {
			params[i].name = C.CString(k)
			params[i].value = C.CString(o.Params[k])
			c.alloc = append(c.alloc, unsafe.Pointer(params[i].name), unsafe.Pointer(params[i].value))
		}
		c.opts.params = (*C.tenet_param)(p)
		c.opts.param_count = C.size_t(n)
	}
	return c, nil
}

// C strings end at NUL; refuse rather than silently truncate.
func noNUL(what, s string) *Error {
	if strings.IndexByte(s, 0) >= 0 {
		return &Error{Code: CodeInvalid, Message: "tenet: " + what + " contains a NUL byte"}
	}
	return nil
}

var zero = [1]byte{}

// bytesPtr points at b's bytes for the duration of a call (never NULL).
func bytesPtr(b []byte) *C.char {
	if len(b) == 0 {
		return (*C.char)(unsafe.Pointer(&zero[0]))
	}
	return (*C.char)(unsafe.Pointer(&b[0]))
}
