package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"bando/ingest/feeds"
	"bando/layers"
)

// timeParam reads an RFC 3339 query parameter, def when absent.
func timeParam(r *Request, name string, def time.Time) (time.Time, error) {
	v := r.Query.Get(name)
	if v == "" {
		return def, nil
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return t, badRequest(name + " " + quote(v) + " is not an RFC 3339 time")
	}
	return t, nil
}

var (
	minTime = time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC)
)

// twinState answers every object's state at t (default now).
func (s *Server) twinState(ctx context.Context, r *Request, p layers.Principal) *Response {
	tw := s.cfg.Twin
	if _, err := s.layerFor(p, tw.Layer()); err != nil {
		return errorResponse(err)
	}
	at, err := timeParam(r, "t", maxTime)
	if err != nil {
		return errorResponse(err)
	}
	st, err := tw.State(ctx, at)
	if err != nil {
		return errorResponse(err)
	}
	out := struct {
		T       *time.Time `json:"t,omitempty"`
		Objects any        `json:"objects"`
	}{Objects: st}
	if at != maxTime {
		out.T = &at
	}
	if st == nil {
		out.Objects = []any{}
	}
	return jsonResponse(http.StatusOK, "application/json", out)
}

// twinWritable checks that p may write the live layer l: visible, a
// token, a write token, a body within the limit.
func (s *Server) twinWritable(r *Request, p layers.Principal, layer string) error {
	_, err := s.writable(r, p, layer)
	return err
}

func feedError(err error) *Response {
	if errors.Is(err, feeds.ErrTooLarge) {
		return errorResponse(&Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
			Message: err.Error(), Err: err})
	}
	return errorResponse(err)
}

// feedResponse is 200 with the report once every accepted line is
// durable; 422 when lines were sent and none was accepted.
func feedResponse(rep feeds.HTTPReport) *Response {
	status := http.StatusOK
	if rep.Accepted == 0 && len(rep.Rejected) > 0 {
		return errorResponse(&Error{Status: http.StatusUnprocessableEntity, Code: "invalid_input",
			Message: "no line was accepted: " + rep.Rejected[0].Error(), Details: rep})
	}
	return jsonResponse(status, "application/json", rep)
}

func (s *Server) twinPositions(ctx context.Context, r *Request, p layers.Principal) *Response {
	tw := s.cfg.Twin
	if err := s.twinWritable(r, p, tw.Layer()); err != nil {
		return errorResponse(err)
	}
	ps, rep, err := feeds.ParsePositions(r.Body, s.cfg.Limits)
	if err != nil {
		return feedError(err)
	}
	if len(ps) > 0 {
		if err := tw.Positions(ctx, ps); err != nil {
			s.cfg.Logger.Error("twin: positions not stored", "n", len(ps), "err", err)
			return errorResponse(err)
		}
	}
	return feedResponse(rep)
}

func (s *Server) twinObservations(ctx context.Context, r *Request, p layers.Principal) *Response {
	tw := s.cfg.Twin
	if err := s.twinWritable(r, p, tw.SensorLayer()); err != nil {
		return errorResponse(err)
	}
	os, rep, err := feeds.ParseObservations(r.Body, s.cfg.Limits)
	if err != nil {
		return feedError(err)
	}
	if len(os) > 0 {
		if err := tw.Observations(ctx, os); err != nil {
			s.cfg.Logger.Error("twin: observations not stored", "n", len(os), "err", err)
			return errorResponse(err)
		}
	}
	return feedResponse(rep)
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
