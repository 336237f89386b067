package quality

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"bando/layers"
	"bando/spatial"
)

var (
	restricted = layers.Principal{Name: "ops", Clearance: layers.Restricted}
	internal   = layers.Principal{Name: "planner", Clearance: layers.Internal}
)

func TestPlantedFigures(t *testing.T) {
	w := newWorld(t)
	w.put("parcels", planted(t)...)
	r := w.report(restricted, "parcels")
	if r.Features != 14 {
		t.Fatalf("features %d, want 14", r.Features)
	}
	checks := []struct {
		name      string
		got, want any
	}{
		{"invalid", r.Validity.Invalid, 2},
		{"invalid ids", r.Validity.InvalidIDs, []string{"bow", "hole"}},
		{"outside", r.Validity.Outside, 1},
		{"outside ids", r.Validity.OutsideIDs, []string{"far"}},
		{"validity score", r.Validity.Score, 11.0 / 14},
		{"missing", r.Completeness.Missing, map[string]int{"parcel_no": 0, "land_use": 1, "land_price": 2, "owner_status": 1}},
		{"complete", r.Completeness.Complete, 12},
		{"worst first", r.Completeness.IncompleteIDs, []string{"bare", "noprice"}},
		{"duplicates", r.Cleanliness.Duplicates, 2},
		{"duplicate ids", r.Cleanliness.DuplicateIDs, []string{"dup1", "dup2"}},
		{"overlaps", r.Cleanliness.Overlaps, 1},
		{"overlap pairs", r.Cleanliness.OverlapPairs, [][2]string{{"o1", "o2"}}},
		{"contained", r.Cleanliness.Contained, 2}, // in1 ⊃ in2, dup1 = dup2
		{"contained ids", r.Cleanliness.ContainedIDs, []string{"dup1", "dup2", "in1", "in2"}},
		{"cleanliness score", r.Cleanliness.Score, 8.0 / 14},
		{"stale", r.Liveness.Stale, false},
		{"steward", r.Steward.Department, "Sở Nông nghiệp và Môi trường"},
	}
	for _, c := range checks {
		if !reflect.DeepEqual(c.got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
		}
	}
	if len(r.Validity.Problems) != 2 || r.Validity.Problems[0].Rule != "self-intersection" || r.Validity.Problems[1].Rule != "hole-outside" {
		t.Errorf("problems %+v", r.Validity.Problems)
	}
}

// TestHiddenFieldsDoNotLeak: a principal sees the completeness of the
// expected fields it may see, and no name or count of the others.
func TestHiddenFieldsDoNotLeak(t *testing.T) {
	w := newWorld(t)
	w.put("parcels", planted(t)...)
	tests := []struct {
		p        layers.Principal
		expected []string
		complete int
	}{
		{layers.Anonymous, []string{"parcel_no", "land_use"}, 13},
		{internal, []string{"parcel_no", "land_use", "land_price"}, 12},
		{restricted, []string{"parcel_no", "land_use", "land_price", "owner_status"}, 12},
	}
	for _, tt := range tests {
		r := w.report(tt.p, "parcels")
		c := r.Completeness
		if !slices.Equal(c.Expected, tt.expected) || c.Complete != tt.complete || len(c.Missing) != len(tt.expected) {
			t.Errorf("%s: expected %v complete %d missing %v; want %v, %d", tt.p.Name, c.Expected, c.Complete, c.Missing, tt.expected, tt.complete)
		}
		b, _ := json.Marshal(r)
		for _, hidden := range []string{"land_price", "owner_status"} {
			if !slices.Contains(tt.expected, hidden) && strings.Contains(string(b), hidden) {
				t.Errorf("%s: the report names the hidden field %s: %s", tt.p.Name, hidden, b)
			}
		}
	}
}

func containsString(s, sub string) bool {
	return len(sub) > 0 && len(s) >= len(sub) && indexOf(s, sub) >= 0
}

func indexOf(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

// TestIncrementalEqualsFull edits the planted layer in several batches and
// requires, after each, the incremental figures to equal those of an
// engine that computes the layer whole.
func TestIncrementalEqualsFull(t *testing.T) {
	w := newWorld(t)
	w.put("parcels", planted(t)...)
	w.report(restricted, "parcels")
	edits := []func(){
		func() { w.put("parcels", feature(t, "bow", square(104, 1, 1), "bow", "A", "ODT", int64(5), "x")) }, // fixed
		func() { w.del("parcels", "dup2", "in2") },
		func() { w.put("parcels", feature(t, "p2", square(101.5, 1.5, 1), "p2", "A", nil, nil, nil)) },    // now overlaps p1
		func() { w.put("parcels", feature(t, "o3", square(106, 6, 2), "o3", "A", "ODT", int64(1), "y")) }, // now in commune A
		func() { w.put("parcels", feature(t, "dup3", square(101, 4, 1), "dup3", "A", "ODT", int64(1), "y")) },
		func() { w.del("parcels", "o2", "nonexistent") },
	}
	for i, edit := range edits {
		edit()
		got := w.report(restricted, "parcels")
		fresh := New(Config{Catalog: w.cat, Index: w.idx, Now: func() time.Time { return w.now }, MaxIDs: 1000})
		fresh.updated = w.eng.updated
		fresh.Refresh()
		want, err := fresh.Report(restricted, "parcels")
		if err != nil {
			t.Fatal(err)
		}
		got.ComputedAt, want.ComputedAt = time.Time{}, time.Time{}
		if !reflect.DeepEqual(got, want) {
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(want)
			t.Fatalf("edit %d: incremental\n%s\nwhole\n%s", i, gb, wb)
		}
	}
	r := w.report(restricted, "parcels")
	if r.Cleanliness.Overlaps != 1 || r.Validity.Invalid != 1 || r.Cleanliness.Duplicates != 2 {
		t.Fatalf("after the edits: overlaps %d invalid %d duplicates %d", r.Cleanliness.Overlaps, r.Validity.Invalid, r.Cleanliness.Duplicates)
	}
}

// fakeAlerter records the stale states it is told.
type fakeAlerter struct{ calls []string }

func (a *fakeAlerter) LayerStale(_ context.Context, layer string, stale bool, _ time.Time, _ time.Duration, _ time.Time) error {
	s := "fresh"
	if stale {
		s = "stale"
	}
	a.calls = append(a.calls, layer+" "+s)
	return nil
}

func TestLiveness(t *testing.T) {
	w := newWorld(t)
	w.put("lights", feature(t, "1", "POINT(110 10)", "on"))
	a := &fakeAlerter{}
	w.eng.SetAlerter(a)
	ctx := context.Background()
	steps := []struct {
		advance time.Duration
		write   bool
		stale   bool
		age     float64
		calls   []string
	}{
		{0, false, false, 0, []string{"lights fresh"}},
		{59 * time.Minute, false, false, 3540, []string{"lights fresh"}},
		{2 * time.Minute, false, true, 3660, []string{"lights fresh", "lights stale"}},
		{time.Hour, false, true, 7260, []string{"lights fresh", "lights stale"}},
		{0, true, false, 0, []string{"lights fresh", "lights stale", "lights fresh"}},
	}
	for i, s := range steps {
		w.now = w.now.Add(s.advance)
		if s.write {
			w.put("lights", feature(t, "1", "POINT(110 10)", "off"))
		}
		r := w.report(layers.Anonymous, "lights")
		w.eng.CheckLiveness(ctx)
		l := r.Liveness
		if l.Stale != s.stale || l.AgeS == nil || *l.AgeS != s.age || l.ExpectedS == nil || *l.ExpectedS != 3600 || !slices.Equal(a.calls, s.calls) {
			t.Fatalf("step %d: %+v age %v, calls %v", i, l, *l.AgeS, a.calls)
		}
		if want := min(1, 3600/max(s.age, 1)); *l.Score != want {
			t.Fatalf("step %d: score %v, want %v", i, *l.Score, want)
		}
	}
	// The province was never given an interval: never stale, no expected.
	if r := w.report(layers.Anonymous, "province"); r.Liveness.Stale || r.Liveness.ExpectedS != nil {
		t.Fatalf("province liveness %+v", r.Liveness)
	}
}

func TestUnknownOrHiddenLayer(t *testing.T) {
	w := newWorld(t)
	// Read after write: the figures include a write not yet refreshed.
	w.put("lights", feature(t, "1", "POINT(110 10)", nil))
	if r, err := w.eng.Report(restricted, "lights"); err != nil || r.Features != 1 {
		t.Errorf("a read after a write, before any refresh: %v %v", r, err)
	}
	for _, id := range []string{"nope", ""} {
		if _, err := w.eng.Report(restricted, id); err == nil {
			t.Errorf("%q: no error", id)
		}
	}
}

// TestTouched: a layer written without the feed (the twin's) counts the
// write for its liveness and is recomputed whole at the next refresh.
func TestTouched(t *testing.T) {
	w := newWorld(t)
	w.report(layers.Anonymous, "lights")
	w.idx.Put("lights", 0, planted(t)[:0])
	f := feature(t, "9", "POINT(111 11)", nil)
	w.idx.Put("lights", 0, []*spatial.Feature{f})
	w.now = w.now.Add(2 * time.Hour)
	w.eng.Touched("lights", w.now)
	r := w.report(layers.Anonymous, "lights")
	if r.Features != 1 || r.Completeness.Missing["status"] != 1 || r.Liveness.Stale || *r.Liveness.AgeS != 0 {
		t.Fatalf("after a touch: features %d missing %v liveness %+v", r.Features, r.Completeness.Missing, r.Liveness)
	}
	var nilEngine *Engine
	nilEngine.Touched("lights", w.now) // no engine, no panic
}

// TestRun: Run picks up changes from the feed by itself and stops with
// its context.
func TestRun(t *testing.T) {
	w := newWorld(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.eng.Run(ctx); close(done) }()
	w.put("lights", feature(t, "1", "POINT(110 10)", nil))
	deadline := time.Now().Add(5 * time.Second)
	for {
		r, err := w.eng.Report(layers.Anonymous, "lights")
		if err != nil && !errors.Is(err, ErrComputing) {
			t.Fatal(err)
		}
		if err == nil && r.Features == 1 && r.Completeness.Missing["status"] == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("Run never counted the write: %+v", r)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not stop")
	}
}

// TestSetCatalog: an edited catalog is in force at the next report — a
// field no longer expected is not counted, a new layer is measured, a
// removed one is unknown.
func TestSetCatalog(t *testing.T) {
	w := newWorld(t)
	w.put("parcels", planted(t)...)
	if r := w.report(restricted, "parcels"); r.Completeness.Missing["land_use"] != 1 {
		t.Fatalf("before: %v", r.Completeness.Missing)
	}
	edited := strings.Replace(testCatalog, "{name: land_use, type: string, expected: true}", "{name: land_use, type: string}", 1)
	edited = strings.Replace(edited, "  - id: lights", "  - id: lamps", 1)
	cat, err := layers.Parse([]byte(edited))
	if err != nil {
		t.Fatal(err)
	}
	w.eng.SetCatalog(cat)
	r := w.report(restricted, "parcels")
	if _, ok := r.Completeness.Missing["land_use"]; ok || r.Completeness.Missing["land_price"] != 2 || r.Validity.Invalid != 2 {
		t.Fatalf("after: missing %v invalid %d", r.Completeness.Missing, r.Validity.Invalid)
	}
	if _, err := w.eng.Report(restricted, "lights"); err == nil {
		t.Fatal("a removed layer still reports")
	}
	if r := w.report(restricted, "lamps"); r.Features != 0 {
		t.Fatalf("new layer: %+v", r)
	}
}
