package api

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"
	"time"

	"bando/layers"
	"bando/store"
	"bando/twin"
)

// twinTrack answers one object's track from..to: a GeoJSON LineString
// Feature whose properties carry the time (and speed, course) of each
// vertex, or with f=points a FeatureCollection of the fixes.
func (s *Server) twinTrack(ctx context.Context, r *Request, p layers.Principal, id string) *Response {
	tw := s.cfg.Twin
	if _, err := s.layerFor(p, tw.Layer()); err != nil {
		return errorResponse(err)
	}
	from, err := timeParam(r, "from", minTime)
	if err != nil {
		return errorResponse(err)
	}
	to, err := timeParam(r, "to", maxTime)
	if err != nil {
		return errorResponse(err)
	}
	if to.Before(from) {
		return errorResponse(badRequest("to is before from"))
	}
	points := r.Query.Get("f") == "points"
	var pts []store.TrackPoint
	err = tw.Track(ctx, id, from, to, func(tp store.TrackPoint) error {
		pts = append(pts, tp)
		return nil
	})
	if errors.Is(err, twin.ErrNoStore) {
		return errorResponse(notFound("tracks are not kept by this server"))
	}
	if err != nil {
		return errorResponse(err)
	}
	if len(pts) == 0 && !tw.Known(id) {
		return errorResponse(notFound("no object " + quote(id)))
	}
	var b []byte
	if points {
		b = trackPoints(id, pts)
	} else {
		b = trackLine(id, pts)
	}
	resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: b}
	resp.Header.Set("Content-Type", "application/geo+json")
	return resp
}

// The track is written by hand: a week at one fix a minute is 10,080
// fixes, and reflection-based encoding was most of the answer's time.

func appendNum(b []byte, v float64) []byte {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, v, 'f', -1, 64)
}

func appendTime(b []byte, t time.Time) []byte {
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"')
}

func trackLine(id string, pts []store.TrackPoint) []byte {
	b := make([]byte, 0, 64+len(pts)*80)
	b = append(b, `{"type":"Feature","id":`...)
	b = append(b, jsonQuote(id)...)
	b = append(b, `,"geometry":{"type":"LineString","coordinates":[`...)
	for i, p := range pts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendNum(b, p.Lon)
		b = append(b, ',')
		b = appendNum(b, p.Lat)
		b = append(b, ']')
	}
	b = append(b, `]},"properties":{"id":`...)
	b = append(b, jsonQuote(id)...)
	b = append(b, `,"times":[`...)
	for i, p := range pts {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendTime(b, p.T)
	}
	for _, col := range [...]struct {
		name string
		v    func(store.TrackPoint) float64
	}{{"sog", func(p store.TrackPoint) float64 { return p.SOG }}, {"cog", func(p store.TrackPoint) float64 { return p.COG }}} {
		b = append(b, `],"`+col.name+`":[`...)
		for i, p := range pts {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendNum(b, col.v(p))
		}
	}
	return append(b, "]}}"...)
}

func trackPoints(id string, pts []store.TrackPoint) []byte {
	b := make([]byte, 0, 64+len(pts)*160)
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	for i, p := range pts {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"type":"Feature","geometry":{"type":"Point","coordinates":[`...)
		b = appendNum(b, p.Lon)
		b = append(b, ',')
		b = appendNum(b, p.Lat)
		b = append(b, `]},"properties":{"id":`...)
		b = append(b, jsonQuote(id)...)
		b = append(b, `,"t":`...)
		b = appendTime(b, p.T)
		b = append(b, `,"arrived":`...)
		b = appendTime(b, p.Arrived)
		b = append(b, `,"sog":`...)
		b = appendNum(b, p.SOG)
		b = append(b, `,"cog":`...)
		b = appendNum(b, p.COG)
		b = append(b, `,"source":`...)
		b = append(b, jsonQuote(p.Source)...)
		b = append(b, "}}"...)
	}
	return append(b, "]}"...)
}
