package hex

import (
	"errors"
	"fmt"
)

// ErrInvalid is what every *Error unwraps to: the question is malformed (an
// HTTP 400). errors.Is(err, hex.ErrInvalid) tests for it.
var ErrInvalid = errors.New("hex: invalid parameter")

// ErrLimit is what every *LimitError unwraps to: the question is well formed
// but too big to answer within the configured limits (an HTTP 422).
var ErrLimit = errors.New("hex: limit exceeded")

// Error is a bad parameter: Param names it as the URL does ("res",
// "parent", "ring", "h3", "agg", "lon", "lat"), Value is what was given.
type Error struct {
	Param  string
	Value  string
	Reason string
}

func (e *Error) Error() string {
	return fmt.Sprintf("hex: %s=%s: %s", e.Param, e.Value, e.Reason)
}

func (e *Error) Unwrap() error { return ErrInvalid }

func badParam(param string, value any, format string, args ...any) *Error {
	return &Error{Param: param, Value: fmt.Sprint(value), Reason: fmt.Sprintf(format, args...)}
}

// LimitError says which limit a question hit: What names it ("cells of one
// feature", "cells in the result"), Limit is the configured bound, Got what
// the question needed (or an estimate of it, when the work was refused
// before doing it).
type LimitError struct {
	What  string
	Limit int
	Got   int
	Hint  string
}

func (e *LimitError) Error() string {
	s := fmt.Sprintf("hex: %s: %d exceeds the limit of %d", e.What, e.Got, e.Limit)
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

func (e *LimitError) Unwrap() error { return ErrLimit }
