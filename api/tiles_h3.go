package api

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"bando/layers"
	"bando/spatial/hex"
	"bando/tiles"
)

// aggTile answers GET /tiles/{h3|heat}/{layer}/{z}/{x}/{y}.mvt?agg=… and
// GET /tiles/{h3|heat}/{layer}.json?agg=…: H3 hexagons or heatmap points
// with their figure, computed by the map-questions engine.
func (s *Server) aggTile(ctx context.Context, r *Request, p layers.Principal, seg []string) *Response {
	kind, agg := tiles.AggKind(seg[0]), r.Query.Get("agg")
	if len(seg) == 2 {
		id, ok := strings.CutSuffix(seg[1], ".json")
		if !ok {
			return errorResponse(notFound("aggregate tiles are described at /tiles/" + seg[0] + "/{layer}.json"))
		}
		b, err := s.cfg.Tiles.AggregateTileJSON(p, kind, id, agg, r.BaseURL)
		if err != nil {
			return aggTileError(err)
		}
		resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: b}
		resp.Header.Set("Content-Type", "application/json")
		return resp
	}
	name := strings.Join(seg[2:], "/")
	if base, ok := strings.CutSuffix(name, ".pbf"); ok {
		name = base + tiles.PathSuffix
	}
	c, err := tiles.ParsePath(name)
	if err != nil {
		return errorResponse(err)
	}
	t, err := s.cfg.Tiles.AggregateTile(ctx, p, kind, seg[1], agg, c.Z, c.X, c.Y)
	if err != nil {
		return aggTileError(err)
	}
	return tileResponse(r, p, t, acceptsEncoding(r, "gzip"))
}

// aggTileError answers a bad figure with 400 and a limit of the H3 engine
// with 422; the rest as every tile error (404 for an unknown or hidden
// layer, 400 for a bad coordinate).
func aggTileError(err error) *Response {
	switch {
	case errors.Is(err, tiles.ErrBadAgg):
		return errorResponse(&Error{Status: http.StatusBadRequest, Code: "invalid", Message: err.Error(), Err: err})
	case errors.Is(err, hex.ErrInvalid), errors.Is(err, hex.ErrLimit):
		return hexError(err)
	}
	return errorResponse(err)
}
