package api

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"bando/ingest"
	"bando/layers"
	"bando/layers/steward"
)

// The data steward's catalog routes: POST /collections creates a layer,
// PUT /collections/{id} changes it, DELETE /collections/{id} retires it.
// The body is the layer's catalog entry, in JSON (or YAML) with the keys of
// the YAML catalog. Each change answers the catalog version it produced.

// managed is the answer to a catalog change.
type managed struct {
	CatalogVersion uint64          `json:"catalog_version"`
	Collection     *collectionInfo `json:"collection,omitempty"`
	Retired        string          `json:"retired,omitempty"`
	Purged         *int            `json:"purged,omitempty"`
}

// steward checks that the request may change the catalog: a token (401
// without one), with the manage right (403), within the body limit.
func (s *Server) steward(r *Request, p layers.Principal) error {
	if s.cfg.Steward == nil {
		return &Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "this server does not manage its catalog at run time"}
	}
	if p.IsAnonymous() {
		return errTokenRequired
	}
	if !s.cfg.Tokens.CanManage(r.Header.Get("Authorization")) {
		return errNotSteward
	}
	if len(r.Body) > s.cfg.MaxBody {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large", Message: "request body exceeds the limit"}
	}
	return nil
}

// errNotSteward answers a token without the manage right.
var errNotSteward = &Error{Status: http.StatusForbidden, Code: "forbidden",
	Message: "this token may not manage the catalog (it needs manage: true)"}

func (s *Server) createLayer(ctx context.Context, r *Request, p layers.Principal) *Response {
	if err := s.steward(r, p); err != nil {
		return errorResponse(err)
	}
	res, err := s.cfg.Steward.Create(ctx, r.Body)
	if err != nil {
		return errorResponse(stewardError(err, r.Body))
	}
	resp := s.managedLayer(r, p, res, http.StatusCreated)
	resp.Header.Set("Location", r.BaseURL+"/collections/"+res.Layer.ID)
	return resp
}

func (s *Server) replaceLayer(ctx context.Context, r *Request, p layers.Principal, id string) *Response {
	if err := s.steward(r, p); err != nil {
		return errorResponse(err)
	}
	if _, err := s.layerFor(p, id); err != nil {
		return errorResponse(err) // a layer the steward may not see is not there
	}
	res, err := s.cfg.Steward.Replace(ctx, id, r.Body)
	if err != nil {
		return errorResponse(stewardError(err, r.Body))
	}
	return s.managedLayer(r, p, res, http.StatusOK)
}

func (s *Server) retireLayer(ctx context.Context, r *Request, p layers.Principal, id string) *Response {
	if err := s.steward(r, p); err != nil {
		return errorResponse(err)
	}
	if _, err := s.layerFor(p, id); err != nil {
		return errorResponse(err)
	}
	purge := false
	if v := r.Query.Get("purge"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return errorResponse(badRequest("purge " + quote(v) + ": want true or false"))
		}
		purge = b
	}
	res, err := s.cfg.Steward.Retire(ctx, id, purge)
	if err != nil {
		return errorResponse(stewardError(err, nil))
	}
	return jsonResponse(http.StatusOK, "application/json", managed{CatalogVersion: res.Version, Retired: id, Purged: &res.Purged})
}

func (s *Server) managedLayer(r *Request, p layers.Principal, res steward.Result, status int) *Response {
	out := managed{CatalogVersion: res.Version}
	if layers.CanSee(p, res.Layer) {
		c := s.describe(r, p, res.Layer)
		out.Collection = &c
	}
	return jsonResponse(status, "application/json", out)
}

// stewardError maps a refused change to its status; a malformed body's
// message quotes the start of the body.
func stewardError(err error, body []byte) error {
	var se *steward.Error
	if !errors.As(err, &se) {
		return err
	}
	e := &Error{Message: se.Msg, Err: err}
	switch se.Kind {
	case steward.Malformed:
		e.Status, e.Code = http.StatusBadRequest, "malformed_entry"
		e.Message += "; the body begins: " + bodyExcerpt(body)
	case steward.Invalid:
		e.Status, e.Code = http.StatusUnprocessableEntity, "invalid_entry"
		if se.Feature != "" {
			e.Details = map[string]string{"feature": se.Feature}
		}
	case steward.NotFound:
		e.Status, e.Code = http.StatusNotFound, "not_found"
	case steward.Exists, steward.Conflict:
		e.Status, e.Code = http.StatusConflict, "conflict"
	default:
		e.Status, e.Code = http.StatusInternalServerError, "internal"
	}
	return e
}

// bodyExcerpt is the start of a body for an error message: on one line,
// valid UTF-8, at most 64 bytes and the body's length.
func bodyExcerpt(b []byte) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "\uFFFD")), " ")
	if s == "" {
		return "(nothing)"
	}
	return ingest.Excerpt(s)
}
