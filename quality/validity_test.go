package quality

import (
	"testing"

	"github.com/paulmach/orb/encoding/wkt"
)

// validityCases are geometries with what PostGIS ST_IsValid (GEOS) says of
// them; TestValidityMatchesPostGIS asks PostGIS each time. noPG marks the
// ones PostGIS refuses to build at all (an unclosed ring, a ring of three
// positions): bando's index may still hold them when a store or an older
// version let them in, and they are invalid.
var validityCases = []struct {
	name  string
	wkt   string
	valid bool
	noPG  bool
}{
	{"point", "POINT(106.7 10.8)", true, false},
	{"line", "LINESTRING(0 0,1 1)", true, false},
	{"self-crossing line", "LINESTRING(0 0,1 1,0 1,1 0)", true, false},
	{"line of one position twice", "LINESTRING(1 1,1 1)", false, false},
	{"square", "POLYGON((0 0,4 0,4 4,0 4,0 0))", true, false},
	{"clockwise square", "POLYGON((0 0,0 4,4 4,4 0,0 0))", true, false},
	{"repeated vertex", "POLYGON((0 0,4 0,4 4,4 4,0 4,0 0))", true, false},
	{"hole", "POLYGON((0 0,4 0,4 4,0 4,0 0),(1 1,1 2,2 2,2 1,1 1))", true, false},
	{"hole touching the shell once", "POLYGON((0 0,4 0,4 4,0 4,0 0),(0 0,1 2,2 1,0 0))", true, false},
	{"parts touching at a point", "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((1 1,2 1,2 2,1 2,1 1)))", true, false},
	{"island in a lake", "MULTIPOLYGON(((0 0,10 0,10 10,0 10,0 0),(2 2,8 2,8 8,2 8,2 2)),((4 4,6 4,6 6,4 6,4 4)))", true, false},
	{"bow-tie", "POLYGON((0 0,2 2,2 0,0 2,0 0))", false, false},
	{"shell vertex on its own edge", "POLYGON((0 0,4 0,4 4,2 0,0 4,0 0))", false, false},
	{"pinched shell", "POLYGON((0 0,2 1,4 0,4 4,2 1,0 4,0 0))", false, false},
	{"spike", "POLYGON((0 0,4 0,4 4,4 6,4 4,0 4,0 0))", false, false},
	{"too few distinct points", "POLYGON((0 0,1 0,1 0,0 0))", false, false},
	{"collinear ring", "POLYGON((0 0,1 0,2 0,0 0))", false, false},
	{"hole outside the shell", "POLYGON((0 0,4 0,4 4,0 4,0 0),(5 5,6 5,6 6,5 6,5 5))", false, false},
	{"nested holes", "POLYGON((0 0,10 0,10 10,0 10,0 0),(1 1,9 1,9 9,1 9,1 1),(2 2,3 2,3 3,2 3,2 2))", false, false},
	{"hole crossing the shell", "POLYGON((0 0,4 0,4 4,0 4,0 0),(3 1,5 1,5 2,3 2,3 1))", false, false},
	{"hole touching the shell twice", "POLYGON((0 0,4 0,4 4,0 4,0 0),(0 0,2 2,0 4,1 2,0 0))", false, false},
	{"holes cutting the interior", "POLYGON((0 0,10 0,10 10,0 10,0 0),(0 5,5 4,5 5,0 5),(5 5,10 5,5 6,5 5))", false, false},
	{"overlapping parts", "MULTIPOLYGON(((0 0,2 0,2 2,0 2,0 0)),((1 1,3 1,3 3,1 3,1 1)))", false, false},
	{"parts sharing an edge", "MULTIPOLYGON(((0 0,1 0,1 1,0 1,0 0)),((1 0,2 0,2 1,1 1,1 0)))", false, false},
	{"part inside a part", "MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0)),((1 1,2 1,2 2,1 2,1 1)))", false, false},
	{"unclosed ring", "POLYGON((0 0,1 0,1 1,0 1))", false, true},
	{"ring of three positions", "POLYGON((0 0,1 1,0 0))", false, true},
	// ST_IsValid knows no lon/lat range: the figures count such a feature
	// as outside, not as invalid.
	{"latitude out of range", "POINT(106 95)", true, false},
}

func TestCheckGeometry(t *testing.T) {
	for _, c := range validityCases {
		t.Run(c.name, func(t *testing.T) {
			g, err := wkt.Unmarshal(c.wkt)
			if err != nil {
				t.Fatal(err)
			}
			pr := CheckGeometry(g)
			if got := pr == nil; got != c.valid {
				t.Fatalf("%s: valid %v, want %v (%v)", c.wkt, got, c.valid, pr)
			}
			if pr != nil && (pr.Rule == "" || pr.Message == "") {
				t.Fatalf("problem without rule or message: %+v", pr)
			}
		})
	}
}
