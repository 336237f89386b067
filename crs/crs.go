// Package crs reads the coordinate reference systems that Vietnamese
// spatial data comes in and transforms coordinates to WGS84 longitude and
// latitude, the only system the engine stores.
//
// Supported: WGS84 geographic (EPSG:4326) and UTM 48N/49N (32648, 32649);
// VN-2000 geographic (4756), VN-2000 / UTM 48N/49N (3405, 3406) and the
// VN-2000 3° transverse Mercator zones (TM-3: scale 0.9999, false easting
// 500 km, a central meridian per province, EPSG:5896–5899 and 9205–9218, or
// named by province: see Province). VN-2000 goes to WGS84 through
// EPSG:6960, the 7-parameter transformation of Decision 05/2007/QĐ-BTNMT,
// always: a .prj that only names the datum gets the same shift as an EPSG
// code (PROJ's own choice for such a file can land about 80 cm away).
//
// A CRS comes from an EPSG code or a name (Parse, for --crs), from a .prj
// file's WKT (FromWKT), or from a GeoPackage srs row (the organisation's
// code, else its WKT).
package crs

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// ErrUnknown is what Parse and FromWKT return (wrapped) for a system they
// cannot transform from.
var ErrUnknown = errors.New("crs: unknown coordinate system")

// CRS is a coordinate reference system that ToWGS84 can leave.
type CRS struct {
	// Name says what the system is, e.g. "EPSG:3405 VN-2000 / UTM zone 48N".
	Name string
	// EPSG is the EPSG code, 0 when the system has none (a TM-3 zone read
	// from a .prj whose meridian has no code).
	EPSG int
	// Note says what was assumed while reading the system (a TOWGS84 of a
	// .prj replaced by EPSG:6960, a datum recognised by its name), "" if
	// nothing was.
	Note    string
	shift   *helmert // to WGS84; nil for WGS84 itself
	proj    *tmerc   // nil for a geographic system
	webMerc bool     // EPSG:3857's spherical Mercator instead of proj
	unit    float64  // metres per linear unit of a projected system
}

// WGS84 is EPSG:4326, longitude and latitude in degrees.
var WGS84 = &CRS{Name: "EPSG:4326 WGS 84", EPSG: 4326}

// IsWGS84 reports whether coordinates are already WGS84 longitude and
// latitude, so that nothing needs transforming.
func (c *CRS) IsWGS84() bool { return c == nil || c.shift == nil && c.proj == nil && !c.webMerc }

// Projected reports whether coordinates are eastings and northings.
func (c *CRS) Projected() bool { return c != nil && (c.proj != nil || c.webMerc) }

// ToWGS84 transforms one position to WGS84 longitude and latitude in
// degrees. Heights are taken as 0 on the ellipsoid, as PROJ does for 2D
// input: a shift of 7 parameters moves a position by under a millimetre per
// 100 m of height.
func (c *CRS) ToWGS84(x, y float64) (lon, lat float64) {
	if c == nil {
		return x, y
	}
	lon, lat = x, y
	if c.webMerc {
		return x / wgs84Ellipsoid.a / deg, (2*math.Atan(math.Exp(y/wgs84Ellipsoid.a)) - math.Pi/2) / deg
	}
	if c.proj != nil {
		lon, lat = c.proj.inverse(x*c.unit, y*c.unit)
	}
	if c.shift != nil {
		gx, gy, gz := wgs84Ellipsoid.toGeocentric(lon, lat, 0)
		gx, gy, gz = c.shift.apply(gx, gy, gz)
		lon, lat, _ = wgs84Ellipsoid.fromGeocentric(gx, gy, gz)
	}
	return lon, lat
}

// Transform transforms g to WGS84 in place and returns it.
func (c *CRS) Transform(g orb.Geometry) orb.Geometry {
	if c.IsWGS84() || g == nil {
		return g
	}
	return eachPoint(g, func(p orb.Point) orb.Point {
		lon, lat := c.ToWGS84(p[0], p[1])
		return orb.Point{lon, lat}
	})
}

// Parse reads a system as given on the command line: "EPSG:3405" (or just
// "3405"), "VN2000:TM3:107.75" or "VN2000:TM3:107-45" (a TM-3 zone by its
// central meridian), or "VN2000:<province>" (the TM-3 zone of a province,
// 2025 or pre-2025, e.g. "VN2000:Đà Nẵng", "VN2000:quang-nam").
func Parse(s string) (*CRS, error) {
	t := strings.TrimSpace(s)
	up := strings.ToUpper(t)
	switch {
	case strings.HasPrefix(up, "EPSG:"):
		return parseCode(t[5:])
	case strings.HasPrefix(up, "VN2000:TM3:"), strings.HasPrefix(up, "VN-2000:TM3:"):
		m, err := parseMeridian(t[strings.LastIndexByte(t, ':')+1:])
		if err != nil {
			return nil, fmt.Errorf("%w %q: %v", ErrUnknown, s, err)
		}
		return TM3(m), nil
	case strings.HasPrefix(up, "VN2000:"), strings.HasPrefix(up, "VN-2000:"):
		name := t[strings.IndexByte(t, ':')+1:]
		p, ok := Province(name)
		if !ok {
			return nil, fmt.Errorf("%w %q: no province %q in the TM-3 table", ErrUnknown, s, name)
		}
		c := TM3(p.Meridian)
		c.Name += " (" + p.Name + ")"
		return c, nil
	}
	if _, err := strconv.Atoi(t); err == nil {
		return parseCode(t)
	}
	return nil, fmt.Errorf("%w %q: want EPSG:n, VN2000:TM3:<meridian> or VN2000:<province>", ErrUnknown, s)
}

func parseCode(s string) (*CRS, error) {
	code, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return nil, fmt.Errorf("%w EPSG:%s: not a number", ErrUnknown, s)
	}
	return FromEPSG(code)
}

// parseMeridian reads 107.75, 107-45 or 107°45' as degrees.
func parseMeridian(s string) (float64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "'"))
	for _, sep := range []string{"-", "°", "d"} {
		if d, m, ok := strings.Cut(s, sep); ok {
			dv, err1 := strconv.Atoi(strings.TrimSpace(d))
			mv, err2 := strconv.Atoi(strings.TrimSpace(m))
			if err1 != nil || err2 != nil || mv < 0 || mv >= 60 {
				return 0, fmt.Errorf("meridian %q: want degrees-minutes such as 107-45", s)
			}
			return float64(dv) + float64(mv)/60, nil
		}
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, fmt.Errorf("meridian %q: want degrees such as 107.75", s)
	}
	return v, nil
}
