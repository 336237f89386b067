package layers

import (
	"errors"
	"math"
	"strings"
	"testing"
	"time"
)

const entryJSON = `{"id": "parks", "title": {"vi": "Công viên", "en": "Parks"}, "kind": "poi", "geometry": "Point",
 "access": "public", "zoom": {"min": 2, "max": 14}, "attribution": "test", "update_interval": "24h",
 "fields": [{"name": "name", "type": "string", "required": true}]}`

func TestParseEntry(t *testing.T) {
	cases := []struct {
		name, body, id string
		malformed      bool
		err            string // "" for success
	}{
		{name: "json", body: entryJSON},
		{name: "json with tabs", body: strings.ReplaceAll("{\n\t\"id\": \"parks\",\n\t\"title\": {\"vi\": \"a\", \"en\": \"b\"},\n\t\"kind\": \"poi\", \"geometry\": \"Point\", \"access\": \"public\", \"zoom\": {\"min\": 0, \"max\": 3}, \"attribution\": \"x\"\n}", "\n", "\n")},
		{name: "yaml", body: "id: parks\ntitle: {vi: Công viên, en: Parks}\nkind: poi\ngeometry: Point\naccess: public\nzoom: {min: 0, max: 3}\nattribution: x\n"},
		{name: "id from the path", id: "parks", body: strings.Replace(entryJSON, `"id": "parks", `, "", 1)},
		{name: "empty", body: "  ", malformed: true, err: "empty"},
		{name: "cut json", body: `{"id": "parks"`, malformed: true, err: "JSON"},
		{name: "unknown key", body: strings.Replace(entryJSON, `"kind"`, `"kinds"`, 1), malformed: true, err: "kinds"},
		{name: "demo file", body: strings.Replace(entryJSON, `"kind"`, `"demo": "x.geojson", "kind"`, 1), err: "config file"},
		{name: "archive file", body: strings.Replace(entryJSON, `"kind"`, `"archive": "/etc/passwd", "kind"`, 1), err: "config file"},
		{name: "invalid: zoom", body: strings.Replace(entryJSON, `"max": 14`, `"max": 1`, 1), err: "zoom"},
		{name: "invalid: field type", body: strings.Replace(entryJSON, `"type": "string"`, `"type": "text"`, 1), err: "unknown type"},
		{name: "two documents", body: "id: a\n---\nid: b\n", malformed: true, err: "more than one"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, err := ParseEntry([]byte(c.body), c.id)
			if c.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				if l.ID != "parks" || l.FieldIndex("name") != 0 && len(l.Fields) > 0 {
					t.Fatalf("layer = %+v", l)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), c.err) || errors.Is(err, ErrMalformedEntry) != c.malformed {
				t.Fatalf("err = %v, want one containing %q (malformed %v)", err, c.err, c.malformed)
			}
		})
	}
	l, err := ParseEntry([]byte(entryJSON), "")
	if err != nil || l.Update != 24*time.Hour || l.Zoom.Min != 2 {
		t.Fatalf("entry = %+v, %v", l, err)
	}
}

func FuzzParseEntry(f *testing.F) {
	f.Add([]byte(entryJSON))
	f.Add([]byte("id: x\ntitle: {vi: a, en: b}\n"))
	f.Add([]byte(`{"id": "a", "fields": [{"name": "x", "type": "int"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := ParseEntry(b, "fuzz")
		if err != nil {
			return
		}
		// What parses is a valid layer: it joins a catalog.
		if _, err := NewCatalog([]*Layer{l}); err != nil {
			t.Fatalf("ParseEntry accepted an entry NewCatalog refuses: %v", err)
		}
	})
}

// TestNextSet: a change is a new snapshot; a reader's catalog sees it at
// once, a layer it already holds is not modified, and a change that an
// indicator cannot live with is refused.
func TestNextSet(t *testing.T) {
	cat, err := parseIndicators(t, lightsPerKm)
	if err != nil {
		t.Fatal(err)
	}
	before := cat.All()
	parks, err := ParseEntry([]byte(entryJSON), "")
	if err != nil {
		t.Fatal(err)
	}
	next, err := cat.Next(parks, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Get("parks"); err == nil {
		t.Fatal("Next changed the catalog")
	}
	cat.Set(next, 1)
	if got, err := cat.Get("parks"); err != nil || got != parks || cat.Version() != 1 || len(cat.All()) != len(before)+1 {
		t.Fatalf("after Set: %v, version %d, %d layers", err, cat.Version(), len(cat.All()))
	}
	if len(before) != len(cat.All())-1 {
		t.Fatal("a reader's slice changed under it")
	}
	if _, err := cat.Next(nil, "roads"); err == nil || !strings.Contains(err.Error(), "indicator") {
		t.Fatalf("retiring a layer an indicator reads: %v", err)
	}
	gone, err := cat.Next(nil, "parks")
	if err != nil {
		t.Fatal(err)
	}
	cat.Set(gone, 2)
	if _, err := cat.Get("parks"); err == nil || cat.Version() != 2 {
		t.Fatal("retired layer still there")
	}
}

func TestConvert(t *testing.T) {
	tm := time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC)
	cases := []struct {
		to   FieldType
		in   any
		want any
		ok   bool
	}{
		{TypeFloat, int64(12), 12.0, true},
		{TypeFloat, int64(1 << 60), nil, false},
		{TypeFloat, "2.5", 2.5, true},
		{TypeFloat, "NaN", nil, false},
		{TypeInt, 3.0, int64(3), true},
		{TypeInt, 3.5, nil, false},
		{TypeInt, "007", int64(7), true},
		{TypeInt, "x9", nil, false},
		{TypeInt, true, nil, false},
		{TypeString, int64(-4), "-4", true},
		{TypeString, 0.1, "0.1", true},
		{TypeString, true, "true", true},
		{TypeString, tm, "2025-07-01T08:00:00Z", true},
		{TypeBool, "false", false, true},
		{TypeBool, "yes", nil, false},
		{TypeBool, int64(1), nil, false},
		{TypeTime, "2025-07-01T08:00:00Z", tm, true},
		{TypeTime, "yesterday", nil, false},
		{TypeTime, int64(5), nil, false},
		{TypeString, nil, nil, true},
		{TypeInt, int64(5), int64(5), true},
	}
	for _, c := range cases {
		got, ok := c.to.Convert(c.in)
		if ok != c.ok || got != c.want {
			t.Errorf("%s(%#v) = %#v, %v; want %#v, %v", c.to, c.in, got, ok, c.want, c.ok)
		}
	}
	if f, ok := TypeFloat.Convert(int64(math.MaxInt32)); !ok || f != float64(math.MaxInt32) {
		t.Errorf("int32 max as float = %v", f)
	}
}
