package postgis

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// testGeoms covers every geometry type the engine stores, including a
// polygon with a hole and nested collections.
var testGeoms = map[string]orb.Geometry{
	"point":      orb.Point{105.85, 21.02},
	"multipoint": orb.MultiPoint{{1, 2}, {3, 4}},
	"linestring": orb.LineString{{0, 0}, {1, 1}, {2, 0.5}},
	"multilinestring": orb.MultiLineString{
		{{0, 0}, {1, 1}}, {{2, 2}, {3, 3}, {4, 2}},
	},
	"polygon with hole": orb.Polygon{
		{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
		{{2, 2}, {2, 4}, {4, 4}, {4, 2}, {2, 2}},
	},
	"multipolygon": orb.MultiPolygon{
		{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}},
		{{{5, 5}, {9, 5}, {9, 9}, {5, 5}}, {{6, 6}, {7, 6}, {7, 7}, {6, 6}}},
	},
	"collection": orb.Collection{orb.Point{1, 1}, orb.LineString{{0, 0}, {1, 2}}},
}

func TestGeomRoundTrip(t *testing.T) {
	for name, g := range testGeoms {
		t.Run(name, func(t *testing.T) {
			b, err := encodeGeom(g)
			if err != nil {
				t.Fatal(err)
			}
			back, err := decodeGeom(b)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(back, g) {
				t.Fatalf("round trip:\n got %#v\nwant %#v", back, g)
			}
		})
	}
}

// A ring and a bound come back as polygons, as from the embedded store.
func TestGeomRingAsPolygon(t *testing.T) {
	r := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 0}}
	for _, g := range []orb.Geometry{r, orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}}} {
		b, err := encodeGeom(g)
		if err != nil {
			t.Fatal(err)
		}
		back, err := decodeGeom(b)
		if err != nil {
			t.Fatal(err)
		}
		w, _ := wkb.Unmarshal(must(wkb.Marshal(g)))
		if !reflect.DeepEqual(back, w) {
			t.Errorf("%T: got %#v, the embedded store's WKB gives %#v", g, back, w)
		}
	}
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}

// FuzzDecodeGeom: any bytes from the database either fail cleanly or
// decode to a geometry that encodes and decodes to itself.
func FuzzDecodeGeom(f *testing.F) {
	for _, g := range testGeoms {
		f.Add(must(encodeGeom(g)))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := decodeGeom(b)
		if err != nil {
			return
		}
		enc, err := encodeGeom(g)
		if err != nil {
			return // e.g. an empty point inside a collection
		}
		back, err := decodeGeom(enc)
		if err != nil {
			t.Fatalf("re-encoded %#v does not decode: %v", g, err)
		}
		// Bytes, not values: NaN coordinates are never DeepEqual.
		if again := must(encodeGeom(back)); !bytes.Equal(again, enc) {
			t.Fatalf("not stable: %#v → %#v", g, back)
		}
	})
}
