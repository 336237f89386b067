package quality

import (
	"testing"

	"github.com/paulmach/orb"

	"bando/spatial"
)

// polygonFrom reads rings of small integer coordinates from b: a byte
// 0xff ends a ring, each other pair of bytes is a vertex on an 16 × 16 grid
// (so that vertices often meet edges); rings are closed.
func polygonFrom(b []byte) orb.Polygon {
	var pg orb.Polygon
	var r orb.Ring
	end := func() {
		if len(r) > 0 {
			pg = append(pg, append(r, r[0]))
		}
		r = nil
	}
	for i := 0; i < len(b); i++ {
		if b[i] == 0xff || i+1 >= len(b) {
			end()
			continue
		}
		r = append(r, orb.Point{float64(b[i] % 16), float64(b[i+1] % 16)})
		i++
	}
	end()
	return pg
}

// FuzzCheckGeometry: any polygon is checked without panicking; two valid
// ones relate symmetrically, and a valid one equals itself.
func FuzzCheckGeometry(f *testing.F) {
	f.Add([]byte{0, 0, 4, 0, 4, 4, 0, 4}, []byte{2, 2, 6, 2, 6, 6, 2, 6})
	f.Add([]byte{0, 0, 2, 2, 2, 0, 0, 2}, []byte{0, 0, 8, 0, 8, 8, 0, 8, 0xff, 2, 2, 2, 4, 4, 4, 4, 2})
	f.Fuzz(func(t *testing.T, x, y []byte) {
		a, b := polygonFrom(x), polygonFrom(y)
		pa, pb := CheckGeometry(a), CheckGeometry(b)
		if pa != nil || pb != nil || isEmpty(a) || isEmpty(b) {
			return
		}
		aa, ab := spatial.NewArea(a), spatial.NewArea(b)
		if r := spatial.Relate(aa, aa); !r.Equals() || r.Overlaps() {
			t.Fatalf("%v does not equal itself: %+v", a, r)
		}
		r1, r2 := spatial.Relate(aa, ab), spatial.Relate(ab, aa)
		if r1.Overlaps() != r2.Overlaps() || r1.InteriorsMeet != r2.InteriorsMeet ||
			r1.ACoveredByB != r2.BCoveredByA || r1.BCoveredByA != r2.ACoveredByB {
			t.Fatalf("%v and %v relate unsymmetrically: %+v, %+v", a, b, r1, r2)
		}
	})
}
