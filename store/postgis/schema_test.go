package postgis

import (
	"context"
	"strings"
	"testing"

	"bando/layers"
	"bando/spatial"
)

// TestSchemaFollowsCatalog: a field added to the catalog becomes a column
// (stored features read it as absent); a field whose type changed is
// refused at open with a message naming it; a field named like a system
// column is refused.
func TestSchemaFollowsCatalog(t *testing.T) {
	dsn := migrated(t)
	l := testLayer(t)
	cat, _ := layers.NewCatalog([]*layers.Layer{l})
	s, _ := openPG(t, dsn, cat, Options{})
	if _, err := s.Put(context.Background(), l, []*spatial.Feature{feat("a", sq(0, 0), "x", int64(1), 2.5, true, seen, "y")}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	grown := *l
	grown.Fields = append(append([]layers.Field(nil), l.Fields...), layers.Field{Name: "extra", Type: layers.TypeFloat})
	cat2, err := layers.NewCatalog([]*layers.Layer{&grown})
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := openPG(t, dsn, cat2, Options{})
	fs := scanAll(t, s2, &grown)
	if len(fs) != 1 || len(fs[0].Props) != 7 || fs[0].Props[6] != nil || fs[0].Props[0] != "x" {
		t.Fatalf("after adding a field: %+v", fs)
	}

	for name, f := range map[string]layers.Field{
		"changed type": {Name: "floors", Type: layers.TypeString},
		"system name":  {Name: "geom", Type: layers.TypeString},
	} {
		bad := *l
		bad.Fields = append([]layers.Field(nil), l.Fields...)
		if name == "changed type" {
			bad.Fields[1] = f
		} else {
			bad.Fields = append(bad.Fields, f)
		}
		c, err := layers.NewCatalog([]*layers.Layer{&bad})
		if err != nil {
			t.Fatal(err)
		}
		_, err = OpenWith(context.Background(), dsn, nil, c, Options{})
		if err == nil || !strings.Contains(err.Error(), f.Name) {
			t.Errorf("%s: open = %v, want an error naming %q", name, err, f.Name)
		}
	}
}
