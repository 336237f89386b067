package hex

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"bando/spatial"
	"github.com/paulmach/orb"
	h3 "github.com/uber/h3-go/v4"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// mixedFeatures returns seeded random points, lines and polygons around
// Ho Chi Minh City with an int64 field (0, sometimes nil) and a float64
// field (1).
func mixedFeatures(seed uint64, n int) []*spatial.Feature {
	r := rand.New(rand.NewPCG(seed, 7))
	fs := make([]*spatial.Feature, n)
	for i := range fs {
		c := orb.Point{106.5 + 0.5*r.Float64(), 10.6 + 0.5*r.Float64()}
		var g orb.Geometry = c
		switch i % 10 {
		case 7:
			g = orb.LineString{c, {c[0] + 0.01*r.NormFloat64(), c[1] + 0.01*r.NormFloat64()}, {c[0] + 0.01*r.NormFloat64(), c[1]}}
		case 8:
			g = starPolygon(r, c, 0.0005+0.003*r.Float64(), i%20 == 8)
		case 9:
			g = orb.MultiPoint{c, {c[0] + 0.001, c[1]}}
		}
		var n any = int64(r.IntN(100))
		if i%13 == 0 {
			n = nil
		}
		fs[i] = &spatial.Feature{ID: fmt.Sprint(i), Geom: g, Bound: g.Bound(), Props: []any{n, r.Float64()}}
	}
	return fs
}

// direct computes the figures the slow, obvious way: h3-go's latLngToCell
// at res for points (no cache), Cover for the rest, and h3-go's
// cellToParent (no bit arithmetic) for the roll-up.
func direct(t *testing.T, req Request, fs []*spatial.Feature) map[Cell][3]float64 {
	out := map[Cell][3]float64{}
	for _, f := range fs {
		var cells []Cell
		if p, ok := f.Geom.(orb.Point); ok {
			cells = []Cell{Cell(h3.LatLngToCell(h3.LatLng{Lat: p[1], Lng: p[0]}, req.Res).Parent(req.OutRes()))}
		} else {
			cs, err := Cover(f.Geom, req.Res, 0)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				cells = append(cells, Cell(h3.Cell(c).Parent(req.OutRes())))
			}
			cells = sortedSet(cells)
		}
		for _, c := range cells {
			if req.Cells != nil && !slices.Contains(req.Cells, c) {
				continue
			}
			v := out[c]
			v[0]++
			if n, ok := f.Props[0].(int64); ok {
				v[1] += float64(n)
				v[2]++
			}
			out[c] = v
		}
	}
	for _, c := range req.Cells {
		if _, ok := out[c]; !ok {
			out[c] = [3]float64{}
		}
	}
	return out
}

// TestAggregateMatchesDirect compares Aggregate (cache, parents by bit
// arithmetic, several workers) with the direct computation, at several
// resolutions, with and without roll-up and a k-ring restriction, cold and
// warm cache.
func TestAggregateMatchesDirect(t *testing.T) {
	fs := mixedFeatures(1, short(10_000))
	e := NewEngine(Config{Workers: 3})
	ctx := context.Background()
	ring, _ := GridDisk(mustCell(t, 106.75, 10.85, 7), 3)
	p5, p7 := 5, 7
	reqs := []Request{
		{Res: 8}, {Res: 8}, {Res: 0}, {Res: 11}, {Res: 15}, {Res: 15, Parent: &p7},
		{Res: 9, Parent: &p5}, {Res: 7, Parent: &p7},
		{Res: 7, Cells: ring}, {Res: 10, Parent: &p7, Cells: ring},
	}
	for _, req := range reqs {
		req.Aggs = []Agg{{Op: Sum, Field: "n", Index: 0}, {Op: Count, Index: -1}, {Op: Avg, Field: "n", Index: 0}}
		name := fmt.Sprintf("res=%d parent=%d ring=%v", req.Res, req.OutRes(), req.Cells != nil)
		fs := fs
		if req.Res == 15 { // polygons would cover millions of cells: points only
			fs = slices.DeleteFunc(slices.Clone(fs), func(f *spatial.Feature) bool { return f.Geom.GeoJSONType() != "Point" })
		}
		start := time.Now()
		got, err := e.Aggregate(ctx, req, slices.Values(fs))
		t.Logf("%s: %d features, %d cells in %v", name, len(fs), len(got.Cells), time.Since(start))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		want := direct(t, req, fs)
		if got.Res != req.OutRes() || len(got.Cells) != len(want) || len(got.Aggs) != 2 {
			t.Fatalf("%s: res %d, %d cells, %d aggs; want res %d, %d cells, 2 aggs", name, got.Res, len(got.Cells), len(got.Aggs), req.OutRes(), len(want))
		}
		for i, c := range got.Cells {
			w, ok := want[c.Cell]
			sum, _ := c.Values[0].(int64)
			if !ok || float64(c.Count) != w[0] || float64(sum) != w[1] || i > 0 && got.Cells[i-1].Cell >= c.Cell {
				t.Fatalf("%s: cell %s count %d sum %v; want %v (present %v), sorted", name, c.Cell, c.Count, c.Values[0], w, ok)
			}
			if w[2] == 0 && c.Values[1] != nil || w[2] > 0 && math.Abs(c.Values[1].(float64)-w[1]/w[2]) > 1e-9 {
				t.Fatalf("%s: cell %s avg %v, want %v/%v", name, c.Cell, c.Values[1], w[1], w[2])
			}
		}
	}
	if st := e.Stats(); st.PointCells == 0 || st.Covers == 0 {
		t.Errorf("caches stayed empty: %+v", st)
	}
}

func mustCell(t *testing.T, lon, lat float64, res int) Cell {
	t.Helper()
	c, err := CellOf(lon, lat, res)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestPointCacheNeverStale edits features the way the store does (a new
// *Feature for every write): the cache must give each version the cell of
// its own coordinates, and stay within its bound.
func TestPointCacheNeverStale(t *testing.T) {
	pc := NewPointCells(0)
	out := make([]Cell, 1)
	// The cache is keyed by position: a feature moved to a new place
	// misses, and one at a place seen before (another feature, or the same
	// one back) hits with that place's cell.
	for i, tt := range []struct {
		p    orb.Point
		seen bool
	}{{orb.Point{106.7, 10.8}, false}, {orb.Point{106.7, 10.8}, true}, {orb.Point{105.8, 21.0}, false}, {orb.Point{106.7, 10.8}, true}} {
		p := tt.p
		fs := []orb.Point{p}
		want := mustCell(t, p[0], p[1], 15)
		pc.Lookup(fs, 15, out)
		if tt.seen && out[0] != want || !tt.seen && out[0] != 0 {
			t.Fatalf("version %d at %v: cached %s, seen before %v", i, p, out[0], tt.seen)
		}
		if _, err := pc.Compute(fs, 15, out); err != nil {
			t.Fatal(err)
		}
		if pc.Lookup(fs, 15, out); out[0] != want {
			t.Fatalf("version %d at %v: cached cell %s, want %s", i, p, out[0], want)
		}
		if pc.Lookup(fs, 14, out); out[0] != 0 {
			t.Fatalf("version %d: res 14 hits the res-15 entry", i)
		}
	}
	small := NewPointCells(10)
	fs := mixedFeatures(2, 100)
	e := &Engine{points: small, covers: NewCoverCache(0), workers: 1}
	if _, err := e.Aggregate(context.Background(), Request{Res: 8}, slices.Values(fs)); err != nil {
		t.Fatal(err)
	}
	if small.Len() > 10 || small.Len() == 0 {
		t.Errorf("a cache bounded to 10 points holds %d", small.Len())
	}
}

func TestRequestValidate(t *testing.T) {
	c8 := mustCell(t, 106.7, 10.8, 8)
	nine, sixteen, minus := 9, 16, -1
	tests := []struct {
		req   Request
		param string
	}{
		{Request{Res: 16}, "res"},
		{Request{Res: -1}, "res"},
		{Request{Res: 8, Parent: &nine}, "parent"},
		{Request{Res: 8, Parent: &sixteen}, "parent"},
		{Request{Res: 8, Parent: &minus}, "parent"},
		{Request{Res: 8, Aggs: []Agg{{Op: Sum, Field: "x", Index: -1}}}, "agg"},
		{Request{Res: 9, Cells: []Cell{c8}}, "h3"},
		{Request{Res: 8, Cells: []Cell{1}}, "h3"},
	}
	for _, tt := range tests {
		err := tt.req.Validate()
		var pe *Error
		if !errors.As(err, &pe) || pe.Param != tt.param {
			t.Errorf("%+v: %v, want an *Error on %s", tt.req, err, tt.param)
		}
		if _, err2 := NewEngine(Config{}).Aggregate(context.Background(), tt.req, nil); err2 == nil || err2.Error() != err.Error() {
			t.Errorf("Aggregate does not validate: %v", err2)
		}
	}
	if err := (&Request{Res: 8, Cells: []Cell{c8}}).Validate(); err != nil {
		t.Errorf("good request: %v", err)
	}
	if err := (&Request{Res: 16}).Validate(); err.Error() != "hex: res=16: resolution must be 0..15" {
		t.Errorf("res=16: %q", err)
	}
}

func TestAggregateErrors(t *testing.T) {
	ctx := context.Background()
	e := NewEngine(Config{Workers: 2})
	fs := mixedFeatures(3, 10_000)
	sumX := []Agg{{Op: Sum, Field: "x", Index: 0}}
	text := append(slices.Clone(fs), &spatial.Feature{ID: "bad", Geom: orb.Point{106.7, 10.8}, Props: []any{"many"}})
	if _, err := e.Aggregate(ctx, Request{Res: 8, Aggs: sumX}, slices.Values(text)); err == nil || !bytes.Contains([]byte(err.Error()), []byte(`"bad"`)) {
		t.Errorf("a text value: %v, want an error naming the feature", err)
	}
	nan := append(slices.Clone(fs), &spatial.Feature{ID: "nan", Geom: orb.Point{math.NaN(), 10.8}})
	if _, err := e.Aggregate(ctx, Request{Res: 8}, slices.Values(nan)); !errors.Is(err, ErrInvalid) {
		t.Errorf("a NaN point: %v, want ErrInvalid", err)
	}
	if _, err := e.Aggregate(ctx, Request{Res: 12, Limits: Limits{MaxCells: 100}}, slices.Values(fs)); !errors.Is(err, ErrLimit) {
		t.Errorf("MaxCells 100: %v, want ErrLimit", err)
	}
	withNil := append(slices.Clone(fs), nil) // a panic in a worker fails the question, not the process
	if _, err := e.Aggregate(ctx, Request{Res: 8}, slices.Values(withNil)); err == nil || !strings.Contains(err.Error(), "internal error") {
		t.Errorf("a nil feature: %v, want an internal error", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := e.Aggregate(cancelled, Request{Res: 8}, slices.Values(fs)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
	// Sums of floats are floats; a sum over no value is 0, its average null.
	mixed := []*spatial.Feature{
		{ID: "1", Geom: orb.Point{106.7, 10.8}, Props: []any{int64(2)}},
		{ID: "2", Geom: orb.Point{106.7, 10.8}, Props: []any{0.5}},
		{ID: "3", Geom: orb.Point{105.8, 21.0}, Props: []any{nil}},
		{ID: "4", Geom: orb.Point{105.8, 21.0}},
	}
	res, err := e.Aggregate(ctx, Request{Res: 8, Aggs: []Agg{{Op: Sum, Field: "x", Index: 0}, {Op: Avg, Field: "x", Index: 0}}}, slices.Values(mixed))
	if err != nil || len(res.Cells) != 2 {
		t.Fatalf("mixed values: %v, %v", res, err)
	}
	hcmc, hanoi := res.Cells[0], res.Cells[1]
	if hcmc.Cell != mustCell(t, 106.7, 10.8, 8) {
		hcmc, hanoi = hanoi, hcmc
	}
	if hcmc.Values[0] != 2.5 || hcmc.Values[1] != 1.25 || hanoi.Values[0] != int64(0) || hanoi.Values[1] != nil || hanoi.Count != 2 {
		t.Errorf("figures %v %v", hcmc, hanoi)
	}
}

// TestResultGolden pins the JSON and GeoJSON encodings.
func TestResultGolden(t *testing.T) {
	fs := mixedFeatures(4, 20)
	p5 := 5
	res, err := NewEngine(Config{}).Aggregate(context.Background(),
		Request{Res: 7, Parent: &p5, Aggs: []Agg{{Op: Sum, Field: "n", Index: 0}, {Op: Avg, Field: "x", Index: 1}}}, slices.Values(fs))
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	gj, err := json.Marshal(res.FeatureCollection())
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"result.json": js, "result.geojson": gj} {
		var v any
		if err := json.Unmarshal(got, &v); err != nil {
			t.Fatalf("%s is not JSON: %v", name, err)
		}
		var pretty bytes.Buffer
		json.Indent(&pretty, got, "", " ")
		golden(t, name, pretty.Bytes())
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update after checking)\n%s", name, got)
	}
}

// TestAggregateConcurrent runs questions at several resolutions at once on
// one Engine (its caches shared) and checks each against the same question
// asked alone on a fresh Engine.
func TestAggregateConcurrent(t *testing.T) {
	fs := mixedFeatures(5, short(5000))
	ctx := context.Background()
	shared := NewEngine(Config{Workers: 2})
	type answer struct {
		res *Result
		err error
	}
	out := make([]answer, 8)
	done := make(chan bool)
	for i := range out {
		go func() {
			out[i].res, out[i].err = shared.Aggregate(ctx, Request{Res: 6 + i%4}, slices.Values(fs))
			done <- true
		}()
	}
	for range out {
		<-done
	}
	for i, a := range out {
		alone, err := NewEngine(Config{Workers: 1}).Aggregate(ctx, Request{Res: 6 + i%4}, slices.Values(fs))
		if a.err != nil || err != nil {
			t.Fatal(a.err, err)
		}
		ja, _ := json.Marshal(a.res)
		jb, _ := json.Marshal(alone)
		if !bytes.Equal(ja, jb) {
			t.Fatalf("question %d (res %d): concurrent and alone answers differ", i, 6+i%4)
		}
	}
}
