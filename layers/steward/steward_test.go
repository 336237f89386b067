package steward

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/store"
)

// world is a manager over a real Pebble store, with the index kept by the
// change feed as bando serve keeps it.
type world struct {
	dir     string
	cat     *layers.Catalog
	st      *store.Pebble
	idx     *spatial.Index
	m       *Manager
	changed []string
	close   func()
}

func open(t *testing.T, dir string) *world {
	t.Helper()
	base, err := layers.NewCatalog([]*layers.Layer{{ID: "base", Title: layers.Title{VI: "Nền", EN: "Base"},
		Kind: layers.KindPOI, Geometry: layers.GeomPoint, Access: layers.Public, Zoom: layers.Zoom{Max: 14}, Attribution: "test"}})
	if err != nil {
		t.Fatal(err)
	}
	feed := &store.Feed{}
	st, err := store.OpenPebble(dir, feed)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	closeStore := func() { once.Do(func() { st.Close() }) }
	t.Cleanup(closeStore)
	if _, err := Replay(context.Background(), base, st); err != nil {
		t.Fatal(err)
	}
	w := &world{dir: dir, cat: base, st: st, idx: spatial.NewIndex(), close: closeStore}
	feed.Subscribe(store.IndexChanges(w.idx))
	if _, err := store.Load(context.Background(), st, base, w.idx); err != nil {
		t.Fatal(err)
	}
	w.m = New(Config{Catalog: base, Store: st, Index: w.idx, Logger: slog.New(slog.DiscardHandler), Changed: func(id string) { w.changed = append(w.changed, id) }})
	return w
}

const parks = `{"id": "parks", "title": {"vi": "Công viên", "en": "Parks"}, "kind": "poi", "geometry": "Point",
 "access": "public", "zoom": {"min": 0, "max": 14}, "attribution": "test",
 "fields": [{"name": "name", "type": "string", "required": true}, {"name": "area", "type": "int"}, {"name": "code", "type": "string"}]}`

func (w *world) put(t *testing.T, id string, g orb.Geometry, props ...any) {
	t.Helper()
	l, err := w.cat.Get("parks")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.st.Put(context.Background(), l, []*spatial.Feature{{ID: id, Geom: g, Bound: g.Bound(), Props: props}}); err != nil {
		t.Fatal(err)
	}
}

func refusal(t *testing.T, err error, kind Kind, feature, text string) {
	t.Helper()
	var se *Error
	if !errors.As(err, &se) {
		t.Fatalf("err = %v, want a steward refusal", err)
	}
	if se.Kind != kind || se.Feature != feature || !strings.Contains(se.Msg, text) {
		t.Fatalf("refusal = kind %d feature %q %q, want kind %d feature %q containing %q", se.Kind, se.Feature, se.Msg, kind, feature, text)
	}
}

func TestLifecycle(t *testing.T) {
	ctx := context.Background()
	w := open(t, t.TempDir())
	res, err := w.m.Create(ctx, []byte(parks))
	if err != nil {
		t.Fatal(err)
	}
	if res.Version != 1 || w.cat.Version() != 1 {
		t.Fatalf("version = %d / %d, want 1", res.Version, w.cat.Version())
	}
	if _, err := w.m.Create(ctx, []byte(parks)); err == nil {
		t.Fatal("second create accepted")
	} else {
		refusal(t, err, Exists, "", "exists")
	}
	w.put(t, "1", orb.Point{106.7, 10.8}, "A", int64(12), "007")
	w.put(t, "2", orb.Point{106.8, 10.9}, "B", int64(40), "x9")

	// area int → float converts every value; the index re-reads it.
	changed := strings.Replace(parks, `"name": "area", "type": "int"`, `"name": "area", "type": "float"`, 1)
	if res, err = w.m.Replace(ctx, "parks", []byte(changed)); err != nil || res.Version != 2 {
		t.Fatalf("int → float: %v (version %d)", err, res.Version)
	}
	if f, ok := w.idx.Get("parks", "1"); !ok || f.Props[1] != 12.0 {
		t.Fatalf("feature 1 after int → float = %v", f)
	}
	// code string → int: feature 2 holds "x9", which no int is.
	bad := strings.Replace(changed, `"name": "code", "type": "string"`, `"name": "code", "type": "int"`, 1)
	_, err = w.m.Replace(ctx, "parks", []byte(bad))
	refusal(t, err, Invalid, "2", `"x9"`)
	// Point → Polygon with points stored.
	_, err = w.m.Replace(ctx, "parks", []byte(strings.Replace(changed, `"Point"`, `"Polygon"`, 1)))
	refusal(t, err, Invalid, "1", "Point geometry")
	// Dropping the required field name.
	noName := strings.Replace(changed, `{"name": "name", "type": "string", "required": true}, `, "", 1)
	_, err = w.m.Replace(ctx, "parks", []byte(noName))
	refusal(t, err, Invalid, "", `"name" is required`)
	// A new required field the stored features lack.
	withOwner := strings.Replace(changed, `"fields": [`, `"fields": [{"name": "owner", "type": "string", "required": true}, `, 1)
	_, err = w.m.Replace(ctx, "parks", []byte(withOwner))
	refusal(t, err, Invalid, "1", `"owner"`)
	// Malformed and mismatched bodies.
	_, err = w.m.Replace(ctx, "parks", []byte(`{"id": "parks", `))
	refusal(t, err, Malformed, "", "")
	_, err = w.m.Replace(ctx, "parks", []byte(strings.Replace(changed, `"attribution"`, `"atribution"`, 1)))
	refusal(t, err, Malformed, "", "atribution")
	_, err = w.m.Replace(ctx, "parks", []byte(strings.Replace(changed, `"id": "parks"`, `"id": "lakes"`, 1)))
	refusal(t, err, Invalid, "", "renamed")
	if w.cat.Version() != 2 {
		t.Fatalf("refused changes moved the version to %d", w.cat.Version())
	}
	l, _ := w.cat.Get("parks")
	if l.Fields[1].Type != layers.TypeFloat || l.Geometry != layers.GeomPoint {
		t.Fatalf("refused changes changed the layer: %+v", l)
	}

	// Retire: refused while it holds features, then purged.
	_, err = w.m.Retire(ctx, "parks", false)
	refusal(t, err, Conflict, "", "holds 2 features")
	if res, err = w.m.Retire(ctx, "parks", true); err != nil || res.Purged != 2 || res.Version != 3 {
		t.Fatalf("purge: %v %+v", err, res)
	}
	if _, err := w.cat.Get("parks"); err == nil || w.idx.Count("parks") != 0 {
		t.Fatal("retired layer still served")
	}
	if _, err := w.m.Retire(ctx, "base", false); err != nil {
		t.Fatalf("retire a built-in layer: %v", err)
	}
	if want := []string{"parks", "parks", "parks", "base"}; strings.Join(w.changed, ",") != strings.Join(want, ",") {
		t.Fatalf("changed = %v, want %v", w.changed, want)
	}
}

// TestReplay: after a restart the catalog is as the last change left it,
// a retired built-in layer included, and the stored features read under
// the changed schema.
func TestReplay(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	w := open(t, dir)
	if _, err := w.m.Create(ctx, []byte(parks)); err != nil {
		t.Fatal(err)
	}
	w.put(t, "1", orb.Point{106.7, 10.8}, "A", int64(12), "7")
	changed := strings.Replace(parks, `"name": "code", "type": "string"`, `"name": "code", "type": "int"`, 1)
	if _, err := w.m.Replace(ctx, "parks", []byte(changed)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.m.Retire(ctx, "base", false); err != nil {
		t.Fatal(err)
	}
	// A layer created and retired leaves only its tombstone, whose version
	// the catalog keeps.
	if _, err := w.m.Create(ctx, []byte(strings.Replace(parks, `"id": "parks"`, `"id": "lakes"`, 1))); err != nil {
		t.Fatal(err)
	}
	if _, err := w.m.Retire(ctx, "lakes", false); err != nil {
		t.Fatal(err)
	}
	w.close()

	w = open(t, dir)
	if w.cat.Version() != 5 {
		t.Fatalf("version after restart = %d, want 5", w.cat.Version())
	}
	for _, id := range []string{"base", "lakes"} {
		if _, err := w.cat.Get(id); err == nil {
			t.Fatalf("retired layer %s back after restart", id)
		}
	}
	l, err := w.cat.Get("parks")
	if err != nil || l.Fields[2].Type != layers.TypeInt {
		t.Fatalf("parks after restart: %v %+v", err, l)
	}
	if f, ok := w.idx.Get("parks", "1"); !ok || f.Props[2] != int64(7) {
		t.Fatalf("feature after restart = %+v", f)
	}
}

// TestPinned: a layer the twin reads keeps its fields and stays in the
// catalog until a restart; its other keys may change.
func TestPinned(t *testing.T) {
	ctx := context.Background()
	w := open(t, t.TempDir())
	if _, err := w.m.Create(ctx, []byte(parks)); err != nil {
		t.Fatal(err)
	}
	w.m.Pin([]string{"parks"}, "the twin reads it")
	_, err := w.m.Replace(ctx, "parks", []byte(strings.Replace(parks, `"type": "int"`, `"type": "float"`, 1)))
	refusal(t, err, Conflict, "", "the twin reads it")
	_, err = w.m.Retire(ctx, "parks", true)
	refusal(t, err, Conflict, "", "the twin reads it")
	if _, err := w.m.Replace(ctx, "parks", []byte(strings.Replace(parks, `"en": "Parks"`, `"en": "City parks"`, 1))); err != nil {
		t.Fatalf("a title change of a pinned layer: %v", err)
	}
	if w.cat.Version() != 2 {
		t.Fatalf("version = %d, want 2", w.cat.Version())
	}
}
