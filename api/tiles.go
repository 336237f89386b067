package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"bando/layers"
	"bando/tiles"
)

func (s *Server) tile(ctx context.Context, r *Request, p layers.Principal, seg []string) *Response {
	name := strings.Join(seg[1:], "/")
	f, negotiated := tileFormat(r, name)
	path := name // already "z/x/y.mvt", the usual case: no copy
	if f != tiles.MVT || !strings.HasSuffix(name, tiles.PathSuffix) {
		if base, ok := strings.CutSuffix(name, f.Suffix()); ok {
			name = base
		} else if base, ok := strings.CutSuffix(name, ".pbf"); ok {
			name = base // .pbf is the older name of the MVT tiles
		}
		path = name + tiles.PathSuffix
	}
	c, err := tiles.ParsePath(path)
	if err != nil {
		return errorResponse(err)
	}
	one := [1]string{seg[0]}
	ids := one[:]
	if strings.Contains(seg[0], ",") {
		ids = strings.Split(seg[0], ",")
	}
	t, err := s.cfg.Tiles.TileFormat(ctx, p, f, ids, c.Z, c.X, c.Y)
	if err != nil {
		return errorResponse(err)
	}
	gz := acceptsEncoding(r, "gzip")
	resp := tileResponse(r, p, t, gz)
	resp.Header["Cache-Control"] = s.tileCaching(r, p, ids)
	if negotiated {
		resp.Header["Vary"] = hVaryAccept
	}
	return resp
}

// tileCaching is the tile's Cache-Control: a URL whose ?v= is the layers'
// current version (TileJSON's tile URLs) names one content for good, so it
// is immutable; a live layer's tile (vessels, vehicles, sensors) changes
// by the second, so caches revalidate it every time (its ETag makes that a
// 304); other tiles may be reused for a minute.
func (s *Server) tileCaching(r *Request, p layers.Principal, ids []string) []string {
	anon := p.IsAnonymous()
	pick := func(public, private []string) []string {
		if anon {
			return public
		}
		return private
	}
	if v := r.Query.Get("v"); v != "" && v == strconv.FormatUint(s.cfg.Tiles.Version(ids), 10) {
		return pick(hPublicPin, hPrivPin)
	}
	for _, id := range ids {
		if l, err := s.cfg.Catalog.Get(id); err == nil && l.Live() {
			return pick(hPublicLive, hPrivLive)
		}
	}
	return pick(hPublic, hPrivate)
}

// tileFormat returns the format of the tile at path name: the suffix
// decides (.mlt, or .mvt and .pbf), so that one URL always has one
// representation and caches need no Vary on Accept; a path without a
// suffix is negotiated from the Accept header (negotiated is then true).
func tileFormat(r *Request, name string) (f tiles.Format, negotiated bool) {
	last := name[strings.LastIndexByte(name, '/')+1:]
	if i := strings.LastIndexByte(last, '.'); i >= 0 {
		f, _ = tiles.ParseFormat(last[i+1:])
		return f, false
	}
	return acceptTileFormat(r), true
}

// Header values shared by every tile response. Header.Set and Header.Add
// replace or copy these slices (their capacity is their length), so sharing
// them is safe as long as nobody writes into one in place.
var (
	hPublic     = []string{"public, max-age=60"}
	hPrivate    = []string{"private, max-age=60"}
	hPublicLive = []string{"public, no-cache"}
	hPrivLive   = []string{"private, no-cache"}
	hPublicPin  = []string{"public, max-age=31536000, immutable"}
	hPrivPin    = []string{"private, max-age=31536000, immutable"}
	hVary       = []string{"Accept-Encoding, Authorization"}
	hVaryAccept = []string{"Accept, Accept-Encoding, Authorization"}
	hMVT        = []string{tiles.MVTMediaType}
	hMLT        = []string{tiles.MLTMediaType}
	hGzip       = []string{"gzip"}
)

// tileResponse answers with the tile, its strong ETag and cache headers: 204
// for an empty tile, 304 without a body when If-None-Match already names
// the representation that would be sent (raw or gzip).
func tileResponse(r *Request, p layers.Principal, t tiles.Tile, gz bool) *Response {
	gz = gz && !t.Empty()
	tag := t.ETag()
	if gz {
		tag = t.GzipETag()
	}
	h := make(http.Header, 6)
	h["Cache-Control"] = hPublic
	if !p.IsAnonymous() {
		h["Cache-Control"] = hPrivate
	}
	h["Vary"] = hVary
	h["Etag"] = []string{tag}
	resp := &Response{Status: http.StatusOK, Header: h}
	switch {
	case etagMatch(r.Header.Get("If-None-Match"), tag):
		resp.Status = http.StatusNotModified
	case t.Empty():
		resp.Status = http.StatusNoContent
	case gz:
		h["Content-Type"] = contentType(t)
		h["Content-Encoding"] = hGzip
		resp.Body = t.Gzip()
	default:
		h["Content-Type"] = contentType(t)
		resp.Body = t.Bytes()
	}
	return resp
}

func contentType(t tiles.Tile) []string {
	if t.Format() == tiles.MLT {
		return hMLT
	}
	return hMVT
}

// etagMatch reports whether an If-None-Match value names tag: "*" or a
// comma-separated list of entity tags, compared weakly (a W/ prefix is
// ignored) as RFC 9110 §13.1.2 asks.
func etagMatch(header, tag string) bool {
	for header != "" {
		var item string
		item, header, _ = strings.Cut(header, ",")
		item = strings.TrimSpace(item)
		if item == "*" || strings.TrimPrefix(item, "W/") == tag {
			return true
		}
	}
	return false
}

// tileJSON answers the layer's TileJSON; ?encoding=mlt lists the MLT
// tiles in "tiles" (and says "encoding": "mlt").
func (s *Server) tileJSON(r *Request, p layers.Principal, id string) *Response {
	f := tiles.MVT
	if e := r.Query.Get("encoding"); e != "" {
		var ok bool
		if f, ok = tiles.ParseFormat(e); !ok {
			return errorResponse(badRequest(fmt.Sprintf("encoding %q: want mvt or mlt", e)))
		}
	}
	b, err := s.cfg.Tiles.TileJSONFormat(p, id, r.BaseURL, f)
	if err != nil {
		return errorResponse(err)
	}
	resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: b}
	resp.Header.Set("Content-Type", "application/json")
	return resp
}
