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
		return errorResponse(&Error{Status: http.StatusServiceUnavailable, Code: "not_ready",
			Message: "the index is still loading"})
	}
	return jsonResponse(http.StatusOK, "application/json", map[string]string{"status": "ready"})
}
