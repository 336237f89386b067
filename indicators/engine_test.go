package indicators

import (
	"context"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/spatial/query"
	"bando/store"
)

// Two square units side by side; houses inside them; the share of
// temporary houses per unit (lower is better: ≤ 20 % green, ≤ 50 % yellow).
const testCatalog = `layers:
  - id: units
    title: {vi: Xã, en: Units}
    kind: admin
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 14}
    attribution: test
    fields:
      - {name: code, type: string}
      - {name: name, type: string}
  - id: houses
    title: {vi: Nhà, en: Houses}
    kind: housing
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
    fields:
      - {name: temporary, type: bool, sensitivity: restricted}
indicators:
  - id: temp_share
    title: {vi: Tỷ lệ nhà tạm, en: Temporary share}
    admin: units
    numerator: {layer: houses, filter: {field: temporary, op: "=", value: true}, aggregate: {op: count}}
    denominator: {layer: houses, aggregate: {op: count}}
    scale: 100
    min_denominator: 2
    thresholds: {green: 20, yellow: 50}
    direction: lower
    access: public
`

func square(x0 float64) orb.Polygon {
	return orb.Polygon{{{x0, 0}, {x0 + 1, 0}, {x0 + 1, 1}, {x0, 1}, {x0, 0}}}
}

func world(t *testing.T) (*layers.Catalog, *spatial.Index) {
	t.Helper()
	cat, err := layers.Parse([]byte(testCatalog))
	if err != nil {
		t.Fatal(err)
	}
	idx := spatial.NewIndex()
	var units []*spatial.Feature
	for i, code := range []string{"1", "2"} {
		g := square(float64(i))
		units = append(units, &spatial.Feature{ID: code, Geom: g, Bound: g.Bound(), Props: []any{code, "Unit " + code}})
	}
	idx.Put("units", 1, units)
	// Unit 1: 1 of 4 temporary (25 %, yellow); unit 2: 0 of 3 (green).
	var houses []*spatial.Feature
	for i, tmp := range []bool{true, false, false, false} {
		p := orb.Point{0.1 + 0.2*float64(i), 0.5}
		houses = append(houses, &spatial.Feature{ID: itoa(i + 1), Geom: p, Bound: p.Bound(), Props: []any{tmp}})
	}
	for i := range 3 {
		p := orb.Point{1.1 + 0.2*float64(i), 0.5}
		houses = append(houses, &spatial.Feature{ID: itoa(i + 10), Geom: p, Bound: p.Bound(), Props: []any{false}})
	}
	idx.Put("houses", 1, houses)
	return cat, idx
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }

func TestComputeColoursUnits(t *testing.T) {
	cat, idx := world(t)
	e := New(query.New(idx, cat, query.Limits{}), cat, nil)
	res, err := e.Get(context.Background(), "temp_share")
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Units) != 2 {
		t.Fatalf("units %+v", res.Units)
	}
	u1, u2 := res.Units[0], res.Units[1]
	if u1.Code != "1" || u1.Value == nil || *u1.Value != 25 || u1.Colour != layers.Yellow || u1.Numerator != 1 || *u1.Denominator != 4 {
		t.Errorf("unit 1: %+v", u1)
	}
	if u2.Code != "2" || u2.Value == nil || *u2.Value != 0 || u2.Colour != layers.Green {
		t.Errorf("unit 2: %+v", u2)
	}
	if res.Counts[layers.Green] != 1 || res.Counts[layers.Yellow] != 1 || res.Counts[layers.Red] != 0 {
		t.Errorf("counts %v", res.Counts)
	}
}

// TestRecomputedFromTheFeed: a change to a layer the indicator reads makes
// the running engine recompute it; requests in between read the old result.
func TestRecomputedFromTheFeed(t *testing.T) {
	cat, idx := world(t)
	e := New(query.New(idx, cat, query.Limits{}), cat, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go e.Run(ctx)
	first, err := e.Get(ctx, "temp_share")
	if err != nil {
		t.Fatal(err)
	}
	// Two more temporary houses in unit 2: 2 of 5, 40 % (yellow).
	var add []*spatial.Feature
	for i := range 2 {
		p := orb.Point{1.8, 0.2 + 0.3*float64(i)}
		add = append(add, &spatial.Feature{ID: itoa(i + 20), Geom: p, Bound: p.Bound(), Props: []any{true}})
	}
	idx.Put("houses", 2, add)
	before := e.Stats().Computations
	e.Changes([]store.Change{{Layer: "houses", ID: "20"}, {Layer: "houses", ID: "21"}})
	deadline := time.Now().Add(10 * time.Second)
	for {
		res, _ := e.Get(ctx, "temp_share")
		if res != first {
			if u := res.Units[1]; u.Value == nil || *u.Value != 40 || u.Colour != layers.Yellow {
				t.Fatalf("unit 2 after the change: %+v", u)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not recomputed after a change")
		}
		time.Sleep(5 * time.Millisecond)
	}
	e.Changes([]store.Change{{Layer: "units-not-read"}, {Layer: "other"}})
	time.Sleep(50 * time.Millisecond)
	if got := e.Stats().Computations; got != before+1 {
		t.Errorf("computations %d, want %d: one per burst of changes, none for other layers", got, before+1)
	}
}

// TestIncrementalEqualsWhole: after moves, new values, deletes and a
// write to the admin layer, each handed over as the change feed does, the
// kept indicator equals one computed whole by a fresh engine.
func TestIncrementalEqualsWhole(t *testing.T) {
	cat, idx := world(t)
	ctx := context.Background()
	e := New(query.New(idx, cat, query.Limits{}), cat, nil)
	if _, err := e.refresh(ctx, "temp_share"); err != nil {
		t.Fatal(err)
	}
	check := func(step string) {
		t.Helper()
		got, err := e.refresh(ctx, "temp_share")
		if err != nil {
			t.Fatal(err)
		}
		want, err := New(query.New(idx, cat, query.Limits{}), cat, nil).refresh(ctx, "temp_share")
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Units) != len(want.Units) {
			t.Fatalf("%s: %d units, want %d", step, len(got.Units), len(want.Units))
		}
		for i, u := range want.Units {
			g := got.Units[i]
			if g.Code != u.Code || g.Numerator != u.Numerator || *g.Denominator != *u.Denominator || g.Colour != u.Colour {
				t.Fatalf("%s: unit %s %+v, want %+v", step, u.Code, g, u)
			}
		}
	}
	// House 1 (temporary) moves to unit 2; house 2 becomes temporary.
	p, q := orb.Point{1.5, 0.5}, orb.Point{0.3, 0.5}
	idx.Put("houses", 2, []*spatial.Feature{{ID: "01", Geom: p, Bound: p.Bound(), Props: []any{true}},
		{ID: "02", Geom: q, Bound: q.Bound(), Props: []any{true}}})
	e.Changes([]store.Change{{Layer: "houses", ID: "01"}, {Layer: "houses", ID: "02"}})
	check("after a move and a new value")
	idx.Delete("houses", 3, []string{"10", "11", "02"})
	e.Changes([]store.Change{{Layer: "houses", ID: "10"}, {Layer: "houses", ID: "11"}, {Layer: "houses", ID: "02"}})
	check("after deletes")
	// Unit 2 grows over unit 1's right half: the tallies are rebuilt.
	g := orb.Polygon{{{0.5, 0}, {2, 0}, {2, 1}, {0.5, 1}, {0.5, 0}}}
	idx.Put("units", 2, []*spatial.Feature{{ID: "2", Geom: g, Bound: g.Bound(), Props: []any{"2", "Unit 2"}}})
	e.Changes([]store.Change{{Layer: "units", ID: "2"}})
	check("after an admin change")
}
