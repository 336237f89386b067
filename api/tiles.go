package api

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"bando/layers"
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
	y, ok := strings.CutSuffix(seg[3], ".mvt")
	if !ok {
		y, ok = strings.CutSuffix(seg[3], ".pbf")
	}
	if !ok {
		return errorResponse(badRequest("tile path must end in .mvt, got " + quote(seg[3])))
	}
	var zxy [3]int
	for i, v := range []string{seg[1], seg[2], y} {
		n, err := strconv.Atoi(v)
		if err != nil {
			return errorResponse(badRequest("tile coordinate " + quote(v) + " is not an integer"))
		}
		zxy[i] = n
	}
	ids := strings.Split(seg[0], ",")
	t, err := s.cfg.Tiles.Tile(ctx, p, ids, zxy[0], zxy[1], zxy[2])
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
