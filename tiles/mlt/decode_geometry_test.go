package mlt

import (
	"errors"
	"fmt"
)

// decodeGeometry decodes the geometry column into one feature per
// geometry (see decode_test.go).
func decodeGeometry(r *reader) ([]dFeature, error) {
	n, err := r.count()
	if err != nil {
		return nil, err
	}
	if n < 2 {
		return nil, fmt.Errorf("%d streams", n)
	}
	types, err := readInts(r, false)
	if err != nil {
		return nil, fmt.Errorf("types: %w", err)
	}
	var geoms, parts, rings, xy []uint64
	var hasRings, hasVerts bool
	for range n - 1 {
		s, err := readStream(r)
		if err != nil {
			return nil, err
		}
		switch {
		case s.kind == streamLength && s.sub == lengthGeometries:
			geoms, err = s.ints(false)
		case s.kind == streamLength && s.sub == lengthParts:
			parts, err = s.ints(false)
		case s.kind == streamLength && s.sub == lengthRings:
			rings, err = s.ints(false)
			hasRings = true
		case s.kind == streamData && s.sub == dictVertex:
			xy, err = vertices(s)
			hasVerts = true
		default:
			err = fmt.Errorf("unexpected stream %d/%d", s.kind, s.sub)
		}
		if err != nil {
			return nil, err
		}
	}
	if !hasVerts {
		return nil, errors.New("no vertex stream")
	}
	c := &cursor{xy: xy}
	out := make([]dFeature, len(types))
	var gi, pi, ri int
	next := func(vs []uint64, i *int, what string) (int, error) {
		if *i >= len(vs) {
			return 0, fmt.Errorf("%s stream too short", what)
		}
		*i++
		if vs[*i-1] > maxValues {
			return 0, fmt.Errorf("%s count %d", what, vs[*i-1])
		}
		return int(vs[*i-1]), nil
	}
	for i, t := range types {
		if t > typeMultiPolygon {
			return nil, fmt.Errorf("geometry type %d", t)
		}
		f := &out[i]
		f.Type = int(t)
		count := 1
		if t >= typeMultiPoint {
			if count, err = next(geoms, &gi, "geometries"); err != nil {
				return nil, err
			}
		}
		var pts []XY
		for range count {
			switch t % 3 {
			case typePoint:
				p, err := c.take(1)
				if err != nil {
					return nil, err
				}
				pts = append(pts, p...)
			case typeLineString:
				var nv int
				if hasRings {
					nv, err = next(rings, &ri, "rings")
				} else {
					nv, err = next(parts, &pi, "parts")
				}
				if err != nil {
					return nil, err
				}
				line, err := c.take(nv)
				if err != nil {
					return nil, err
				}
				f.Parts = append(f.Parts, line)
			case typePolygon:
				nr, err := next(parts, &pi, "parts")
				if err != nil {
					return nil, err
				}
				for range nr {
					nv, err := next(rings, &ri, "rings")
					if err != nil {
						return nil, err
					}
					ring, err := c.take(nv)
					if err != nil {
						return nil, err
					}
					f.Parts = append(f.Parts, ring)
				}
			}
		}
		if pts != nil {
			f.Parts = [][]XY{pts}
		}
	}
	if gi != len(geoms) || pi != len(parts) || ri != len(rings) || len(c.xy) != 0 {
		return nil, fmt.Errorf("topology left over: %d geometries, %d parts, %d rings, %d coordinates",
			len(geoms)-gi, len(parts)-pi, len(rings)-ri, len(c.xy))
	}
	return out, nil
}

// vertices decodes a vertex stream to x, y, x, y, …: zig-zag values,
// absolute or componentwise deltas.
func vertices(s dStream) ([]uint64, error) {
	delta := s.log1 == logComponentwiseDelta && s.log2 == logNone
	if delta {
		s.log1 = logNone
	}
	xy, err := s.ints(true)
	if err != nil {
		return nil, err
	}
	if len(xy)%2 != 0 {
		return nil, fmt.Errorf("%d coordinates", len(xy))
	}
	if delta {
		for i := 2; i < len(xy); i++ {
			xy[i] = uint64(int32(xy[i]) + int32(xy[i-2]))
		}
	}
	return xy, nil
}

type cursor struct{ xy []uint64 }

func (c *cursor) take(n int) ([]XY, error) {
	if n == 0 || 2*n > len(c.xy) {
		return nil, fmt.Errorf("%d vertices wanted, %d left", n, len(c.xy)/2)
	}
	out := make([]XY, n)
	for i := range out {
		out[i] = XY{int32(c.xy[2*i]), int32(c.xy[2*i+1])}
	}
	c.xy = c.xy[2*n:]
	return out, nil
}
