package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"time"

	"bando/ingest/feeds"
	"bando/layers"
	"bando/spatial"
	"bando/store"
	"bando/twin"

	"github.com/paulmach/orb"
)

// The benchmark sea: ports along lon 107.0; the permitted-zone bands by
// longitude (coastal 107.0–107.1, inshore 107.1–107.4, offshore beyond);
// a geofence layer of 1,000 squares; 10,000 vessels of random length
// spread over 1.9° × 1.9°.
const catalogYAML = `layers:
  - {id: vessels, title: {vi: Tàu, en: Vessels}, kind: vessel, geometry: Point, access: internal, zoom: {min: 0, max: 18}, attribution: bench,
     fields: [{name: sog, type: float}, {name: cog, type: float}, {name: t, type: time}, {name: source, type: string}, {name: length_m, type: float}]}
  - {id: sensors, title: {vi: Cảm biến, en: Sensors}, kind: sensor, geometry: Point, access: public, zoom: {min: 0, max: 18}, attribution: bench}
  - {id: ports, title: {vi: Cảng, en: Ports}, kind: infrastructure, geometry: Point, access: public, zoom: {min: 0, max: 18}, attribution: bench}
  - {id: zone_coastal, title: {vi: Ven bờ, en: Coastal}, kind: maritime, geometry: Polygon, access: public, zoom: {min: 0, max: 18}, attribution: bench,
     fields: [{name: province, type: string}]}
  - {id: zone_inshore, title: {vi: Lộng, en: Inshore}, kind: maritime, geometry: Polygon, access: public, zoom: {min: 0, max: 18}, attribution: bench}
  - {id: zone_offshore, title: {vi: Khơi, en: Offshore}, kind: maritime, geometry: Polygon, access: public, zoom: {min: 0, max: 18}, attribution: bench}
  - {id: zones, title: {vi: Vùng, en: Zones}, kind: maritime, geometry: Polygon, access: public, zoom: {min: 0, max: 18}, attribution: bench}
`

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func band(lon0, lon1 float64) orb.Polygon {
	return orb.Polygon{{{lon0, 9}, {lon1, 9}, {lon1, 11}, {lon0, 11}, {lon0, 9}}}
}

func world(zones int) (*layers.Catalog, *spatial.Index, twin.Rules, error) {
	cat, err := layers.Parse([]byte(catalogYAML))
	if err != nil {
		return nil, nil, twin.Rules{}, err
	}
	idx := spatial.NewIndex()
	var ports []*spatial.Feature
	for i := range 10 {
		p := orb.Point{107.0, 9.0 + 0.2*float64(i)}
		ports = append(ports, &spatial.Feature{ID: strconv.Itoa(i), Geom: p, Bound: p.Bound()})
	}
	idx.Put("ports", 1, ports)
	poly := func(id string, p orb.Polygon, props ...any) []*spatial.Feature {
		return []*spatial.Feature{{ID: id, Geom: p, Bound: p.Bound(), Props: props}}
	}
	idx.Put("zone_coastal", 1, poly("c79", band(107.0, 107.1), "79"))
	idx.Put("zone_inshore", 1, poly("i", band(107.1, 107.4)))
	idx.Put("zone_offshore", 1, poly("o", band(107.4, 109.5)))
	var zs []*spatial.Feature
	for i := range zones {
		x, y := 107.0+float64(i%40)*0.05, 9.0+float64(i/40%25)*0.08
		p := orb.Polygon{{{x, y}, {x + 0.04, y}, {x + 0.04, y + 0.07}, {x, y + 0.07}, {x, y}}}
		zs = append(zs, &spatial.Feature{ID: strconv.Itoa(i), Geom: p, Bound: p.Bound()})
	}
	idx.Put("zones", 1, zs)
	r := twin.DefaultRules()
	r.Zones.Coastal, r.Zones.Inshore, r.Zones.Offshore = "zone_coastal", "zone_inshore", "zone_offshore"
	r.Geofences = []twin.Geofence{{Layer: "zones", Enter: true, Exit: true}}
	return cat, idx, r, nil
}

// fleet is the vessels and their current fixes.
type fleet struct {
	reg   []feeds.Vessel
	ps    []feeds.Position
	round int
	next  int
}

func newFleet(n int, prefix string) *fleet {
	rng := rand.New(rand.NewPCG(1, 2))
	f := &fleet{}
	for i := range n {
		id := fmt.Sprintf("%sVN-%05d", prefix, i)
		f.reg = append(f.reg, feeds.Vessel{ID: id, LengthM: 6 + rng.Float64()*20, HomeProvince: "79"})
		f.ps = append(f.ps, feeds.Position{ID: id, Lon: 107.05 + rng.Float64()*1.9, Lat: 9.05 + rng.Float64()*1.9,
			SOG: rng.Float64() * 10, COG: rng.Float64() * 360, Source: "ais"})
	}
	return f
}

// batch returns the next n fixes: every vessel in turn, one minute later
// each round, a couple of hundred metres on.
func (f *fleet) batch(n int) []feeds.Position {
	out := make([]feeds.Position, 0, n)
	for len(out) < n {
		if f.next == len(f.ps) {
			f.next, f.round = 0, f.round+1
		}
		p := &f.ps[f.next]
		f.next++
		p.T = t0.Add(time.Duration(f.round) * time.Minute)
		p.Lon += 0.002
		if p.Lon > 108.95 {
			p.Lon = 107.05
		}
		out = append(out, *p)
	}
	return out
}

func ndjson(ps []feeds.Position) []byte {
	var b []byte
	for _, p := range ps {
		b = append(b, `{"id":"`...)
		b = append(b, p.ID...)
		b = append(b, `","t":"`...)
		b = p.T.AppendFormat(b, time.RFC3339)
		b = append(b, `","lon":`...)
		b = strconv.AppendFloat(b, p.Lon, 'f', 6, 64)
		b = append(b, `,"lat":`...)
		b = strconv.AppendFloat(b, p.Lat, 'f', 6, 64)
		b = append(b, `,"sog":`...)
		b = strconv.AppendFloat(b, p.SOG, 'f', 1, 64)
		b = append(b, `,"cog":`...)
		b = strconv.AppendFloat(b, p.COG, 'f', 1, 64)
		b = append(b, `,"source":"ais"}`+"\n"...)
	}
	return b
}

func newTwin(ctx context.Context, cat *layers.Catalog, idx *spatial.Index, r twin.Rules, st *store.Pebble, hub *twin.Hub) (*twin.Twin, error) {
	return twin.New(ctx, twin.Config{Catalog: cat, Index: idx, Store: st, Rules: r, Hub: hub})
}
