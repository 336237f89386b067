package api

import (
	"net/http"
	"net/netip"
	"net/url"
	"unsafe"

	"github.com/valyala/fasthttp"
)

// Request is a transport-independent HTTP request. Under fasthttp its
// Header and Query read the fasthttp request in place: nothing is copied up
// front, and Get copies only the one value asked for (a string that stays
// valid after the request, unlike fasthttp's reused buffers).
type Request struct {
	Method string
	Path   string
	// RawPath is the path as sent, before percent-decoding, so that a
	// feature id such as "way/123" can travel as one segment (way%2F123).
	RawPath string
	Query   Query
	Header  Header
	// Body is the request body; under fasthttp it is fasthttp's buffer,
	// valid only until Handle returns.
	Body []byte
	// BaseURL is scheme://host as the client sees it, for absolute links
	// (see baseURL in proxy.go for which headers are trusted).
	BaseURL string
	// RemoteIP is the peer address of the connection; invalid in tests.
	RemoteIP netip.Addr
}

// NewRequest builds a Request for tests and other transports from a method
// and a target such as "/collections/x/items?limit=3". BaseURL is
// "http://test"; set headers with r.Header.Set.
func NewRequest(method, target string, body []byte) *Request {
	u, err := url.Parse(target)
	if err != nil {
		u = &url.URL{Path: target}
	}
	return &Request{Method: method, Path: u.Path, RawPath: u.EscapedPath(),
		Query: QueryOf(u.Query()), Body: body, BaseURL: "http://test"}
}

// Header reads request headers. Lookups are case-insensitive.
type Header struct {
	fh *fasthttp.RequestHeader
	m  http.Header
}

// HeaderOf wraps a net/http header (for tests and other transports).
func HeaderOf(h http.Header) Header { return Header{m: h} }

// Get returns the first value of header k, or "".
func (h Header) Get(k string) string {
	if h.fh != nil {
		return string(h.fh.Peek(k))
	}
	return h.m.Get(k)
}

// transient returns header k without copying under fasthttp: the string
// aliases fasthttp's buffer and must not outlive the call that reads it
// (parsers such as encodingQ that only look).
func (h Header) transient(k string) string {
	if h.fh != nil {
		b := h.fh.Peek(k)
		return unsafe.String(unsafe.SliceData(b), len(b))
	}
	return h.m.Get(k)
}

// Values returns every value of header k, in order.
func (h Header) Values(k string) []string {
	if h.fh != nil {
		var out []string
		for _, v := range h.fh.PeekAll(k) {
			out = append(out, string(v))
		}
		return out
	}
	return h.m.Values(k)
}

// Set replaces header k.
func (h *Header) Set(k, v string) {
	if h.fh != nil {
		h.fh.Set(k, v)
		return
	}
	if h.m == nil {
		h.m = http.Header{}
	}
	h.m.Set(k, v)
}

// Query reads the decoded query string.
type Query struct {
	a *fasthttp.Args
	v url.Values
}

// QueryOf wraps url.Values (for tests and other transports).
func QueryOf(v url.Values) Query { return Query{v: v} }

// Get returns the first value of parameter k, or "".
func (q Query) Get(k string) string {
	if q.a != nil {
		return string(q.a.Peek(k))
	}
	return q.v.Get(k)
}

// Has reports whether parameter k is present, even if empty.
func (q Query) Has(k string) bool {
	if q.a != nil {
		return q.a.Has(k)
	}
	return q.v.Has(k)
}

// Values returns a copy of every parameter, for building links.
func (q Query) Values() url.Values {
	if q.a == nil {
		out := make(url.Values, len(q.v))
		for k, vs := range q.v {
			out[k] = append([]string(nil), vs...)
		}
		return out
	}
	out := url.Values{}
	for k, v := range q.a.All() {
		out.Add(string(k), string(v))
	}
	return out
}

// methodString returns the method as a constant for the common methods, so
// reading it allocates nothing.
func methodString(b []byte) string {
	for _, m := range [...]string{http.MethodGet, http.MethodHead, http.MethodPost,
		http.MethodPut, http.MethodDelete, http.MethodOptions, http.MethodPatch} {
		if string(b) == m {
			return m
		}
	}
	return string(b)
}
