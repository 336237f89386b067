package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"bando/layers"
	"bando/spatial"
	"bando/spatial/hex"
	"bando/spatial/query"
)

// hexParams are the H3 parameters; the rest of a URL or body selects the
// features as a question does.
var hexParams = []string{"res", "parent", "agg", "h3", "ring", "f"}

// h3 answers GET /api/h3?layer=L&res=8&bbox=…|admin=…&agg=count|sum:f|avg:f
// and POST /api/h3 (a question's layer, where and filter, plus res, parent,
// agg, h3, ring, f): the features the question selects, counted per H3 cell.
func (s *Server) h3(ctx context.Context, r *Request, p layers.Principal) *Response {
	var (
		q   query.Query
		get func(string) string
		err error
	)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		vals := r.Query.Values()
		get = vals.Get
		q, err = query.ParseValues(without(vals, hexParams...))
	case http.MethodPost:
		if err := s.checkQueryRequest(r); err != nil {
			return errorResponse(err)
		}
		var qbody []byte
		if qbody, get, err = splitHexBody(r.Body, r.Query); err != nil {
			return errorResponse(err)
		}
		q, err = query.Parse(qbody)
	default:
		return methodNotAllowed("GET, POST")
	}
	if err != nil {
		return queryError(err)
	}
	params, err := hex.ParseParams(get)
	if err != nil {
		return hexError(err)
	}
	if q.Grouped() {
		return errorResponse(badRequest("group_by and aggregate are not H3 parameters; use agg=count|sum:F|avg:F"))
	}
	l, err := s.cfg.Catalog.Get(q.Layer)
	if err != nil || !layers.CanSee(p, l) {
		return queryError(&query.Error{Code: query.CodeUnknown, Path: "layer", Message: "unknown layer " + strconv.Quote(q.Layer)})
	}
	if err := hex.Bind(params.Aggs, fieldLookup(p, l)); err != nil {
		return hexError(err)
	}
	req, err := params.Request()
	if err != nil {
		return hexError(err)
	}
	var selErr error
	scan := func(yield func(spatial.FeatureView) bool) {
		stopped := false
		_, selErr = s.queries.SelectViews(ctx, p, q, func(v spatial.FeatureView) {
			if !stopped && !yield(v) {
				stopped = true
			}
		})
	}
	res, err := s.hexes.AggregateViews(ctx, req, scan)
	if selErr != nil {
		return queryError(selErr)
	}
	if err != nil {
		return hexError(err)
	}
	var buf bytes.Buffer
	ct, err := res.Encode(&buf, params.Format)
	if err != nil {
		return hexError(err)
	}
	resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: buf.Bytes()}
	resp.Header.Set("Content-Type", ct)
	if params.Format == hex.CSV {
		resp.Header.Set("Content-Disposition", `attachment; filename="h3.csv"`)
	}
	return resp
}

// splitHexBody separates a POST body into the question (layer, where,
// filter) and the H3 parameters; the URL's f= also sets the format.
func splitHexBody(body []byte, uq Query) ([]byte, func(string) string, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, nil, badRequest("body: not a JSON object: " + err.Error())
	}
	hp := map[string]string{}
	for _, k := range hexParams {
		raw, ok := m[k]
		if !ok {
			continue
		}
		delete(m, k)
		v, err := hexBodyValue(k, raw)
		if err != nil {
			return nil, nil, err
		}
		hp[k] = v
	}
	if f := uq.Get("f"); f != "" {
		hp["f"] = f
	}
	q, err := json.Marshal(m)
	return q, func(k string) string { return hp[k] }, err
}

// hexBodyValue reads one H3 parameter of a body as its URL text: numbers
// and strings as they are, agg also as the query form's
// [{"op": "sum", "field": "f"}].
func hexBodyValue(k string, raw json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String(), nil
	}
	if k == "agg" {
		var list []struct{ Op, Field string }
		if json.Unmarshal(raw, &list) == nil {
			parts := make([]string, len(list))
			for i, a := range list {
				parts[i] = a.Op
				if a.Field != "" {
					parts[i] += ":" + a.Field
				}
			}
			return strings.Join(parts, ","), nil
		}
	}
	return "", badRequest(k + ": want a number or a string, got " + quote(string(raw)))
}

// fieldLookup resolves an aggregated field for p: a field p may not see is
// as unknown as a missing one.
func fieldLookup(p layers.Principal, l *layers.Layer) func(string) (int, bool, bool) {
	return func(name string) (int, bool, bool) {
		i := l.FieldIndex(name)
		if i < 0 || !layers.CanSeeField(p, l, &l.Fields[i]) {
			return -1, false, false
		}
		t := l.Fields[i].Type
		return i, t == layers.TypeInt || t == layers.TypeFloat, true
	}
}

// hexError answers an H3 error: 400 for a bad parameter, 422 for a limit.
func hexError(err error) *Response {
	switch {
	case errors.Is(err, hex.ErrInvalid):
		return errorResponse(&Error{Status: http.StatusBadRequest, Code: "invalid", Message: err.Error(), Err: err})
	case errors.Is(err, hex.ErrLimit):
		return errorResponse(&Error{Status: http.StatusUnprocessableEntity, Code: "limit", Message: err.Error(), Err: err})
	}
	if _, ok := query.AsError(err); ok {
		return queryError(err)
	}
	return errorResponse(err)
}
