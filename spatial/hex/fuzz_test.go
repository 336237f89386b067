package hex

import (
	"errors"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// FuzzParseCell checks that any string either parses to a valid cell whose
// canonical id parses back to it, or is refused with an *Error.
func FuzzParseCell(f *testing.F) {
	for _, s := range []string{"88658a2b4bfffff", "88658A2B4BFFFFF", "8001fffffffffff", "0", "", "zz",
		"ffffffffffffffff", "08658a2b4bfffff", "1158a2b4bfffff", "88658a2b4bfffff0", "0x88658a2b4bfffff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParseCell(s)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Param != "h3" || c != 0 {
				t.Fatalf("ParseCell(%q) = %v, %v: want 0 and an *Error on h3", s, c, err)
			}
			return
		}
		if !c.Valid() || c.Res() > MaxRes || !strings.EqualFold(strings.TrimLeft(s, "0"), c.String()) {
			t.Fatalf("ParseCell(%q) = %s: invalid or not the same id", s, c)
		}
		if back, err := ParseCell(c.String()); err != nil || back != c {
			t.Fatalf("round trip of %s: %s, %v", c, back, err)
		}
		for r := 0; r <= c.Res(); r++ {
			if p, err := c.Parent(r); err != nil || !p.Valid() || p.Res() != r {
				t.Fatalf("Parent(%s, %d) = %s, %v", c, r, p, err)
			}
		}
		if b := Boundary(c); len(b) < 6 || b[0] != b[len(b)-1] {
			t.Fatalf("Boundary(%s) = %v", c, b)
		}
	})
}

// FuzzParseAggs checks that any agg= value either parses to figures whose
// keys are distinct and which print back to an equivalent list, or is
// refused with an *Error on agg.
func FuzzParseAggs(f *testing.F) {
	for _, s := range []string{"count", "sum:power_w", "avg:floors", "count,sum:a,avg:a", "sum:", ":x",
		"count:x", "sum:a,sum:a", "max:x", "", ",", "sum:a:b", "avg:tên_đường", "sum:\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		aggs, err := ParseAggs(s)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Param != "agg" {
				t.Fatalf("ParseAggs(%q): %v, want an *Error on agg", s, err)
			}
			return
		}
		if len(aggs) == 0 {
			t.Fatalf("ParseAggs(%q) gave no figure", s)
		}
		seen := map[string]bool{}
		var parts []string
		for _, a := range aggs {
			if seen[a.Key()] || a.Index != -1 {
				t.Fatalf("ParseAggs(%q): %v repeated or with an index", s, a)
			}
			seen[a.Key()] = true
			if a.Op == Count {
				parts = append(parts, "count")
			} else {
				parts = append(parts, string(a.Op)+":"+a.Field)
			}
		}
		back, err := ParseAggs(strings.Join(parts, ","))
		if err != nil || len(back) != len(aggs) {
			t.Fatalf("ParseAggs(%q) = %v, printed back: %v, %v", s, aggs, back, err)
		}
	})
}

// FuzzCover builds a polygon, a line and points from arbitrary bytes —
// degenerate, self-crossing, repeated or out-of-range vertices included —
// and checks that Cover never panics, and either refuses with an *Error or
// *LimitError or returns sorted valid cells of the asked resolution.
func FuzzCover(f *testing.F) {
	f.Add([]byte{0, 0, 0, 0, 10, 0, 0, 10, 10, 10}, uint8(8), false)
	f.Add([]byte{5, 5, 5, 5, 5, 5, 5, 5}, uint8(12), true)
	f.Add([]byte{255, 255, 0, 0, 255, 0, 0, 255}, uint8(3), false)
	f.Add([]byte{1, 2}, uint8(15), true)
	f.Fuzz(func(t *testing.T, data []byte, res uint8, line bool) {
		if len(data) > 64 {
			data = data[:64]
		}
		var pts []orb.Point
		for i := 0; i+1 < len(data); i += 2 {
			// Bytes map to a 0.01° neighbourhood of Ho Chi Minh City,
			// except 255, which is a far or out-of-range coordinate.
			lon, lat := 106.7+float64(data[i])*4e-5, 10.8+float64(data[i+1])*4e-5
			if data[i] == 255 {
				lon = 200
			}
			if data[i+1] == 255 {
				lat = -89.99
			}
			pts = append(pts, orb.Point{lon, lat})
		}
		var g orb.Geometry = orb.MultiPoint(pts)
		switch {
		case line:
			g = orb.LineString(pts)
		case len(pts) > 0:
			g = orb.Polygon{append(orb.Ring(pts), pts[0])}
		}
		r := int(res % 17) // 16 is out of range on purpose
		cells, err := Cover(g, r, 100_000)
		if err != nil {
			if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrLimit) {
				t.Fatalf("Cover(%v, %d): %v is neither ErrInvalid nor ErrLimit", g, r, err)
			}
			return
		}
		for i, c := range cells {
			if !c.Valid() || c.Res() != r || i > 0 && cells[i-1] >= c {
				t.Fatalf("Cover(%v, %d): cell %s invalid, of res %d or out of order", g, r, c, c.Res())
			}
		}
	})
}
