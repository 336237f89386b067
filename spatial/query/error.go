package query

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Code classifies a refused question; Status maps it to HTTP.
type Code string

// Error codes.
const (
	// CodeSyntax: the body is not JSON, or not the shape of a query (400).
	CodeSyntax Code = "syntax"
	// CodeInvalid: a value breaks the model: a bad coordinate, a negative
	// radius, a type mismatch, an invalid zone (400).
	CodeInvalid Code = "invalid"
	// CodeUnknown: an unknown (or invisible) layer, field or admin unit (400).
	CodeUnknown Code = "unknown"
	// CodeAmbiguous: an admin name that matches several units; Candidates
	// lists them (400).
	CodeAmbiguous Code = "ambiguous"
	// CodeLimit: the question exceeds a configured limit: page size, zone
	// vertices, number of groups (422).
	CodeLimit Code = "limit"
	// CodeTimeout: the question ran past its time limit (422).
	CodeTimeout Code = "timeout"
)

// Error is why a question is refused. Path names the part of the query at
// fault in JSON terms ("where[1].radius.m", "filter.and[0].value"), empty
// when it concerns the whole query.
type Error struct {
	Code       Code        `json:"code"`
	Path       string      `json:"path,omitempty"`
	Message    string      `json:"message"`
	Candidates []Candidate `json:"candidates,omitempty"`
}

// Candidate is one admin unit an ambiguous name could mean.
type Candidate struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("query: ")
	if e.Path != "" {
		b.WriteString(e.Path)
		b.WriteString(": ")
	}
	b.WriteString(e.Message)
	return b.String()
}

// Status is the HTTP status for the error: 422 for limits and timeouts,
// 400 for everything else.
func (e *Error) Status() int {
	switch e.Code {
	case CodeLimit, CodeTimeout:
		return http.StatusUnprocessableEntity
	}
	return http.StatusBadRequest
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func errf(code Code, path, format string, args ...any) *Error {
	return &Error{Code: code, Path: path, Message: fmt.Sprintf(format, args...)}
}

// join builds a JSON path: join("where[0]", "radius") = "where[0].radius".
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }
