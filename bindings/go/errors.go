package tenet

// #include <tenet.h>
import "C"

import "fmt"

// Code is a libtenet status code (tenet_status). Values are stable.
type Code int

// The status codes of include/tenet/errors.h.
const (
	CodeOK      Code = C.TENET_OK
	CodeError   Code = C.TENET_ERROR   // generic failure
	CodeInvalid Code = C.TENET_EINVAL  // bad argument or option value
	CodeNoMem   Code = C.TENET_ENOMEM  // allocation failed
	CodeParse   Code = C.TENET_EPARSE  // the input document is malformed
	CodeRules   Code = C.TENET_ERULES  // the rules file is malformed or inconsistent
	CodeLimit   Code = C.TENET_ELIMIT  // an input exceeded a limit (depth, aliases, size, ...)
	CodeIO      Code = C.TENET_EIO     // a file could not be read
	CodeFormat  Code = C.TENET_EFORMAT // the input format is unknown or unsupported
)

// String is the library's short description of the code ("parse error").
func (c Code) String() string {
	return C.GoString(C.tenet_status_str(C.int(c)))
}

// Error is a failure reported by libtenet: a bad rules file, or an input
// that could not be read or parsed. Line and Column are 1-based; 0 means
// the error has no position. Source names the file the position refers to.
type Error struct {
	Code    Code
	Message string
	Source  string
	Line    int
	Column  int
}

func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code.String()
	}
	switch {
	case e.Source != "" && e.Line > 0 && e.Column > 0:
		return fmt.Sprintf("%s:%d:%d: %s", e.Source, e.Line, e.Column, msg)
	case e.Source != "" && e.Line > 0:
		return fmt.Sprintf("%s:%d: %s", e.Source, e.Line, msg)
	case e.Source != "":
		return fmt.Sprintf("%s: %s", e.Source, msg)
	}
	return msg
}

// newError converts a filled tenet_error; code is the call's return value,
// used when the library left err.code unset.
func newError(code C.int, cerr *C.tenet_error) *Error {
	e := &Error{
		Code:    Code(cerr.code),
		Message: C.GoString(&cerr.message[0]),
		Source:  C.GoString(&cerr.source[0]),
		Line:    int(cerr.line),
		Column:  int(cerr.column),
	}
	if e.Code == CodeOK {
		e.Code = Code(code)
	}
	return e
}
