// Command tenet-json checks files through the Go binding and prints the
// report as JSON with the keys of `tenet check --format json`. It exists so
// that tests can compare the binding's answers with the CLI's.
//
//	go run ./cmd/tenet-json [--region R]... [--param K=V]... [--input-format F]
//	                        [--operation O] [--rules FILE] FILE...
//
// `-` reads stdin as "<stdin>". Several files give one report: diagnostics
// and input errors in argument order, summaries added (bindings/README.md,
// "Command-line drivers"). Exit status as the CLI: 0 no error-severity
// finding, 1 at least one, 2 usage error, unreadable or unparseable input,
// bad rules.
package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"tenet.dev/tenet"
)

const usage = "usage: tenet-json [--region R]... [--param K=V]... [--input-format F] " +
	"[--operation O] [--rules FILE] FILE..."

type args struct {
	opts  tenet.Options
	rules string
	paths []string
}

func usageError(msg string) {
	fmt.Fprintf(os.Stderr, "tenet-json: %s\n%s\n", msg, usage)
	os.Exit(2)
}

// parseArgs accepts --name VALUE and --name=VALUE anywhere, like the CLI.
func parseArgs(argv []string) args {
	var a args
	a.opts.Params = map[string]string{}
	for i := 0; i < len(argv); i++ {
		arg := argv[i]
		if arg == "--" {
			a.paths = append(a.paths, argv[i+1:]...)
			break
		}
		if !strings.HasPrefix(arg, "--") {
			a.paths = append(a.paths, arg)
			continue
		}
		name, value, inline := strings.Cut(arg[2:], "=")
		if name == "help" {
			fmt.Println(usage)
			os.Exit(0)
		}
		if !inline {
			if i+1 >= len(argv) {
				usageError("--" + name + " needs a value")
			}
			i++
			value = argv[i]
		}
		switch name {
		case "region":
			// Comma lists and repeats, as the CLI accepts them.
			for _, r := range strings.Split(value, ",") {
				if r != "" && !contains(a.opts.Regions, r) {
					a.opts.Regions = append(a.opts.Regions, r)
				}
			}
		case "param":
			k, v, ok := strings.Cut(value, "=")
			if !ok || k == "" {
				usageError("--param needs NAME=VALUE, got " + value)
			}
			a.opts.Params[k] = v
		case "input-format":
			a.opts.InputFormat = value
		case "operation":
			a.opts.Operation = value
		case "rules":
			a.rules = value
		default:
			usageError("unknown option --" + name)
		}
	}
	if len(a.paths) == 0 {
		usageError("no input: give one or more paths, or - for stdin")
	}
	return a
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func read(path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(path)
}

func main() {
	a := parseArgs(os.Args[1:])
	var rules *tenet.Rules
	var err error
	if a.rules != "" {
		rules, err = tenet.LoadRules(a.rules)
	} else {
		rules, err = tenet.Builtin()
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "tenet-json: %v\n", err)
		os.Exit(2)
	}
	defer rules.Close()

	// One report over every file: the binding checks one input per call,
	// so the per-file reports are concatenated and their summaries added.
	all := tenet.Report{Tenet: tenet.Version(), Schema: 1,
		Diagnostics: []tenet.Diagnostic{}, InputErrors: []tenet.InputError{}}
	failed := false
	for i, path := range a.paths {
		name := path
		if path == "-" {
			name = "<stdin>"
		}
		src, rerr := read(path)
		if rerr != nil {
			fmt.Fprintf(os.Stderr, "tenet-json: %s: cannot read: %v\n", name, rerr)
			os.Exit(2)
		}
		opts := a.opts
		opts.Filename = name
		report, err := rules.Check(src, opts)
		if report == nil {
			fmt.Fprintf(os.Stderr, "tenet-json: %v\n", err)
			os.Exit(2)
		}
		if err != nil {
			failed = true
		}
		if i == 0 {
			all.Tenet, all.Schema = report.Tenet, report.Schema
		}
		all.Diagnostics = append(all.Diagnostics, report.Diagnostics...)
		all.InputErrors = append(all.InputErrors, report.InputErrors...)
		s := report.Summary
		all.Summary.Files += s.Files
		all.Summary.Subjects += s.Subjects
		all.Summary.Errors += s.Errors
		all.Summary.Warnings += s.Warnings
		all.Summary.Infos += s.Infos
		all.Summary.InputErrors += s.InputErrors
		all.Summary.Suppressed += s.Suppressed
	}

	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(all); err != nil {
		fmt.Fprintf(os.Stderr, "tenet-json: %v\n", err)
		os.Exit(2)
	}
	switch {
	case failed || all.Summary.InputErrors > 0:
		os.Exit(2)
	case all.Summary.Errors > 0:
		os.Exit(1)
	}
}
