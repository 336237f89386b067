package api

import (
	"context"
	"net/http"
	"slices"
	"time"
)

// healthz is liveness: 200 while the process serves, with the state of
// its dependencies for the operator (readyz is the one that fails on them).
func (s *Server) healthz(r *Request) *Response {
	out := map[string]any{"status": "ok", "version": s.cfg.Version, "uptime_s": int(time.Since(s.started).Seconds())}
	if len(s.checks)+len(s.cfg.Checks) > 0 {
		out["checks"], _ = s.runChecks()
	}
	return jsonResponse(http.StatusOK, "application/json", out)
}

// checkTimeout bounds each ping of a /readyz or /healthz request.
const checkTimeout = 2 * time.Second

// runChecks returns each check's details and the first failure: a Check's
// own details (with its error), a ping's "ok" or "unavailable" — a ping's
// reason goes to the log only, as /readyz is public and a database error
// may name hosts and users.
func (s *Server) runChecks() (map[string]any, string) {
	details, failed := map[string]any{}, ""
	fail := func(msg string) {
		if failed == "" {
			failed = msg
		}
	}
	for _, c := range slices.Concat(s.cfg.Checks, s.checks) {
		if c.Fn != nil {
			ctx, cancel := context.WithTimeout(context.Background(), checkTimeout)
			err := c.Fn(ctx)
			cancel()
			d := map[string]any{"status": "ok"}
			if err != nil {
				s.cfg.Logger.Warn("readiness check failed", "check", c.Name, "err", err)
				d["status"] = "unavailable"
				fail(c.Name + " cannot be reached")
			}
			details[c.Name] = d
			continue
		}
		d, err := c.Check()
		if d == nil {
			d = map[string]any{}
		}
		if err != nil {
			d["error"] = err.Error()
			fail(err.Error())
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
	if len(s.checks)+len(s.cfg.Checks) == 0 {
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

// Check is a dependency /readyz reports (the broker, the database). Check
// gives its details and an error while it is down; Fn, for a plain ping
// (the database), only the error. Either makes /readyz answer 503.
type Check struct {
	Name  string
	Check func() (map[string]any, error)
	Fn    func(context.Context) error
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
