package api

import (
	"context"
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
	if len(s.cfg.Checks) == 0 {
		return jsonResponse(http.StatusOK, "application/json", map[string]string{"status": "ready"})
	}
	checks, failed := s.runChecks()
	if failed != "" {
		resp := jsonResponse(http.StatusServiceUnavailable, "application/json",
			map[string]any{"status": "unavailable", "message": failed + " cannot be reached", "checks": checks})
		resp.Header.Set("Retry-After", "1")
		return resp
	}
	return jsonResponse(http.StatusOK, "application/json", map[string]any{"status": "ready", "checks": checks})
}

// Check is a service the server depends on, for /readyz.
type Check struct {
	Name string
	Fn   func(context.Context) error
}

// checkTimeout bounds each check of a /readyz request.
const checkTimeout = 2 * time.Second

// runChecks runs every check and names the first that failed.
func (s *Server) runChecks() (map[string]string, string) {
	out := make(map[string]string, len(s.cfg.Checks))
	failed := ""
	for _, c := range s.cfg.Checks {
		ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
		err := c.Fn(ctx)
		cancel()
		out[c.Name] = "ok"
		if err != nil {
			// The reason goes to the log: /readyz is public.
			s.cfg.Logger.Warn("readiness check failed", "check", c.Name, "err", err)
			out[c.Name] = "unavailable"
			if failed == "" {
				failed = c.Name
			}
		}
	}
	return out, failed
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
