package twin

import (
	"context"
	"testing"
	"time"

	"bando/ingest/feeds"
	"bando/layers"
	"bando/spatial"
	"bando/store"

	"github.com/paulmach/orb"
)

// The fixture sea: one port at (107.0, 10.0); zone bands by longitude —
// coastal (ven bờ, province 79) 107.0–107.1, inshore (lộng) 107.1–107.4,
// offshore (khơi) 107.4–109. Latitudes 9–11. Land west of 107.0 (to
// 106.0), its coast the meridian 107.0.
const fixtureCatalog = `layers:
  - id: vessels
    title: {vi: Tàu cá, en: Fishing vessels}
    kind: vessel
    geometry: Point
    access: internal
    zoom: {min: 0, max: 18}
    attribution: test
    fields:
      - {name: sog, type: float}
      - {name: cog, type: float}
      - {name: t, type: time}
      - {name: source, type: string}
      - {name: length_m, type: float}
  - id: sensors
    title: {vi: Cảm biến, en: Sensors}
    kind: sensor
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    update_interval: 1h
    attribution: test
    fields:
      - {name: quantity, type: string}
      - {name: value, type: float}
      - {name: t, type: time}
  - id: ports
    title: {vi: Cảng, en: Ports}
    kind: infrastructure
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
  - id: zone_coastal
    title: {vi: Ven bờ, en: Coastal}
    kind: maritime
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
    fields:
      - {name: province, type: string}
  - id: zone_inshore
    title: {vi: Lộng, en: Inshore}
    kind: maritime
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
  - id: fishing_zones
    title: {vi: Vùng khai thác, en: Fishing zones}
    kind: maritime
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
    fields:
      - {name: band, type: string}
      - {name: province, type: string}
  - id: zone_offshore
    title: {vi: Khơi, en: Offshore}
    kind: maritime
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
  - id: land
    title: {vi: Đất liền, en: Land}
    kind: admin
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
  - id: coast
    title: {vi: Bờ biển, en: Coast}
    kind: maritime
    geometry: LineString
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
`

var t0 = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func band(lon0, lon1 float64) orb.Polygon {
	return orb.Polygon{{{lon0, 9}, {lon1, 9}, {lon1, 11}, {lon0, 11}, {lon0, 9}}}
}

func fixtureIndex(t testing.TB) (*layers.Catalog, *spatial.Index) {
	cat, err := layers.Parse([]byte(fixtureCatalog))
	if err != nil {
		t.Fatal(err)
	}
	idx := spatial.NewIndex()
	poly := func(id string, p orb.Polygon, props ...any) *spatial.Feature {
		return &spatial.Feature{ID: id, Geom: p, Bound: p.Bound(), Props: props}
	}
	port := orb.Point{107.0, 10.0}
	idx.Put("ports", 1, []*spatial.Feature{{ID: "p1", Geom: port, Bound: port.Bound()}})
	idx.Put("zone_coastal", 1, []*spatial.Feature{poly("c79", band(107.0, 107.1), "79")})
	idx.Put("zone_inshore", 1, []*spatial.Feature{poly("i1", band(107.1, 107.4))})
	idx.Put("zone_offshore", 1, []*spatial.Feature{poly("o1", band(107.4, 109))})
	idx.Put("fishing_zones", 1, []*spatial.Feature{poly("vb79", band(107.0, 107.1), "ven_bo", "79"),
		poly("l", band(107.1, 107.4), "long", nil), poly("k", band(107.4, 109), "khoi", nil)})
	idx.Put("land", 1, []*spatial.Feature{poly("land", band(106.0, 107.0))})
	coast := orb.LineString{{107.0, 9}, {107.0, 11}}
	idx.Put("coast", 1, []*spatial.Feature{{ID: "coast", Geom: coast, Bound: coast.Bound()}})
	s := orb.Point{107.6, 10.0}
	idx.Put("sensors", 1, []*spatial.Feature{{ID: "s1", Geom: s, Bound: s.Bound(), Props: []any{nil, nil, nil}}})
	return cat, idx
}

func fixtureRules() Rules {
	r := DefaultRules()
	r.Zones.Coastal, r.Zones.Inshore, r.Zones.Offshore = "zone_coastal", "zone_inshore", "zone_offshore"
	return r
}

// newTestTwin is a twin on the fixture, in memory unless st is given,
// running its silence rules on the feed clock.
func newTestTwin(t testing.TB, r Rules, st *store.Pebble) *Twin {
	cat, idx := fixtureIndex(t)
	tw, err := New(context.Background(), Config{Catalog: cat, Index: idx, Store: st, Rules: r, FeedClock: true,
		Hub: NewHub()})
	if err != nil {
		t.Fatal(err)
	}
	return tw
}

func pos(id string, at time.Duration, lon, lat, sog float64) feeds.Position {
	return feeds.Position{ID: id, T: t0.Add(at), Lon: lon, Lat: lat, SOG: sog, COG: 90, Source: "vms"}
}

func registry(vs ...feeds.Vessel) []feeds.Vessel { return vs }
