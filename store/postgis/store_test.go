package postgis

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"bando/ingest"
	"bando/internal/testenv"
	"bando/layers"
	"bando/migrations"
	"bando/spatial"
	"bando/store"

	"github.com/paulmach/orb"
)

const testDB = "bando_pgstore"

// testLayer has a field of every type.
func testLayer(t testing.TB) *layers.Layer {
	t.Helper()
	l := &layers.Layer{ID: "parcels", Title: layers.Title{VI: "Thửa đất", EN: "Parcels"}, Kind: layers.KindParcel,
		Geometry: layers.GeomPolygon, Access: layers.Internal, Zoom: layers.Zoom{Max: 18}, Attribution: "test",
		Fields: []layers.Field{
			{Name: "name", Type: layers.TypeString}, {Name: "floors", Type: layers.TypeInt},
			{Name: "area", Type: layers.TypeFloat}, {Name: "poor", Type: layers.TypeBool, Sensitivity: layers.Restricted},
			{Name: "seen", Type: layers.TypeTime}, {Name: "Tên có dấu", Type: layers.TypeString},
		}}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	return l
}

// migrated returns the DSN of a migrated schema of the test's own.
func migrated(t testing.TB) string {
	t.Helper()
	dsn := testenv.PostGISDSN(t, testDB)
	pool, err := Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	if _, err := migrations.Apply(context.Background(), pool); err != nil {
		t.Fatal(err)
	}
	return dsn
}

// openPG opens a store whose feed has subs subscribed before it starts.
func openPG(t testing.TB, dsn string, cat *layers.Catalog, o Options, subs ...func([]store.Change)) (*Store, *store.Feed) {
	t.Helper()
	feed := &store.Feed{}
	for _, fn := range subs {
		feed.Subscribe(fn)
	}
	s, err := OpenWith(context.Background(), dsn, feed, cat, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, feed
}

func feat(id string, g orb.Geometry, props ...any) *spatial.Feature {
	return &spatial.Feature{ID: id, Geom: g, Bound: g.Bound(), Props: props}
}

func sq(x, y float64) orb.Polygon {
	return orb.Polygon{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}
}

var seen = time.Date(2026, 3, 1, 7, 30, 15, 123456000, time.UTC) // µs: PostgreSQL's precision

// step is one write, applied to both stores.
type step struct {
	name string
	put  []*spatial.Feature
	del  []string
}

func roundTripSteps() []step {
	hole := orb.Polygon{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}, {{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}}}
	multi := orb.MultiPolygon{sq(20, 20), {{{30, 30}, {32, 30}, {32, 32}, {30, 30}}, {{30.5, 30.2}, {31, 30.2}, {31, 30.6}, {30.5, 30.2}}}}
	big := make([]*spatial.Feature, copyMin+5) // new features only: the COPY path
	for i := range big {
		big[i] = feat(fmt.Sprintf("b%05d", i), sq(float64(i%100), float64(i/100)), fmt.Sprint("lô ", i), int64(i), nil, i%2 == 0, nil, nil)
	}
	return []step{
		{name: "every type", put: []*spatial.Feature{
			feat("a", sq(1, 1), "Nhà văn hoá", int64(3), 120.5, true, seen, "đ"),
			feat("7", hole, "with hole", int64(-2), -0.25, false, seen.Add(time.Hour), ""),
		}},
		{name: "nulls and multis", put: []*spatial.Feature{
			feat("nulls", orb.Point{105.8, 21.0}, nil, nil, nil, nil, nil, nil),
			feat("multi", multi, "multi", nil, 1e-9, nil, nil, nil),
			feat("lines", orb.MultiLineString{{{0, 0}, {1, 1}}, {{2, 2}, {3, 1}}}, "lines", int64(1), nil, nil, nil, nil),
			feat("mpt", orb.MultiPoint{{1, 2}, {3, 4}}, nil, nil, nil, nil, nil, nil),
			feat("coll", orb.Collection{orb.Point{1, 1}, orb.LineString{{0, 0}, {2, 2}}}, nil, nil, nil, nil, nil, nil),
		}},
		{name: "replace moves and nulls", put: []*spatial.Feature{
			feat("a", sq(5, 5), nil, int64(4), nil, false, nil, nil),
		}},
		{name: "delete some and missing", del: []string{"7", "nope", "7"}},
		{name: "delete nothing", del: []string{"nope"}},
		{name: "bulk new", put: big},
		{name: "update part of bulk", put: big[10:20]},
		{name: "delete part of bulk", del: []string{"b00003", "b00004"}},
	}
}

// TestRoundTripMatchesPebble applies the same writes to the embedded store
// and to PostGIS: the changes, the versions and what Scan returns agree.
func TestRoundTripMatchesPebble(t *testing.T) {
	l := testLayer(t)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	pg, _ := openPG(t, migrated(t), cat, Options{})
	pb, err := store.OpenPebble(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	ctx := context.Background()
	lastSeq := uint64(0)
	for _, st := range roundTripSteps() {
		var want, got []store.Change
		var errW, errG error
		if st.put != nil {
			want, errW = pb.Put(ctx, l, clone(st.put))
			got, errG = pg.Put(ctx, l, clone(st.put))
		} else {
			want, errW = pb.Delete(ctx, l, st.del)
			got, errG = pg.Delete(ctx, l, st.del)
		}
		if errW != nil || errG != nil {
			t.Fatalf("%s: pebble %v, postgis %v", st.name, errW, errG)
		}
		if len(got) > 0 {
			if got[0].Seq <= lastSeq {
				t.Errorf("%s: seq %d after %d", st.name, got[0].Seq, lastSeq)
			}
			lastSeq = got[0].Seq
		}
		if d := diffChanges(want, got); d != "" {
			t.Fatalf("%s: changes differ: %s", st.name, d)
		}
		vw, _ := pb.Version(l.ID)
		vg, err := pg.Version(l.ID)
		if err != nil || vw != vg {
			t.Fatalf("%s: version pebble %d, postgis %d (%v)", st.name, vw, vg, err)
		}
		if a, b := scanAll(t, pb, l), scanAll(t, pg, l); !reflect.DeepEqual(a, b) {
			t.Fatalf("%s: scans differ (%d vs %d features): %s", st.name, len(a), len(b), firstDiff(a, b))
		}
	}
	if e, err := pg.Empty(); err != nil || e {
		t.Errorf("Empty() = %v, %v after writes", e, err)
	}
}

func clone(fs []*spatial.Feature) []*spatial.Feature {
	out := make([]*spatial.Feature, len(fs))
	for i, f := range fs {
		c := *f
		c.Props = append([]any(nil), f.Props...)
		out[i] = &c
	}
	return out
}

// norm is what must agree between the stores: all but Seq and Time.
func norm(c store.Change) store.Change {
	c.Seq, c.Time = 0, time.Time{}
	if c.Feature != nil {
		f := *c.Feature
		f.Seq = 0
		c.Feature = &f
	}
	return c
}

func diffChanges(want, got []store.Change) string {
	if len(want) != len(got) {
		return fmt.Sprintf("%d changes, want %d", len(got), len(want))
	}
	for i := range want {
		if w, g := norm(want[i]), norm(got[i]); !reflect.DeepEqual(w, g) {
			return fmt.Sprintf("change %d:\n got %+v\nwant %+v", i, g, w)
		}
		if got[i].Time.IsZero() || got[i].Seq == 0 || got[i].Feature != nil && got[i].Feature.Seq != got[i].Seq {
			return fmt.Sprintf("change %d lacks time or sequence: %+v", i, got[i])
		}
	}
	return ""
}

func scanAll(t *testing.T, s store.Store, l *layers.Layer) []spatial.Feature {
	t.Helper()
	var fs []spatial.Feature
	err := s.Scan(context.Background(), l, func(f *spatial.Feature) error {
		c := *f
		c.Seq = 0
		fs = append(fs, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fs
}

func firstDiff(a, b []spatial.Feature) string {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return fmt.Sprintf("\npebble  %+v\npostgis %+v", a[i], b[i])
		}
	}
	return "lengths"
}

// CopyLayer refuses an id already stored, and stores nothing of the call.
func TestCopyLayerConflict(t *testing.T) {
	l := testLayer(t)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	pg, _ := openPG(t, migrated(t), cat, Options{})
	ctx := context.Background()
	if _, err := pg.CopyLayer(ctx, l, []*spatial.Feature{feat("x", sq(0, 0), nil, nil, nil, nil, nil, nil)}); err != nil {
		t.Fatal(err)
	}
	_, err := pg.CopyLayer(ctx, l, []*spatial.Feature{feat("y", sq(1, 1), nil, nil, nil, nil, nil, nil), feat("x", sq(2, 2), nil, nil, nil, nil, nil, nil)})
	if err == nil {
		t.Fatal("CopyLayer over a stored id succeeded")
	}
	if n := len(scanAll(t, pg, l)); n != 1 {
		t.Fatalf("%d features after a failed CopyLayer, want 1", n)
	}
	if v, _ := pg.Version(l.ID); v != 1 {
		t.Fatalf("version %d after a failed CopyLayer, want 1", v)
	}
}

// A value whose type is not the field's is refused before anything is written.
func TestPutWrongType(t *testing.T) {
	l := testLayer(t)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	pg, _ := openPG(t, migrated(t), cat, Options{})
	if _, err := pg.Put(context.Background(), l, []*spatial.Feature{feat("x", sq(0, 0), int64(1))}); err == nil {
		t.Fatal("an int in a string field was stored")
	}
	if v, _ := pg.Version(l.ID); v != 0 {
		t.Fatalf("version %d after a refused write", v)
	}
}

// TestGroupIsolatesFailures: concurrent calls share transactions (group
// commit), yet a call that fails in the database (a COPY over a stored id)
// fails alone, stores nothing, and the others are all stored, each with
// its own version.
func TestGroupIsolatesFailures(t *testing.T) {
	l := testLayer(t)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	pg, _ := openPG(t, migrated(t), cat, Options{})
	ctx := context.Background()
	if _, err := pg.Put(ctx, l, []*spatial.Feature{feat("taken", sq(0, 0), nil, nil, nil, nil, nil, nil)}); err != nil {
		t.Fatal(err)
	}
	const n = 40
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			f := feat(fmt.Sprint("ok", i), sq(float64(i), 1), nil, int64(i), nil, nil, nil, nil)
			if i%4 == 0 {
				_, errs[i] = pg.CopyLayer(ctx, l, []*spatial.Feature{f, feat("taken", sq(1, 1), nil, nil, nil, nil, nil, nil)})
			} else {
				_, errs[i] = pg.Put(ctx, l, []*spatial.Feature{f})
			}
		}()
	}
	wg.Wait()
	stored := map[string]bool{}
	for _, f := range scanAll(t, pg, l) {
		stored[f.ID] = true
	}
	good := 1
	for i, err := range errs {
		id := fmt.Sprint("ok", i)
		switch {
		case i%4 == 0 && (err == nil || stored[id]):
			t.Errorf("call %d (a conflicting COPY): err %v, stored %v", i, err, stored[id])
		case i%4 != 0 && (err != nil || !stored[id]):
			t.Errorf("call %d: err %v, stored %v", i, err, stored[id])
		case i%4 != 0:
			good++
		}
	}
	if v, _ := pg.Version(l.ID); v != uint64(good) {
		t.Errorf("version %d after %d successful calls", v, good)
	}
}

// A NUL character, which PostgreSQL text cannot hold, is bad input (an
// ingest.Error, a 4xx), and nothing is written.
func TestPutNULRefused(t *testing.T) {
	l := testLayer(t)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	pg, _ := openPG(t, migrated(t), cat, Options{})
	for _, f := range []*spatial.Feature{
		feat("a\x00b", sq(0, 0), "x", nil, nil, nil, nil, nil),
		feat("ok", sq(0, 0), "x\x00y", nil, nil, nil, nil, nil),
	} {
		_, err := pg.Put(context.Background(), l, []*spatial.Feature{feat("fine", sq(1, 1), nil, nil, nil, nil, nil, nil), f})
		var ie *ingest.Error
		if !errors.As(err, &ie) {
			t.Fatalf("NUL in %q: %v, want an ingest.Error", f.ID, err)
		}
	}
	if n := len(scanAll(t, pg, l)); n != 0 {
		t.Fatalf("%d features stored after refused writes", n)
	}
}
