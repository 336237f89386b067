package api

import (
	"context"
	"net/http"
	"strings"

	"bando/layers"
	"bando/tiles"
)

func (s *Server) routeTiles(ctx context.Context, r *Request, p layers.Principal, seg []string) *Response {
	if !readMethod(r) {
		return methodNotAllowed("GET")
	}
	switch {
	case len(seg) == 1 && strings.HasSuffix(seg[0], ".json"):
		return s.tileJSON(r, p, strings.TrimSuffix(seg[0], ".json"))
	case len(seg) == 4:
		return s.tile(ctx, r, p, seg)
	}
	return errorResponse(notFound("tiles are at /tiles/{layer[,layer…]}/{z}/{x}/{y}.mvt and /tiles/{layer}.json"))
}

func (s *Server) tile(ctx context.Context, r *Request, p layers.Principal, seg []string) *Response {
	// .pbf is the older name of the same tiles.
	name := strings.Join(seg[1:], "/")
	if base, ok := strings.CutSuffix(name, ".pbf"); ok {
		name = base + tiles.PathSuffix
	}
	c, err := tiles.ParsePath(name)
	if err != nil {
		return errorResponse(err)
	}
	ids := strings.Split(seg[0], ",")
	t, err := s.cfg.Tiles.Tile(ctx, p, ids, c.Z, c.X, c.Y)
	if err != nil {
		return errorResponse(err)
	}
	resp := &Response{Status: http.StatusOK, Header: http.Header{}}
	resp.Header.Set("Cache-Control", "public, max-age=60")
	if !p.IsAnonymous() {
		resp.Header.Set("Cache-Control", "private, max-age=60")
	}
	resp.Header.Set("Vary", "Accept-Encoding, Authorization")
	raw := t.Bytes()
	if len(raw) == 0 {
		resp.Status = http.StatusNoContent
		return resp
	}
	resp.Header.Set("Content-Type", "application/vnd.mapbox-vector-tile")
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		resp.Header.Set("Content-Encoding", "gzip")
		resp.Body = t.Gzip()
		return resp
	}
	resp.Body = raw
	return resp
}

func (s *Server) tileJSON(r *Request, p layers.Principal, id string) *Response {
	b, err := s.cfg.Tiles.TileJSON(p, id, r.BaseURL)
	if err != nil {
		return errorResponse(err)
	}
	resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: b}
	resp.Header.Set("Content-Type", "application/json")
	return resp
}
