package hex

import (
	"errors"
	"strings"
	"testing"
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
