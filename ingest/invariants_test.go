package ingest

import (
	"math"
	"math/big"
	"testing"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"golang.org/x/text/unicode/norm"

	"bando/layers"
	"bando/spatial"
)

type featureView = spatial.Feature

// checkAccepted asserts what every accepted feature must satisfy, with code
// independent of the validator (brute force, exact arithmetic).
func checkAccepted(t testing.TB, l *layers.Layer, fs []*spatial.Feature) {
	t.Helper()
	ids := map[string]bool{}
	for _, f := range fs {
		if f == nil {
			t.Fatal("nil feature")
		}
		if f.ID == "" || !utf8.ValidString(f.ID) || !norm.NFC.IsNormalString(f.ID) {
			t.Fatalf("bad id %q", f.ID)
		}
		if ids[f.ID] {
			t.Fatalf("id %q returned twice", f.ID)
		}
		ids[f.ID] = true
		if f.Num != 0 {
			t.Fatalf("%q: Num set", f.ID)
		}
		if len(f.Props) != len(l.Fields) {
			t.Fatalf("%q: %d props for %d fields", f.ID, len(f.Props), len(l.Fields))
		}
		for i, v := range f.Props {
			if !l.Fields[i].Type.Accepts(v) {
				t.Fatalf("%q: field %s holds %T", f.ID, l.Fields[i].Name, v)
			}
			switch v := v.(type) {
			case string:
				if !utf8.ValidString(v) || !norm.NFC.IsNormalString(v) {
					t.Fatalf("%q: field %s: not valid NFC: %q", f.ID, l.Fields[i].Name, v)
				}
			case float64:
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("%q: field %s not finite", f.ID, l.Fields[i].Name)
				}
			}
		}
		if f.Geom == nil {
			t.Fatalf("%q: nil geometry", f.ID)
		}
		if f.Bound != f.Geom.Bound() {
			t.Fatalf("%q: bound %v, geometry bound %v", f.ID, f.Bound, f.Geom.Bound())
		}
		checkGeom(t, l.Geometry, f.ID, f.Geom, true)
	}
}

func checkGeom(t testing.TB, want layers.GeometryType, id string, g orb.Geometry, top bool) {
	t.Helper()
	fail := func(format string, args ...any) {
		t.Helper()
		t.Fatalf("%q: "+format+" in %v", append(append([]any{id}, args...), g)...)
	}
	pts := func(ps []orb.Point) {
		for _, p := range ps {
			if math.IsNaN(p[0]) || math.IsNaN(p[1]) || math.IsInf(p[0], 0) || math.IsInf(p[1], 0) {
				fail("non-finite position")
			}
			if p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
				fail("position out of range %v", p)
			}
		}
	}
	noDups := func(ps []orb.Point) {
		for i := 1; i < len(ps); i++ {
			if ps[i] == ps[i-1] {
				fail("consecutive duplicate %v", ps[i])
			}
		}
	}
	line := func(l orb.LineString) {
		pts(l)
		if len(l) < 2 {
			fail("line of %d positions", len(l))
		}
		noDups(l)
	}
	polygon := func(p orb.Polygon) {
		if len(p) == 0 {
			fail("polygon without rings")
		}
		for _, r := range p {
			pts(r)
			if len(r) < 4 || r[0] != r[len(r)-1] {
				fail("ring not closed or too short")
			}
			noDups(r)
		}
		bruteSimple(t, id, p)
	}
	kind := map[string]layers.GeometryType{"Point": "Point", "MultiPoint": "Point", "LineString": "LineString",
		"MultiLineString": "LineString", "Polygon": "Polygon", "MultiPolygon": "Polygon"}[g.GeoJSONType()]
	if top && want != layers.GeomAny && kind != want {
		fail("geometry %s in a %s layer", g.GeoJSONType(), want)
	}
	switch g := g.(type) {
	case orb.Point:
		pts([]orb.Point{g})
	case orb.MultiPoint:
		if len(g) == 0 {
			fail("empty multipoint")
		}
		pts(g)
	case orb.LineString:
		line(g)
	case orb.MultiLineString:
		if len(g) == 0 {
			fail("empty multilinestring")
		}
		for _, l := range g {
			line(l)
		}
	case orb.Polygon:
		polygon(g)
	case orb.MultiPolygon:
		if len(g) == 0 {
			fail("empty multipolygon")
		}
		for _, p := range g {
			polygon(p)
		}
	case orb.Collection:
		if len(g) == 0 || want != layers.GeomAny {
			fail("collection")
		}
		for _, m := range g {
			checkGeom(t, want, id, m, false)
		}
	default:
		fail("unexpected geometry %T", g)
	}
}

// bruteSimple checks, pair by pair with exact arithmetic, that no ring
// crosses or overlaps itself or another ring (rings of different index may
// touch), that no ring touches itself, and that no ring is all on one line.
func bruteSimple(t testing.TB, id string, p orb.Polygon) {
	t.Helper()
	n := 0
	for _, r := range p {
		n += len(r)
	}
	if n > 400 {
		return
	}
	for ri, r := range p {
		flat := true
		for i := 2; i < len(r); i++ {
			if ratOrient(r[0], r[1], r[i]) != 0 {
				flat = false
			}
		}
		if flat {
			t.Fatalf("%q: ring %d is collinear: %v", id, ri, r)
		}
		for rj := ri; rj < len(p); rj++ {
			s := p[rj]
			for i := 0; i+1 < len(r); i++ {
				for j := 0; j+1 < len(s); j++ {
					if ri == rj && (j <= i || j == i+1 || i == 0 && j == len(r)-2) {
						continue
					}
					a, b, c, d := r[i], r[i+1], s[j], s[j+1]
					o1, o2 := ratOrient(a, b, c), ratOrient(a, b, d)
					o3, o4 := ratOrient(c, d, a), ratOrient(c, d, b)
					crossing := o1*o2 < 0 && o3*o4 < 0
					touching := o1 == 0 && inBox(a, b, c) || o2 == 0 && inBox(a, b, d) ||
						o3 == 0 && inBox(c, d, a) || o4 == 0 && inBox(c, d, b)
					if crossing || ri == rj && touching || o1 == 0 && o2 == 0 && overlapLen(a, b, c, d) {
						t.Fatalf("%q: rings %d/%d segments %d/%d meet: %v-%v %v-%v", id, ri, rj, i, j, a, b, c, d)
					}
				}
			}
		}
	}
}

func inBox(a, b, p orb.Point) bool {
	return math.Min(a[0], b[0]) <= p[0] && p[0] <= math.Max(a[0], b[0]) &&
		math.Min(a[1], b[1]) <= p[1] && p[1] <= math.Max(a[1], b[1])
}

// overlapLen reports whether collinear segments share more than a point.
func overlapLen(a, b, c, d orb.Point) bool {
	k := 0
	if a[0] == b[0] {
		k = 1
	}
	lo1, hi1 := math.Min(a[k], b[k]), math.Max(a[k], b[k])
	lo2, hi2 := math.Min(c[k], d[k]), math.Max(c[k], d[k])
	return math.Min(hi1, hi2) > math.Max(lo1, lo2)
}

// ratOrient is the sign of the orientation determinant: in floating point
// when it is clearly away from zero, else exactly.
func ratOrient(a, b, c orb.Point) int {
	l, rr := (b[0]-a[0])*(c[1]-a[1]), (b[1]-a[1])*(c[0]-a[0])
	if d, tol := l-rr, 1e-12*(math.Abs(l)+math.Abs(rr)); tol > 1e-200 && math.Abs(d) > tol {
		if d > 0 {
			return 1
		}
		return -1
	}
	r := func(f float64) *big.Rat { return new(big.Rat).SetFloat64(f) }
	x1 := new(big.Rat).Sub(r(b[0]), r(a[0]))
	y1 := new(big.Rat).Sub(r(b[1]), r(a[1]))
	x2 := new(big.Rat).Sub(r(c[0]), r(a[0]))
	y2 := new(big.Rat).Sub(r(c[1]), r(a[1]))
	return new(big.Rat).Mul(x1, y2).Cmp(new(big.Rat).Mul(y1, x2))
}
