package api

import (
	"context"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

const (
	defaultLimit = 10
	maxLimit     = 10000
)

type page struct {
	limit, offset int
	boxes         []orb.Bound // nil: no bbox filter
	// bboxZone is a bbox given in another CRS than CRS84, as the CRS84
	// polygon it covers (the engine answers it exactly).
	bboxZone orb.Polygon
	crs      crsChoice // of the answer
}

func parsePage(q Query) (page, error) {
	p := page{limit: defaultLimit}
	var err error
	if v := q.Get("limit"); v != "" {
		if p.limit, err = strconv.Atoi(v); err != nil || p.limit < 1 {
			return p, badRequest("limit must be a positive integer, got " + quote(v))
		}
		p.limit = min(p.limit, maxLimit)
	}
	if v := q.Get("offset"); v != "" {
		if p.offset, err = strconv.Atoi(v); err != nil || p.offset < 0 {
			return p, badRequest("offset must be a non-negative integer, got " + quote(v))
		}
	}
	bc, err := parseCRS("bbox-crs", q.Get("bbox-crs"))
	if err != nil {
		return p, err
	}
	if v := q.Get("bbox"); v != "" && bc.isCRS84() {
		if p.boxes, err = parseBBox(v); err != nil {
			return p, err
		}
	} else if v != "" {
		n, err := bboxNumbers(v)
		if err != nil {
			return p, err
		}
		if n[0] > n[2] || n[1] > n[3] {
			return p, badRequest("bbox: in " + bc.uri + " the lower corner must come first")
		}
		p.bboxZone = bc.zone(n)
	}
	p.crs, err = parseCRS("crs", q.Get("crs"))
	return p, err
}

// bboxNumbers reads "minx,miny,maxx,maxy" (or the 6-number 3D form,
// heights dropped).
func bboxNumbers(v string) ([4]float64, error) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return [4]float64{}, badRequest("bbox needs 4 numbers minx,miny,maxx,maxy, got " + quote(v))
	}
	n := make([]float64, len(parts))
	for i, s := range parts {
		f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return [4]float64{}, badRequest("bbox: " + quote(s) + " is not a number")
		}
		n[i] = f
	}
	if len(n) == 6 {
		return [4]float64{n[0], n[1], n[3], n[4]}, nil
	}
	return [4]float64{n[0], n[1], n[2], n[3]}, nil
}

// parseBBox reads "minx,miny,maxx,maxy" (or the 6-number 3D form). A box
// whose minx > maxx crosses the antimeridian and becomes two boxes.
func parseBBox(v string) ([]orb.Bound, error) {
	n, err := bboxNumbers(v)
	if err != nil {
		return nil, err
	}
	minx, miny, maxx, maxy := n[0], n[1], n[2], n[3]
	if minx < -180 || maxx > 180 || minx > 180 || maxx < -180 {
		return nil, badRequest("bbox: longitude out of range [-180, 180]")
	}
	if miny < -90 || maxy > 90 || miny > maxy {
		return nil, badRequest("bbox: latitude out of range [-90, 90] or miny > maxy")
	}
	if minx > maxx {
		return []orb.Bound{
			{Min: orb.Point{minx, miny}, Max: orb.Point{180, maxy}},
			{Min: orb.Point{-180, miny}, Max: orb.Point{maxx, maxy}},
		}, nil
	}
	return []orb.Bound{{Min: orb.Point{minx, miny}, Max: orb.Point{maxx, maxy}}}, nil
}

func (s *Server) items(ctx context.Context, r *Request, p layers.Principal, id string) *Response {
	l, err := s.layerFor(p, id)
	if err != nil {
		return errorResponse(err)
	}
	if err := checkParams(r.Query, itemsParams); err != nil {
		return errorResponse(err)
	}
	pg, err := parsePage(r.Query)
	if err != nil {
		return errorResponse(err)
	}
	if needsEngine(r.Query) || pg.bboxZone != nil {
		return s.filteredItems(ctx, r, p, l, pg)
	}
	var feats []*spatial.Feature
	matched := 0
	if pg.boxes == nil {
		matched = s.cfg.Index.Count(l.ID)
		s.cfg.Index.Ascend(l.ID, pg.offset, func(f *spatial.Feature) bool {
			feats = append(feats, f)
			return len(feats) < pg.limit
		})
	} else {
		ids := s.matching(l.ID, pg.boxes)
		matched = len(ids)
		if pg.offset < len(ids) {
			for _, id := range ids[pg.offset:min(len(ids), pg.offset+pg.limit)] {
				// A feature deleted since matching is left out of the page.
				if f, ok := s.cfg.Index.Get(l.ID, id); ok {
					feats = append(feats, f)
				}
			}
		}
	}
	return s.featureCollection(r, p, l, feats, matched, pg)
}

// matching returns the ids of the features intersecting any of the boxes,
// in id order. It reads the index in place and materialises nothing but
// the ids.
func (s *Server) matching(layer string, boxes []orb.Bound) []string {
	var out []string
	for _, b := range boxes {
		s.cfg.Index.ScanIntersecting(layer, b, func(v spatial.FeatureView) bool {
			out = append(out, strings.Clone(v.ID()))
			return true
		})
	}
	sort.Slice(out, func(i, j int) bool { return spatial.Less(out[i], out[j]) })
	return slices.Compact(out) // a feature in both halves of an antimeridian box
}

func (s *Server) featureCollection(r *Request, p layers.Principal, l *layers.Layer, feats []*spatial.Feature, matched int, pg page) *Response {
	return s.featureCollectionOf(r, l, feats, matched, pg, layers.VisibleFields(p, l))
}

// featureCollectionOf writes the page with the given fields (indexes into
// l.Fields, already checked against what the principal may see).
func (s *Server) featureCollectionOf(r *Request, l *layers.Layer, feats []*spatial.Feature, matched int, pg page, visible []int) *Response {
	buf := make([]byte, 0, 256*len(feats)+256)
	buf = append(buf, `{"type":"FeatureCollection","features":[`...)
	out := s.outputFor(l.ID, pg.crs)
	var err error
	for i, f := range feats {
		if i > 0 {
			buf = append(buf, ',')
		}
		if buf, err = appendFeature(buf, f, l, visible, out); err != nil {
			return errorResponse(err)
		}
	}
	buf = append(buf, `],"numberMatched":`...)
	buf = strconv.AppendInt(buf, int64(matched), 10)
	buf = append(buf, `,"numberReturned":`...)
	buf = strconv.AppendInt(buf, int64(len(feats)), 10)
	buf = append(buf, `,"timeStamp":`...)
	buf = appendJSONString(buf, time.Now().UTC().Format(time.RFC3339))
	buf = append(buf, `,"links":[`...)
	for i, lk := range s.pageLinks(r, l.ID, pg, matched) {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `{"rel":`...)
		buf = appendJSONString(buf, lk.Rel)
		buf = append(buf, `,"type":"application/geo+json","href":`...)
		buf = appendJSONString(buf, lk.Href)
		buf = append(buf, '}')
	}
	buf = append(buf, "]}"...)
	resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: buf}
	resp.Header.Set("Content-Type", "application/geo+json")
	resp.Header.Set("Content-Crs", "<"+pg.crs.uri+">")
	return resp
}

// appendFeatureLinks puts the links a single feature must carry
// (/req/core/f-links: itself and its collection) into the Feature object
// buf ends with.
func appendFeatureLinks(buf []byte, collection, fid string) []byte {
	self := collection + "/items/" + url.PathEscape(fid)
	buf = buf[:len(buf)-1] // the Feature's closing brace
	buf = append(buf, `,"links":[{"rel":"self","type":"application/geo+json","href":`...)
	buf = appendJSONString(buf, self)
	buf = append(buf, `},{"rel":"alternate","type":"text/html","href":`...)
	buf = appendJSONString(buf, self+"?f=html")
	buf = append(buf, `},{"rel":"collection","type":"application/json","href":`...)
	buf = appendJSONString(buf, collection)
	return append(buf, "}]}"...)
}

func (s *Server) pageLinks(r *Request, id string, pg page, matched int) []link {
	at := func(offset int) string {
		q := r.Query.Values()
		q.Set("limit", strconv.Itoa(pg.limit))
		q.Set("offset", strconv.Itoa(offset))
		return r.BaseURL + "/collections/" + id + "/items?" + q.Encode()
	}
	links := []link{{Rel: "self", Href: at(pg.offset)}}
	if pg.offset+pg.limit < matched {
		links = append(links, link{Rel: "next", Href: at(pg.offset + pg.limit)})
	}
	if pg.offset > 0 {
		links = append(links, link{Rel: "prev", Href: at(max(0, pg.offset-pg.limit))})
	}
	return links
}

func (s *Server) item(r *Request, p layers.Principal, id, fid string) *Response {
	l, err := s.layerFor(p, id)
	if err != nil {
		return errorResponse(err)
	}
	if err := checkParams(r.Query, itemParams); err != nil {
		return errorResponse(err)
	}
	fields, err := selectFields(r.Query, p, l)
	if err != nil {
		return errorResponse(err)
	}
	c, err := parseCRS("crs", r.Query.Get("crs"))
	if err != nil {
		return errorResponse(err)
	}
	f, ok := s.cfg.Index.Get(l.ID, fid)
	if !ok {
		return errorResponse(notFound("no feature " + quote(fid) + " in collection " + quote(id)))
	}
	buf, err := appendFeature(nil, f, l, fields, s.outputFor(l.ID, c))
	if err != nil {
		return errorResponse(err)
	}
	buf = appendFeatureLinks(buf, r.BaseURL+"/collections/"+url.PathEscape(l.ID), fid)
	resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: buf}
	resp.Header.Set("Content-Type", "application/geo+json")
	resp.Header.Set("Content-Crs", "<"+c.uri+">")
	return resp
}
