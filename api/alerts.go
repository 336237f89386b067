package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"bando/layers"
	"bando/twin"
)

// canSeeLayer applies the access policy to a layer by id; an unknown
// layer is not visible.
func (s *Server) canSeeLayer(p layers.Principal, id string) bool {
	l, err := s.cfg.Catalog.Get(id)
	return err == nil && layers.CanSee(p, l)
}

// alerts lists the alerts p may see (those of layers it may see), newest
// first, filtered by state, kind and object.
func (s *Server) alerts(r *Request, p layers.Principal) *Response {
	f := twin.AlertFilter{State: r.Query.Get("state"), Kind: r.Query.Get("kind"), Object: r.Query.Get("object")}
	switch f.State {
	case "", twin.Open, twin.Acknowledged, twin.Resolved:
	default:
		return errorResponse(badRequest("state must be open, acknowledged or resolved"))
	}
	out := []twin.Alert{}
	for _, a := range s.cfg.Twin.Alerts(f) {
		if s.canSeeLayer(p, a.Layer) {
			out = append(out, a)
		}
	}
	return jsonResponse(http.StatusOK, "application/json", struct {
		Alerts []twin.Alert `json:"alerts"`
	}{out})
}

// ackAlert acknowledges an alert: a write token that may see it.
func (s *Server) ackAlert(ctx context.Context, r *Request, p layers.Principal, id string) *Response {
	var found *twin.Alert
	for _, a := range s.cfg.Twin.Alerts(twin.AlertFilter{}) {
		if a.ID == id {
			found = &a
			break
		}
	}
	if found == nil || !s.canSeeLayer(p, found.Layer) {
		return errorResponse(notFound("no alert " + quote(id)))
	}
	if p.IsAnonymous() {
		return errorResponse(errTokenRequired)
	}
	if !s.cfg.Tokens.CanWrite(r.Header.Get("Authorization")) {
		return errorResponse(errForbidden)
	}
	var body struct {
		Note string `json:"note"`
	}
	if len(r.Body) > 0 {
		if err := json.Unmarshal(r.Body, &body); err != nil {
			return errorResponse(badRequest(`body must be a JSON object such as {"note": "…"}`))
		}
	}
	a, err := s.cfg.Twin.Ack(ctx, id, p.Name, body.Note)
	switch {
	case errors.Is(err, twin.ErrNoAlert):
		return errorResponse(notFound("no alert " + quote(id)))
	case errors.Is(err, twin.ErrResolved):
		return errorResponse(&Error{Status: http.StatusConflict, Code: "resolved", Message: "alert " + quote(id) + " is already resolved"})
	case err != nil:
		return errorResponse(err)
	}
	return jsonResponse(http.StatusOK, "application/json", a)
}
