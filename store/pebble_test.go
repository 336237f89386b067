package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

func testLayer(t testing.TB) *layers.Layer {
	t.Helper()
	l := &layers.Layer{ID: "parcels", Title: layers.Title{VI: "Thửa đất", EN: "Parcels"}, Kind: layers.KindParcel,
		Geometry: layers.GeomPolygon, Access: layers.Internal, Zoom: layers.Zoom{Max: 18}, Attribution: "test",
		Fields: []layers.Field{
			{Name: "name", Type: layers.TypeString}, {Name: "floors", Type: layers.TypeInt},
			{Name: "area", Type: layers.TypeFloat}, {Name: "poor", Type: layers.TypeBool, Sensitivity: layers.Restricted},
			{Name: "seen", Type: layers.TypeTime},
		}}
	if err := l.Validate(); err != nil {
		t.Fatal(err)
	}
	return l
}

func square(id string, x, y float64, props ...any) *spatial.Feature {
	p := orb.Polygon{{{x, y}, {x + 1, y}, {x + 1, y + 1}, {x, y + 1}, {x, y}}}
	return &spatial.Feature{ID: id, Geom: p, Bound: p.Bound(), Props: props}
}

func open(t *testing.T, dir string) *Pebble {
	t.Helper()
	s, err := OpenPebble(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestPutScanRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := testLayer(t)
	s := open(t, dir)
	seen := time.Date(2026, 11, 22, 8, 30, 0, 0, time.UTC)
	in := []*spatial.Feature{
		square("7", 106, 10, "Phường Sài Gòn", int64(3), 12.5, true, seen),
		square("way/42", 107, 11, "Xã Cần Giờ", nil, nil, false, nil),
	}
	cs, err := s.Put(ctx, l, in)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 2 || cs[0].Kind != Upsert || cs[0].Old != nil || cs[0].Version != 1 {
		t.Fatalf("changes = %+v", cs)
	}
	if in[0].Num != 7 || in[1].Num != assignedBase+1 {
		t.Fatalf("nums = %d, %d", in[0].Num, in[1].Num)
	}
	s.Close()

	s = open(t, dir)
	defer s.Close()
	got := map[string]*spatial.Feature{}
	if err := s.Scan(ctx, l, func(f *spatial.Feature) error { got[f.ID] = f; return nil }); err != nil {
		t.Fatal(err)
	}
	for _, want := range in {
		g := got[want.ID]
		if g == nil || !reflect.DeepEqual(g.Props, want.Props) || g.Num != want.Num || g.Bound != want.Bound ||
			!reflect.DeepEqual(g.Geom, want.Geom) {
			t.Errorf("feature %s: got %+v want %+v", want.ID, g, want)
		}
	}
	// An update keeps the assigned number and reports the old bounds.
	cs, err = s.Put(ctx, l, []*spatial.Feature{square("way/42", 100, 1, "moved", nil, nil, nil, nil)})
	if err != nil {
		t.Fatal(err)
	}
	if cs[0].Old == nil || cs[0].Old.Min[0] != 107 || cs[0].Feature.Num != assignedBase+1 || cs[0].Version != 2 {
		t.Fatalf("update change = %+v", cs[0])
	}
	if v, _ := s.Version(l.ID); v != 2 {
		t.Fatalf("version = %d", v)
	}
}

func TestDeleteAndFeed(t *testing.T) {
	ctx := context.Background()
	l := testLayer(t)
	feed := &Feed{}
	s, err := OpenPebble(t.TempDir(), feed)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	idx := spatial.NewIndex()
	feed.Subscribe(IndexChanges(idx))
	var events []Change
	feed.Subscribe(func(cs []Change) { events = append(events, cs...) })
	if _, err := s.Put(ctx, l, []*spatial.Feature{square("1", 0, 0), square("2", 5, 5)}); err != nil {
		t.Fatal(err)
	}
	cs, err := s.Delete(ctx, l, []string{"1", "missing"})
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != 1 || cs[0].Kind != Delete || cs[0].Old == nil || cs[0].New != nil {
		t.Fatalf("delete changes = %+v", cs)
	}
	if idx.Count(l.ID) != 1 || len(events) != 3 {
		t.Fatalf("index count %d, events %d", idx.Count(l.ID), len(events))
	}
	if _, ok := idx.Get(l.ID, "1"); ok {
		t.Fatal("deleted feature still indexed")
	}
}

func TestDuplicateIDRefusedWhole(t *testing.T) {
	ctx := context.Background()
	l := testLayer(t)
	s := open(t, t.TempDir())
	defer s.Close()
	if _, err := s.Put(ctx, l, []*spatial.Feature{square("1", 0, 0), square("1", 1, 1)}); err == nil {
		t.Fatal("want an error for a duplicate id")
	}
	n := 0
	_ = s.Scan(ctx, l, func(*spatial.Feature) error { n++; return nil })
	if empty, _ := s.Empty(); n != 0 || !empty {
		t.Fatalf("a refused write left %d features", n)
	}
}

func TestLoadRebuildsIndex(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := testLayer(t)
	s := open(t, dir)
	var fs []*spatial.Feature
	for i := range 5000 {
		fs = append(fs, square(fmt.Sprint(i), float64(i%100), float64(i/100)))
	}
	if _, err := s.Put(ctx, l, fs); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open(t, dir)
	defer s.Close()
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	idx := spatial.NewIndex()
	n, err := Load(ctx, s, cat, idx)
	if err != nil || n != 5000 || idx.Count(l.ID) != 5000 || idx.Version(l.ID) != 1 {
		t.Fatalf("load: n=%d err=%v count=%d version=%d", n, err, idx.Count(l.ID), idx.Version(l.ID))
	}
}

func FuzzDecodeRecord(f *testing.F) {
	l := testLayer(f)
	good, _ := encodeFeature(nil, l, square("1", 1, 2, "a", int64(1), 2.5, true, time.Unix(5, 0)))
	f.Add(good)
	f.Add(append([]byte{recordV1}, good[1:2]...)) // a version 1 prefix
	f.Add([]byte{1})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		ft, err := decodeFeature("x", b, l)
		if err == nil && len(ft.Props) != len(l.Fields) {
			t.Fatalf("decoded props misaligned: %d", len(ft.Props))
		}
	})
}

func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	l := testLayer(b)
	s, err := OpenPebble(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	const batch = 5000
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		fs := make([]*spatial.Feature, batch)
		for i := range fs {
			fs[i] = square(fmt.Sprint(n), float64(n%1000)/10, float64(n/1000)/10, "x", int64(n), 1.5, false, nil)
			n++
		}
		if _, err := s.Put(ctx, l, fs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "features/s")
}
