package tiles

import (
	"errors"
	"strings"
	"testing"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		in      string
		want    Coord
		wantErr string // substring of the error; "" for success
	}{
		{"0/0/0.mvt", Coord{0, 0, 0}, ""},
		{"15/26029/14276.mvt", Coord{15, 26029, 14276}, ""},
		{"24/16777215/16777215.mvt", Coord{24, 1<<24 - 1, 1<<24 - 1}, ""},
		{"1/1/1.mvt", Coord{1, 1, 1}, ""},
		{"0/0/0", Coord{}, "want {z}/{x}/{y}.mvt"},
		{"0/0/0.pbf", Coord{}, "want {z}/{x}/{y}.mvt"},
		{"0/0.mvt", Coord{}, "want {z}/{x}/{y}.mvt"},
		{"0/0/0/0.mvt", Coord{}, "want {z}/{x}/{y}.mvt"},
		{"/0/0/0.mvt", Coord{}, "want {z}/{x}/{y}.mvt"},
		{"//0.mvt", Coord{}, "z is empty"},
		{"1//0.mvt", Coord{}, "x is empty"},
		{"1/0/.mvt", Coord{}, "y is empty"},
		{"01/0/0.mvt", Coord{}, "z has a leading zero"},
		{"1/00/0.mvt", Coord{}, "x has a leading zero"},
		{"+1/0/0.mvt", Coord{}, "z is not a decimal number"},
		{"-1/0/0.mvt", Coord{}, "z is not a decimal number"},
		{"1/0x1/0.mvt", Coord{}, "x has a leading zero"},
		{"1/1x/0.mvt", Coord{}, "x is not a decimal number"},
		{"1/1/ 1.mvt", Coord{}, "y is not a decimal number"},
		{"1/1/١.mvt", Coord{}, "y is not a decimal number"}, // Arabic-Indic digit one
		{"25/0/0.mvt", Coord{}, "zoom 25 is outside 0..24"},
		{"1/2/0.mvt", Coord{}, "x 2 is outside 0..1"},
		{"1/0/2.mvt", Coord{}, "y 2 is outside 0..1"},
		{"3/0/1234567890.mvt", Coord{}, "y is too large"},
		{"3/0/99999999999999999999999.mvt", Coord{}, "y is too large"},
		{"", Coord{}, "want {z}/{x}/{y}.mvt"},
		{".mvt", Coord{}, "want {z}/{x}/{y}.mvt"},
	}
	for _, tt := range tests {
		got, err := ParsePath(tt.in)
		if tt.wantErr == "" {
			if err != nil || got != tt.want {
				t.Errorf("ParsePath(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if p := got.Path(); p != tt.in {
				t.Errorf("Path() = %q, want %q", p, tt.in)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrBadTile) {
			t.Errorf("ParsePath(%q) error = %v, want one wrapping ErrBadTile containing %q", tt.in, err, tt.wantErr)
		}
	}
}

// FuzzParsePath checks that the parser never panics, that whatever it
// accepts is a valid tile whose canonical path is the input (one tile, one
// path, one cache key), and that every error wraps ErrBadTile. Seeds live
// in testdata/fuzz/FuzzParsePath as well as here.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"0/0/0.mvt", "14/13030/7339.mvt", "24/16777215/0.mvt", "25/0/0.mvt",
		"01/0/0.mvt", "1/2/0.mvt", "a/b/c.mvt", "1/1/1.pbf", "9999999999/1/1.mvt", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := ParsePath(s)
		if err != nil {
			if !errors.Is(err, ErrBadTile) {
				t.Fatalf("ParsePath(%q) error %v does not wrap ErrBadTile", s, err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("ParsePath(%q) accepted an invalid tile: %v", s, err)
		}
		if p := c.Path(); p != s {
			t.Fatalf("ParsePath(%q) = %v, whose path is %q", s, c, p)
		}
	})
}
