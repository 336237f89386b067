package api

import (
	"net/http"
	"strings"
)

// corsHeaders are the request headers a cross-origin page may send on a
// read beyond the CORS-safelisted ones. Authorization is not among them:
// CORS here is for anonymous reads; writes and private reads are for
// same-origin pages and servers.
var corsHeaders = []string{"Accept", "Accept-Language", "Content-Language",
	"If-None-Match", "If-Modified-Since", "Range", "Cache-Control"}

const corsMaxAge = "600"

// corsOrigin returns the Access-Control-Allow-Origin value for the
// request, or "" when CORS does not apply: only configured origins (or any
// with "*"), only anonymous reads, and never /metrics.
func (s *Server) corsOrigin(r *Request) string {
	if len(s.cfg.CORSOrigins) == 0 || r.Path == "/metrics" || r.Header.Get("Authorization") != "" {
		return ""
	}
	origin := r.Header.Get("Origin")
	for _, o := range s.cfg.CORSOrigins {
		if o == "*" {
			return "*"
		}
		if origin != "" && o == origin {
			return origin
		}
	}
	return ""
}

// cors marks the response of an anonymous GET or HEAD readable from the
// configured origins. No Allow-Credentials: browsers then send no cookies,
// and bando reads no cookies anyway.
func (s *Server) cors(r *Request, resp *Response) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return
	}
	if len(s.cfg.CORSOrigins) > 0 && s.cfg.CORSOrigins[0] != "*" {
		addVary(resp.Header, "Origin") // the answer depends on the Origin
	}
	o := s.corsOrigin(r)
	if o == "" {
		return
	}
	resp.Header.Set("Access-Control-Allow-Origin", o)
	resp.Header.Set("Access-Control-Expose-Headers", "ETag, Content-Encoding")
}

// preflight answers OPTIONS. A CORS preflight for GET or HEAD from an
// allowed origin gets the allow headers; anything else gets only Allow,
// which a browser reads as a refusal.
func (s *Server) preflight(r *Request) *Response {
	resp := &Response{Status: http.StatusNoContent, Header: http.Header{}}
	resp.Header.Set("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS")
	if len(s.cfg.CORSOrigins) > 0 && s.cfg.CORSOrigins[0] != "*" {
		addVary(resp.Header, "Origin")
	}
	m := r.Header.Get("Access-Control-Request-Method")
	if m != http.MethodGet && m != http.MethodHead {
		return resp
	}
	o := s.corsOrigin(r)
	if o == "" || !allowedCORSHeaders(r.Header.Get("Access-Control-Request-Headers")) {
		return resp
	}
	resp.Header.Set("Access-Control-Allow-Origin", o)
	resp.Header.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	resp.Header.Set("Access-Control-Allow-Headers", strings.Join(corsHeaders, ", "))
	resp.Header.Set("Access-Control-Max-Age", corsMaxAge)
	return resp
}

func allowedCORSHeaders(list string) bool {
	for h := range strings.SplitSeq(list, ",") {
		h = strings.TrimSpace(h)
		if h == "" {
			continue
		}
		ok := false
		for _, a := range corsHeaders {
			ok = ok || strings.EqualFold(h, a)
		}
		if !ok {
			return false
		}
	}
	return true
}

// edge applies what every response gets on its way out: CORS headers and
// compression.
func (s *Server) edge(r *Request, resp *Response) {
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	s.cors(r, resp)
	compress(r, resp)
}
