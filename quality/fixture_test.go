package quality

import (
	"fmt"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"

	"bando/layers"
	"bando/spatial"
	"bando/store"
)

// testCatalog has a region (the province), an internal parcel layer with
// an expected field of each sensitivity, and a public point layer.
const testCatalog = `layers:
  - id: province
    title: {vi: Tỉnh, en: Province}
    kind: admin
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 14}
    attribution: test
    fields:
      - {name: name, type: string}
  - id: parcels
    title: {vi: Thửa đất, en: Parcels}
    kind: parcel
    geometry: Polygon
    access: public
    zoom: {min: 12, max: 18}
    update_interval: 24h
    steward: {department: Sở Nông nghiệp và Môi trường, contact: dat@example.org}
    attribution: test
    synthetic: true
    fields:
      - {name: parcel_no, type: string, required: true}
      - {name: commune_code, type: string}
      - {name: land_use, type: string, expected: true}
      - {name: land_price, type: int, sensitivity: internal, expected: true}
      - {name: owner_status, type: string, sensitivity: restricted, expected: true}
  - id: lights
    title: {vi: Đèn, en: Lights}
    kind: infrastructure
    geometry: Point
    access: public
    zoom: {min: 12, max: 18}
    update_interval: 1h
    attribution: test
    fields:
      - {name: status, type: string, expected: true}
`

// world is an index fed as the store's change feed feeds it, with the
// engine subscribed after it, and a clock.
type world struct {
	t   testing.TB
	cat *layers.Catalog
	idx *spatial.Index
	eng *Engine
	now time.Time
	seq uint64
	sub []func([]store.Change)
}

func newWorld(t testing.TB) *world {
	t.Helper()
	cat, err := layers.Parse([]byte(testCatalog))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, cat: cat, idx: spatial.NewIndex(), now: time.Date(2026, 7, 1, 8, 0, 0, 0, time.UTC)}
	w.eng = New(Config{Catalog: cat, Index: w.idx, Now: func() time.Time { return w.now }, MaxIDs: 1000})
	w.sub = []func([]store.Change){store.IndexChanges(w.idx), w.eng.Changes}
	w.put("province", feature(t, "79", "POLYGON((100 0,120 0,120 20,100 20,100 0))", "Hồ Chí Minh"))
	return w
}

// put writes features as one store batch.
func (w *world) put(layer string, fs ...*spatial.Feature) {
	w.seq++
	cs := make([]store.Change, len(fs))
	for i, f := range fs {
		f.Seq = w.seq
		b := f.Bound
		cs[i] = store.Change{Layer: layer, ID: f.ID, Kind: store.Upsert, New: &b, Version: w.seq, Seq: w.seq, Time: w.now, Feature: f}
	}
	w.publish(cs)
}

func (w *world) del(layer string, ids ...string) {
	w.seq++
	cs := make([]store.Change, len(ids))
	for i, id := range ids {
		cs[i] = store.Change{Layer: layer, ID: id, Kind: store.Delete, Version: w.seq, Seq: w.seq, Time: w.now}
	}
	w.publish(cs)
}

func (w *world) publish(cs []store.Change) {
	for _, fn := range w.sub {
		fn(cs)
	}
}

func (w *world) report(p layers.Principal, layer string) *Report {
	w.t.Helper()
	w.eng.Refresh()
	r, err := w.eng.Report(p, layer)
	if err != nil {
		w.t.Fatal(err)
	}
	return r
}

// feature makes a feature from WKT and property values in schema order
// (nil: absent).
func feature(t testing.TB, id, geom string, props ...any) *spatial.Feature {
	t.Helper()
	g, err := wkt.Unmarshal(geom)
	if err != nil {
		t.Fatalf("%s: %v", geom, err)
	}
	return &spatial.Feature{ID: id, Geom: g, Bound: g.Bound(), Props: props}
}

// square is the WKT of an axis-aligned square.
func square(x, y, size float64) string {
	return fmt.Sprintf("POLYGON((%g %g,%g %g,%g %g,%g %g,%g %g))", x, y, x+size, y, x+size, y+size, x, y+size, x, y)
}

var _ = orb.Point{}

// planted is a parcel layer with one problem of each kind:
//
//	p1, p2     clean squares side by side (touching is not overlapping)
//	bow        a bow-tie (invalid)
//	hole       a hole outside its shell (invalid)
//	dup1/dup2  the same square twice (duplicates; they also cover each other)
//	o1/o2      overlapping squares in commune A (one pair)
//	o3         overlaps o2 but lies in commune B (not compared)
//	in1/in2    in2 inside in1 (contained, not an overlap)
//	far        valid, off the province (outside)
//	bare       no land_use, no land_price, no owner_status
func planted(t testing.TB) []*spatial.Feature {
	full := func(id, geom, commune string) *spatial.Feature {
		return feature(t, id, geom, id, commune, "ODT", int64(1000), "none")
	}
	return []*spatial.Feature{
		full("p1", square(101, 1, 1), "A"),
		full("p2", square(102, 1, 1), "A"),
		full("bow", "POLYGON((104 1,105 2,105 1,104 2,104 1))", "A"),
		full("hole", "POLYGON((106 1,107 1,107 2,106 2,106 1),(108 1,109 1,109 2,108 1))", "A"),
		full("dup1", square(101, 4, 1), "A"),
		full("dup2", square(101, 4, 1), "A"),
		full("o1", square(104, 4, 2), "A"),
		full("o2", square(105, 5, 2), "A"),
		full("o3", square(106, 6, 2), "B"),
		full("in1", square(110, 4, 4), "A"),
		full("in2", square(111, 5, 1), "A"),
		full("far", square(130, 40, 1), "A"),
		feature(t, "bare", square(115, 10, 1), "bare", "A", nil, nil, nil),
		feature(t, "noprice", square(117, 10, 1), "noprice", "A", "ODT", nil, "poor"),
	}
}
