package api

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"bando/layers"
	"bando/spatial/query"
)

// query answers POST /api/query (a JSON query body) and GET /api/query
// (the URL form, see queryFromURL) with features or grouped figures, as
// JSON or, with f=csv or Accept: text/csv, CSV.
func (s *Server) query(ctx context.Context, r *Request, p layers.Principal) *Response {
	var (
		q   query.Query
		err error
	)
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		q, err = query.ParseValues(without(r.Query.Values(), "geometry"))
	case http.MethodPost:
		if err := s.checkQueryRequest(r); err != nil {
			return errorResponse(err)
		}
		q, err = query.Parse(r.Body)
	default:
		return methodNotAllowed("GET, POST")
	}
	if err != nil {
		return queryError(err)
	}
	res, err := s.queries.Run(ctx, p, q)
	if err != nil {
		return queryError(err)
	}
	if wantsCSV(r) {
		var buf bytes.Buffer
		if err := res.WriteCSV(&buf, r.Query.Get("geometry") == "wkt"); err != nil {
			return errorResponse(err)
		}
		return csvResponse(buf.Bytes(), "query.csv")
	}
	b, err := res.MarshalJSON()
	if err != nil {
		return errorResponse(err)
	}
	ct := "application/geo+json"
	if res.Grouped {
		ct = "application/json"
	}
	resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: b}
	resp.Header.Set("Content-Type", ct)
	return resp
}

// checkQueryRequest refuses POST bodies over the body limit. The
// Content-Type is not checked: a question is JSON whatever it says (curl's
// -d sends form-urlencoded), and a body that is not JSON is refused by the
// parser with the offset where it fails.
func (s *Server) checkQueryRequest(r *Request) error {
	if len(r.Body) > s.cfg.MaxBody {
		return &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large", Message: "request body exceeds the limit"}
	}
	return nil
}

// queryError answers a refused question: a *query.Error as 400 or 422 with
// its code, the JSON path at fault and, for an ambiguous name, the
// candidates; anything else as the usual API error.
func queryError(err error) *Response {
	qe, ok := query.AsError(err)
	if !ok {
		return errorResponse(err)
	}
	details := map[string]any{}
	if qe.Path != "" {
		details["path"] = qe.Path
	}
	if len(qe.Candidates) > 0 {
		details["candidates"] = qe.Candidates
	}
	ae := &Error{Status: qe.Status(), Code: string(qe.Code), Message: qe.Error(), Err: err}
	if len(details) > 0 {
		ae.Details = details
	}
	return errorResponse(ae)
}

// wantsCSV reports whether the answer should be CSV: f=csv, or an Accept
// header that names text/csv.
func wantsCSV(r *Request) bool {
	if f := r.Query.Get("f"); f != "" {
		return f == "csv"
	}
	return strings.Contains(r.Header.Get("Accept"), "text/csv")
}

func csvResponse(b []byte, name string) *Response {
	resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: b}
	resp.Header.Set("Content-Type", "text/csv; charset=utf-8")
	resp.Header.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	return resp
}

// without is v less the named parameters: those of the answer's encoding
// (geometry=wkt) or of another engine (H3's res, agg), which the query
// model does not know.
func without(v url.Values, names ...string) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		if !slices.Contains(names, k) {
			out[k] = vs
		}
	}
	return out
}
