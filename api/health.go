package api

import (
	"net/http"
	"time"
)

// healthz is liveness: 200 while the process serves, with the state of
// its dependencies for the operator (readyz is the one that fails on them).
func (s *Server) healthz(r *Request) *Response {
	out := map[string]any{"status": "ok", "version": s.cfg.Version, "uptime_s": int(time.Since(s.started).Seconds())}
	if len(s.checks) > 0 {
		out["checks"], _ = s.runChecks()
	}
	return jsonResponse(http.StatusOK, "application/json", out)
}

// runChecks returns each check's details (with its error, if any) and the
// first error.
func (s *Server) runChecks() (map[string]any, string) {
	details, failed := map[string]any{}, ""
	for _, c := range s.checks {
		d, err := c.Check()
		if d == nil {
			d = map[string]any{}
		}
		if err != nil {
			d["error"] = err.Error()
			if failed == "" {
				failed = err.Error()
			}
		}
		details[c.Name] = d
	}
	return details, failed
}

func (s *Server) readyz(r *Request) *Response {
	if !s.ready.Load() {
		resp := errorResponse(&Error{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Message: "the index is still loading"})
		resp.Header.Set("Retry-After", "1")
		return resp
	}
	if len(s.checks) == 0 {
		return jsonResponse(http.StatusOK, "application/json", map[string]string{"status": "ready"})
	}
	details, failed := s.runChecks()
	if failed != "" {
		resp := errorResponse(&Error{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Message: failed, Details: details})
		resp.Header.Set("Retry-After", "2")
		return resp
	}
	return jsonResponse(http.StatusOK, "application/json", map[string]any{"status": "ready", "checks": details})
}

// Check is a dependency /readyz reports (the broker, the database): its
// details, and an error while it is down (readyz then answers 503).
type Check struct {
	Name  string
	Check func() (map[string]any, error)
}

// AddCheck adds a dependency to /readyz. Call it before SetReady(true).
func (s *Server) AddCheck(c Check) { s.checks = append(s.checks, c) }

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
