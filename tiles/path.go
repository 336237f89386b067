package tiles

import (
	"fmt"
	"strings"
)

// PathSuffix ends every tile path.
const PathSuffix = ".mvt"

// Path returns the tile's path "z/x/y.mvt", the inverse of ParsePath.
func (c Coord) Path() string { return c.String() + PathSuffix }

// ParsePath parses a tile path "{z}/{x}/{y}.mvt" (the part of the URL after
// the layer ids). It is strict, so that one tile has one path and one cache
// key: decimal digits only, no sign, no leading zeros, no empty or extra
// segments, and the tile must exist (see Coord.Validate). Errors wrap
// ErrBadTile and name the problem.
func ParsePath(s string) (Coord, error) {
	rest, ok := strings.CutSuffix(s, PathSuffix)
	if !ok {
		return Coord{}, fmt.Errorf("%w: path %q: want {z}/{x}/{y}%s", ErrBadTile, s, PathSuffix)
	}
	// Two cuts rather than a split: a cached tile's request does nothing
	// else that allocates this much.
	var parts [3]string
	var ok1, ok2 bool
	parts[0], rest, ok1 = strings.Cut(rest, "/")
	parts[1], parts[2], ok2 = strings.Cut(rest, "/")
	if !ok1 || !ok2 || strings.Contains(parts[2], "/") {
		return Coord{}, fmt.Errorf("%w: path %q: want {z}/{x}/{y}%s", ErrBadTile, s, PathSuffix)
	}
	var v [3]int
	for i, name := range [3]string{"z", "x", "y"} {
		n, err := parseIndex(parts[i])
		if err != nil {
			return Coord{}, fmt.Errorf("%w: path %q: %s %w", ErrBadTile, s, name, err)
		}
		v[i] = n
	}
	c := Coord{Z: v[0], X: v[1], Y: v[2]}
	if err := c.Validate(); err != nil {
		return Coord{}, fmt.Errorf("%w (path %q)", err, s)
	}
	return c, nil
}

// maxIndexDigits bounds a path segment: 2^24 − 1 has 8 digits, so 9 digits
// are always out of range and never overflow an int.
const maxIndexDigits = 9

// parseIndex parses a canonical non-negative decimal integer.
func parseIndex(s string) (int, error) {
	switch {
	case s == "":
		return 0, errString("is empty")
	case len(s) > maxIndexDigits:
		return 0, errString("is too large")
	case len(s) > 1 && s[0] == '0':
		return 0, errString("has a leading zero")
	}
	n := 0
	for i := 0; i < len(s); i++ {
		d := s[i]
		if d < '0' || d > '9' {
			return 0, fmt.Errorf("is not a decimal number: %q", s)
		}
		n = n*10 + int(d-'0')
	}
	return n, nil
}

type errString string

func (e errString) Error() string { return string(e) }
