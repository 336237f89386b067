package api

import (
	"net/http"
	"time"
)

func (s *Server) healthz(r *Request) *Response {
	return jsonResponse(http.StatusOK, "application/json", map[string]any{
		"status": "ok", "version": s.cfg.Version, "uptime_s": int(time.Since(s.started).Seconds()),
	})
}

func (s *Server) readyz(r *Request) *Response {
	if !s.ready.Load() {
		resp := errorResponse(&Error{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Message: "the index is still loading"})
		resp.Header.Set("Retry-After", "1")
		return resp
	}
	return jsonResponse(http.StatusOK, "application/json", map[string]string{"status": "ready"})
}

// readyGate answers 503 to everything but health and metrics until the index
// is loaded: a tile rendered, or a read answered, from a half-loaded index
// would be wrong, and a write could race the load. It returns nil once ready.
func (s *Server) readyGate(r *Request) *Response {
	if s.ready.Load() {
		return nil
	}
	switch r.Path {
	case "/healthz", "/readyz", "/metrics":
		return nil
	}
	resp := errorResponse(&Error{Status: http.StatusServiceUnavailable, Code: "not_ready",
		Message: "the server is still loading its data; retry shortly"})
	resp.Header.Set("Retry-After", "1")
	return resp
}
