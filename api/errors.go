package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"bando/ingest"
	"bando/layers"
	"bando/quality"
	"bando/store"
	"bando/tiles"
)

// Error is an API error with its HTTP status, a stable code, a message that
// names the problem and optional structured details.
type Error struct {
	Status  int
	Code    string
	Message string
	Details any
	Err     error
	// RetryAfter, when set, is sent as Retry-After (whole seconds).
	RetryAfter time.Duration
}

func (e *Error) Error() string { return e.Message }
func (e *Error) Unwrap() error { return e.Err }

func badRequest(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: msg}
}

func notFound(msg string) *Error {
	return &Error{Status: http.StatusNotFound, Code: "not_found", Message: msg}
}

// statusClientClosed is nginx's 499: the client closed the connection
// before the answer was ready.
const statusClientClosed = 499

// maxQuoted bounds how much of a client's string an error message repeats:
// enough to recognise it, never an 11 MB id echoed back.
const maxQuoted = 64

// quote renders s for an error message in JSON string syntax, cut to
// maxQuoted bytes (at a rune boundary) with its full length noted.
func quote(s string) string {
	if len(s) <= maxQuoted {
		return jsonQuote(s)
	}
	cut := maxQuoted
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return jsonQuote(s[:cut]) + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

func methodNotAllowed(allow string) *Response {
	r := errorResponse(&Error{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
		Message: "method not allowed; allowed: " + allow})
	r.Header.Set("Allow", allow)
	return r
}

// asAPIError is the one place that maps errors to HTTP status.
func asAPIError(err error) *Error {
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var ie *ingest.Error
	if errors.As(err, &ie) {
		status, code := http.StatusUnprocessableEntity, "invalid_input"
		switch {
		case ie.TooLarge(): // over a limit: bytes, ratio, line, value, id, vertices, features
			status, code = http.StatusRequestEntityTooLarge, "payload_too_large"
		case ie.Malformed(): // unreadable input, as opposed to rule violations
			status = http.StatusBadRequest
		}
		return &Error{Status: status, Code: code, Message: ie.Error(), Details: ie.Problems, Err: err}
	}
	// A dependency that is down (the broker): the write was not taken.
	var down interface{ RetryAfter() time.Duration }
	if errors.As(err, &down) {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable", Message: err.Error(), Err: err,
			RetryAfter: down.RetryAfter()}
	}
	switch {
	case errors.Is(err, ingest.ErrUnknownFormat):
		return &Error{Status: http.StatusBadRequest, Code: "unknown_format", Message: err.Error(), Err: err}
	case errors.Is(err, ingest.ErrUnsupportedType):
		return &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type", Message: err.Error(), Err: err}
	case errors.Is(err, context.Canceled):
		// The client went away (or the server is stopping): nobody reads
		// this answer, but metrics should not count it as a server error.
		return &Error{Status: statusClientClosed, Code: "client_closed_request", Message: "request cancelled", Err: err}
	case errors.Is(err, context.DeadlineExceeded):
		return &Error{Status: http.StatusServiceUnavailable, Code: "timeout", Message: "request took too long", Err: err}
	case errors.Is(err, store.ErrUnavailable):
		return &Error{Status: http.StatusServiceUnavailable, Code: "store_unavailable",
			Message: "the store cannot be reached; retry shortly", Err: err}
	case errors.Is(err, quality.ErrComputing):
		return &Error{Status: http.StatusServiceUnavailable, Code: "computing", Message: err.Error(), Err: err}
	case errors.Is(err, layers.ErrUnknownLayer):
		return &Error{Status: http.StatusNotFound, Code: "not_found", Message: err.Error(), Err: err}
	case errors.Is(err, tiles.ErrBadTile):
		return &Error{Status: http.StatusBadRequest, Code: "bad_request", Message: err.Error(), Err: err}
	case errors.Is(err, errUnauthorized):
		return &Error{Status: http.StatusUnauthorized, Code: "unauthorized", Message: err.Error(), Err: err}
	case errors.Is(err, errForbidden):
		return &Error{Status: http.StatusForbidden, Code: "forbidden", Message: err.Error(), Err: err}
	}
	return &Error{Status: http.StatusInternalServerError, Code: "internal", Message: "internal error", Err: err}
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Details any    `json:"details,omitempty"`
	} `json:"error"`
}

func errorResponse(err error) *Response {
	ae := asAPIError(err)
	var b errorBody
	b.Error.Code, b.Error.Message, b.Error.Details = ae.Code, ae.Message, ae.Details
	body, _ := json.Marshal(b)
	r := &Response{Status: ae.Status, Header: http.Header{}, Body: body}
	r.Header.Set("Content-Type", "application/json")
	if ae.RetryAfter > 0 {
		r.Header.Set("Retry-After", strconv.Itoa(int((ae.RetryAfter+time.Second-1)/time.Second)))
	}
	if ae.Status == http.StatusUnauthorized {
		r.Header.Set("WWW-Authenticate", `Bearer realm="bando"`)
	}
	if ae.Code == "store_unavailable" {
		r.Header.Set("Retry-After", "1")
	}
	return r
}

func jsonResponse(status int, contentType string, v any) *Response {
	body, err := json.Marshal(v)
	if err != nil {
		return errorResponse(err)
	}
	r := &Response{Status: status, Header: http.Header{}, Body: body}
	r.Header.Set("Content-Type", contentType)
	return r
}
