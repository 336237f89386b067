package tiles

import (
	"errors"
	"fmt"
	"math"

	"github.com/paulmach/orb"

	"bando/spatial"
)

// Tile grid constants.
const (
	// MaxZoom is the deepest zoom served.
	MaxZoom = 24
	// DefaultExtent is the width and height of a tile in tile units.
	DefaultExtent = 4096
	// DefaultBuffer is the margin, in tile units, rendered around a tile so
	// that lines and polygon edges continue across tile seams. 256 is
	// PostGIS ST_AsMVTGeom's default.
	DefaultBuffer = 256
	// MaxLatitude is the latitude at which Web Mercator's square world ends.
	MaxLatitude = spatial.MaxMercatorLat
	// earthRadius is the WGS84 semi-major axis used by EPSG:3857, in metres.
	earthRadius = 6378137.0
	// mercatorHalf is half the width of the EPSG:3857 world, in metres.
	mercatorHalf = math.Pi * earthRadius
)

// ErrBadTile is wrapped by every error about a tile coordinate or path.
var ErrBadTile = errors.New("tiles: bad tile")

// Coord is an XYZ tile address: zoom, column from the west, row from the
// north (the "slippy map" / Google scheme, not TMS).
type Coord struct{ Z, X, Y int }

// NewCoord returns the tile z/x/y, or an error wrapping ErrBadTile when it
// does not exist.
func NewCoord(z, x, y int) (Coord, error) {
	c := Coord{Z: z, X: x, Y: y}
	return c, c.Validate()
}

// Validate reports whether c names a tile: 0 ≤ z ≤ 24 and 0 ≤ x, y < 2^z.
func (c Coord) Validate() error {
	if c.Z < 0 || c.Z > MaxZoom {
		return fmt.Errorf("%w: zoom %d is outside 0..%d", ErrBadTile, c.Z, MaxZoom)
	}
	n := 1 << c.Z
	if c.X < 0 || c.X >= n {
		return fmt.Errorf("%w: x %d is outside 0..%d at zoom %d", ErrBadTile, c.X, n-1, c.Z)
	}
	if c.Y < 0 || c.Y >= n {
		return fmt.Errorf("%w: y %d is outside 0..%d at zoom %d", ErrBadTile, c.Y, n-1, c.Z)
	}
	return nil
}

// String returns "z/x/y".
func (c Coord) String() string { return fmt.Sprintf("%d/%d/%d", c.Z, c.X, c.Y) }

// CoordOf returns the tile of zoom z that holds the lon/lat point p.
// Latitudes beyond the Mercator limit and longitudes beyond ±180° fall in
// the edge tiles. A point on an edge between two tiles may land in either,
// within floating-point rounding.
func CoordOf(p orb.Point, z int) Coord {
	n := float64(uint64(1) << uint(z))
	clampTile := func(v float64) int {
		i := int(math.Floor(v * n))
		return max(0, min(i, int(n)-1))
	}
	return Coord{Z: z, X: clampTile(lonToWorld(p[0])), Y: clampTile(latToWorld(p[1]))}
}

// Bound returns the tile's extent in WGS84 lon/lat.
func (c Coord) Bound() orb.Bound { return c.buffered(0) }

// BufferedBound returns the lon/lat rectangle of the tile grown by buffer
// tile units on every side, for a tile of the given extent. Web Mercator is
// separable (x depends on lon only, y on lat only), so the buffered square
// is exactly this axis-aligned lon/lat rectangle. Near the antimeridian and
// the poles it reaches beyond ±180° and ±85.05°; the world does not wrap.
func (c Coord) BufferedBound(buffer, extent int) orb.Bound {
	return c.buffered(float64(buffer) / float64(extent))
}

// buffered returns the lon/lat bound of the tile grown by f tile widths.
func (c Coord) buffered(f float64) orb.Bound {
	n := float64(uint64(1) << uint(c.Z))
	x0, x1 := (float64(c.X)-f)/n, (float64(c.X)+1+f)/n
	y0, y1 := (float64(c.Y)-f)/n, (float64(c.Y)+1+f)/n
	return orb.Bound{
		Min: orb.Point{worldToLon(x0), worldToLat(y1)},
		Max: orb.Point{worldToLon(x1), worldToLat(y0)},
	}
}

// MercatorBound returns the tile's extent in EPSG:3857 metres.
func (c Coord) MercatorBound() orb.Bound {
	size := 2 * mercatorHalf / float64(uint64(1)<<uint(c.Z))
	return orb.Bound{
		Min: orb.Point{-mercatorHalf + float64(c.X)*size, mercatorHalf - float64(c.Y+1)*size},
		Max: orb.Point{-mercatorHalf + float64(c.X+1)*size, mercatorHalf - float64(c.Y)*size},
	}
}

// Project returns the position of lon/lat point p in the tile's own
// coordinates for the given extent: x grows east, y grows south, (0, 0) is
// the north-west corner and (extent, extent) the south-east one. The result
// is not rounded; see Quantize.
func (c Coord) Project(p orb.Point, extent int) orb.Point {
	return c.projection(extent).point(p)
}

// Quantize rounds a projected point to the integer tile grid (half away from
// zero), the last step before encoding.
func Quantize(p orb.Point) (x, y int) {
	return int(math.Round(p[0])), int(math.Round(p[1]))
}

// projection maps lon/lat to tile units: world fraction × scale − origin.
type projection struct{ scale, x0, y0 float64 }

func (c Coord) projection(extent int) projection {
	e := float64(extent)
	return projection{
		scale: e * float64(uint64(1)<<uint(c.Z)),
		x0:    float64(c.X) * e,
		y0:    float64(c.Y) * e,
	}
}

func (pr projection) point(p orb.Point) orb.Point {
	return pr.pointY(p, latToWorld(p[1]))
}

// pointY is point with the latitude's world fraction y = latToWorld(p[1])
// already known (the store keeps it for every point: spatial.MercatorY).
func (pr projection) pointY(p orb.Point, y float64) orb.Point {
	return orb.Point{lonToWorld(p[0])*pr.scale - pr.x0, y*pr.scale - pr.y0}
}

// lonToWorld maps longitude to the world fraction 0 (−180°) .. 1 (+180°).
func lonToWorld(lon float64) float64 { return (lon + 180) / 360 }

// latToWorld maps latitude to the world fraction 0 (north edge) .. 1 (south
// edge), clamping to the Mercator limit so the poles stay finite. It is
// spatial.MercatorY, the function the store prepares every point's y with,
// so the two never differ.
func latToWorld(lat float64) float64 { return spatial.MercatorY(lat) }

func worldToLon(x float64) float64 { return x*360 - 180 }

func worldToLat(y float64) float64 {
	return math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi
}
