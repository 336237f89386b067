package api

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"

	"bando/crs"
	"bando/ingest"
	"bando/ingest/admincode"
	"bando/layers"
)

// writable checks, in this order, that the layer is visible (else 404, as
// if it did not exist), that the request is authenticated, and that its
// token may write.
func (s *Server) writable(r *Request, p layers.Principal, id string) (*layers.Layer, error) {
	l, err := s.layerFor(p, id)
	if err != nil {
		return nil, err
	}
	if p.IsAnonymous() {
		return nil, errTokenRequired
	}
	if !s.cfg.Tokens.CanWrite(r.Header.Get("Authorization")) {
		return nil, errForbidden
	}
	if len(r.Body) > s.cfg.MaxBody {
		return nil, &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
			Message: "request body exceeds the limit"}
	}
	return l, nil
}

func requestFormat(r *Request) (ingest.Format, error) {
	if name := r.Query.Get("format"); name != "" {
		f, err := ingest.ParseFormat(name)
		if err != nil {
			return "", &Error{Status: http.StatusBadRequest, Code: "unknown_format",
				Message: "unknown format " + quote(ingest.Excerpt(name)) + "; use geojson, ndjson, csv, overpass, shapefile, gpkg, kml, kmz or flatgeobuf", Err: err}
		}
		return f, nil
	}
	ct := r.Header.Get("Content-Type")
	if ct == "" {
		return "", &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "Content-Type is required: application/geo+json, application/x-ndjson, text/csv, application/zip (Shapefile), application/geopackage+sqlite3, application/vnd.google-earth.kml+xml, application/vnd.google-earth.kmz or application/flatgeobuf"}
	}
	f, err := ingest.FormatFromContentType(ct)
	if err != nil {
		return "", &Error{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: err.Error(), Err: err}
	}
	return f, nil
}

func (s *Server) createItems(ctx context.Context, r *Request, p layers.Principal, id string) *Response {
	l, err := s.writable(r, p, id)
	if err != nil {
		return errorResponse(err)
	}
	format, err := requestFormat(r)
	if err != nil {
		return errorResponse(err)
	}
	opt := ingest.Options{Partial: r.Query.Get("partial") == "true",
		Encoding: r.Query.Get("encoding"), Table: r.Query.Get("table"), AdminField: r.Query.Get("admin_field")}
	if opt.AdminField != "" {
		if opt.AdminCodes, err = admincode.Default(); err != nil {
			return errorResponse(err)
		}
	}
	switch v := r.Query.Get("invalid"); v {
	case "", "refuse":
	case "keep": // store invalid geometries as they are; /api/quality counts them
		opt.KeepInvalid = true
	default:
		return errorResponse(badRequest("invalid: want refuse or keep, got " + quote(v)))
	}
	if name := r.Query.Get("crs"); name != "" {
		if opt.CRS, err = crs.Parse(name); err != nil {
			return errorResponse(&Error{Status: http.StatusBadRequest, Code: "unknown_crs",
				Message: ingest.Excerpt(err.Error()), Err: err})
		}
	}
	return s.ingest(ctx, r, p, l, format, r.Body, opt)
}

// ingest parses body as p may write layer l (layers.WriteView: fields p may
// not see are unknown fields), merges back the stored values of those fields
// and stores the result.
func (s *Server) ingest(ctx context.Context, r *Request, p layers.Principal, l *layers.Layer, format ingest.Format, body []byte, opt ingest.Options) *Response {
	opt.Limits = s.cfg.Limits
	view, pos := layers.WriteView(p, l)
	feats, report, err := ingest.Prepare(view, format, bytes.NewReader(body), opt)
	if err != nil {
		return errorResponse(err)
	}
	unlock := s.writes.lock(l, len(feats), func(i int) string { return feats[i].ID })
	defer unlock()
	if pos != nil {
		if feats, err = s.mergeHidden(l, pos, feats, report, opt.Partial); err != nil {
			return errorResponse(err)
		}
	}
	if len(feats) > 0 {
		if _, err := s.cfg.Store.Put(ctx, l, feats); err != nil {
			s.cfg.Logger.Error("store write failed", "layer", l.ID, "err", err)
			return errorResponse(err)
		}
	}
	s.metrics.ingested(l, len(feats))
	resp := jsonResponse(http.StatusCreated, "application/json", report)
	if len(feats) == 1 {
		resp.Header.Set("Location", r.BaseURL+"/collections/"+l.ID+"/items/"+url.PathEscape(feats[0].ID))
	}
	return resp
}

// replaceItem stores one GeoJSON Feature under the id in the path. A body id
// that differs from the path is refused rather than silently renamed.
func (s *Server) replaceItem(ctx context.Context, r *Request, p layers.Principal, id, fid string) *Response {
	l, err := s.writable(r, p, id)
	if err != nil {
		return errorResponse(err)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(r.Body, &obj); err != nil {
		return errorResponse(badRequest("body is not a JSON object: " + err.Error()))
	}
	if t := strings.Trim(string(obj["type"]), `"`); t != "Feature" {
		return errorResponse(badRequest(`PUT takes one GeoJSON Feature ("type":"Feature")`))
	}
	want, _ := json.Marshal(fid)
	if got, ok := obj["id"]; ok {
		var v any
		_ = json.Unmarshal(got, &v)
		if s, _ := json.Marshal(v); string(s) != string(want) && strings.Trim(string(got), `"`) != fid {
			return errorResponse(badRequest("feature id " + ingest.Excerpt(string(got)) + " does not match the path id " + quote(fid)))
		}
	}
	obj["id"] = want
	body, _ := json.Marshal(obj)
	resp := s.ingest(ctx, r, p, l, ingest.Format("geojson"), body, ingest.Options{})
	if resp.Status == http.StatusCreated {
		resp.Status = http.StatusOK
	}
	return resp
}

func (s *Server) deleteItem(ctx context.Context, r *Request, p layers.Principal, id, fid string) *Response {
	l, err := s.writable(r, p, id)
	if err != nil {
		return errorResponse(err)
	}
	unlock := s.writes.lock(l, 1, func(int) string { return fid })
	defer unlock()
	cs, err := s.cfg.Store.Delete(ctx, l, []string{fid})
	if err != nil {
		return errorResponse(err)
	}
	if len(cs) == 0 {
		return errorResponse(notFound("no feature " + quote(fid) + " in collection " + quote(id)))
	}
	return &Response{Status: http.StatusNoContent, Header: http.Header{}}
}
