package archive

import "testing"

// The ids of the PMTiles v3 specification's examples.
func TestTileID(t *testing.T) {
	for _, c := range []struct {
		z    uint8
		x, y uint32
		id   uint64
	}{
		{0, 0, 0, 0}, {1, 0, 0, 1}, {1, 0, 1, 2}, {1, 1, 1, 3}, {1, 1, 0, 4}, {2, 0, 0, 5},
		{12, 3423, 1763, 19078479},
	} {
		if got := TileID(c.z, c.x, c.y); got != c.id {
			t.Errorf("TileID(%d, %d, %d) = %d, want %d", c.z, c.x, c.y, got, c.id)
		}
		z, x, y, err := ZXY(c.id)
		if err != nil || z != c.z || x != c.x || y != c.y {
			t.Errorf("ZXY(%d) = %d/%d/%d %v, want %d/%d/%d", c.id, z, x, y, err, c.z, c.x, c.y)
		}
	}
}

// Every tile of zooms 0–8 round-trips, and the ids of a zoom are exactly
// the range after the previous zoom's.
func TestTileIDRoundTrip(t *testing.T) {
	var next uint64
	for z := uint8(0); z <= 8; z++ {
		n := uint32(1) << z
		seen := make(map[uint64]bool, n*n)
		for x := range n {
			for y := range n {
				id := TileID(z, x, y)
				if rz, rx, ry, err := ZXY(id); err != nil || rz != z || rx != x || ry != y {
					t.Fatalf("%d/%d/%d → %d → %d/%d/%d %v", z, x, y, id, rz, rx, ry, err)
				}
				if id < next || id >= next+uint64(n)*uint64(n) || seen[id] {
					t.Fatalf("%d/%d/%d: id %d outside zoom %d's range or repeated", z, x, y, id, z)
				}
				seen[id] = true
			}
		}
		next += uint64(n) * uint64(n)
	}
}

func TestTileIDExtremes(t *testing.T) {
	for z := uint8(0); z <= maxZoom; z++ {
		d := uint32(1)<<z - 1
		for _, xy := range [][2]uint32{{0, 0}, {d, 0}, {0, d}, {d, d}} {
			rz, rx, ry, err := ZXY(TileID(z, xy[0], xy[1]))
			if err != nil || rz != z || rx != xy[0] || ry != xy[1] {
				t.Fatalf("zoom %d %v: got %d/%d/%d %v", z, xy, rz, rx, ry, err)
			}
		}
	}
	if _, _, _, err := ZXY(TileID(31, 1<<31-1, 0) + 1<<62); err == nil {
		t.Error("an id beyond zoom 31 decoded")
	}
	if _, _, _, err := ZXY(^uint64(0)); err == nil {
		t.Error("the largest id decoded")
	}
}
