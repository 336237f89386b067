package crs

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// FromWKT reads a WKT 1 coordinate system (a .prj file, a GeoPackage srs
// definition) as Vietnamese GIS software writes them: the datum may be only
// named (D_Vietnam_2000, VN_2000, Vietnam 2000) without TOWGS84, and a
// TM-3 zone is a plain Transverse_Mercator. VN-2000 always shifts to WGS84
// by EPSG:6960; a TOWGS84 that differs is replaced, and Note says so.
func FromWKT(s string) (*CRS, error) {
	root, err := parseWKT(s)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnknown, err)
	}
	switch root.key {
	case "PROJCS", "GEOGCS":
	default:
		return nil, fmt.Errorf("%w: %s is not a WKT 1 PROJCS or GEOGCS", ErrUnknown, root.key)
	}
	name := firstArg(root)
	geog := root
	if root.key == "PROJCS" {
		if geog = root.kid("GEOGCS"); geog == nil {
			return nil, fmt.Errorf("%w %q: PROJCS without GEOGCS", ErrUnknown, name)
		}
	}
	shift, note, err := datumOf(geog)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrUnknown, name, err)
	}
	c := &CRS{Name: name, Note: note, shift: shift}
	if root.key == "GEOGCS" {
		if shift == nil {
			c.EPSG, c.Name = 4326, "EPSG:4326 "+name
		} else {
			c.EPSG, c.Name = 4756, "EPSG:4756 "+name
		}
		return c, nil
	}
	if err := projectionOf(root, c); err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrUnknown, name, err)
	}
	return c, nil
}

func firstArg(n *wktNode) string {
	if len(n.args) == 0 {
		return ""
	}
	return n.args[0]
}

// datumOf recognises the datum of a GEOGCS by its name and checks its
// ellipsoid; it returns the shift to WGS84 (nil for WGS84).
func datumOf(geog *wktNode) (*helmert, string, error) {
	d := geog.kid("DATUM")
	if d == nil {
		return nil, "", fmt.Errorf("GEOGCS without DATUM")
	}
	if pm := geog.kid("PRIMEM"); pm != nil {
		if v, ok := pm.num(1); ok && v != 0 {
			return nil, "", fmt.Errorf("prime meridian %s is not Greenwich", pm.args[1])
		}
	}
	if sph := d.kid("SPHEROID"); sph != nil {
		a, ok1 := sph.num(1)
		inv, ok2 := sph.num(2)
		if !ok1 || !ok2 || math.Abs(a-wgs84Ellipsoid.a) > 1e-3 || math.Abs(inv-wgs84Ellipsoid.invF) > 1e-6 {
			return nil, "", fmt.Errorf("ellipsoid %q (%s, %s) is not WGS 84's; only WGS 84 and VN-2000 are supported",
				firstArg(sph), argOr(sph, 1), argOr(sph, 2))
		}
	}
	key := plainFold(firstArg(d))
	switch {
	case strings.Contains(key, "vn2000"), strings.Contains(key, "vietnam2000"):
		return &vn2000ToWGS84, towgs84Note(d), nil
	case strings.Contains(key, "wgs1984"), strings.Contains(key, "wgs84"), strings.Contains(key, "worldgeodeticsystem1984"):
		return nil, "", nil
	}
	return nil, "", fmt.Errorf("datum %q: only WGS 84 and VN-2000 are supported", firstArg(d))
}

func argOr(n *wktNode, i int) string {
	if i < len(n.args) {
		return n.args[i]
	}
	return "?"
}

// towgs84Note says when a VN-2000 datum's TOWGS84 is not EPSG:6960's.
func towgs84Note(d *wktNode) string {
	t := d.kid("TOWGS84")
	if t == nil {
		return "VN-2000 recognised by its datum name; shifted to WGS 84 by EPSG:6960"
	}
	var v [7]float64
	for i := range v {
		v[i], _ = t.num(i)
	}
	pv := positionVector(v[0], v[1], v[2], v[3], v[4], v[5], v[6])
	h := vn2000ToWGS84
	if math.Abs(pv.tx-h.tx)+math.Abs(pv.ty-h.ty)+math.Abs(pv.tz-h.tz) < 1e-4 &&
		math.Abs(pv.rx-h.rx)+math.Abs(pv.ry-h.ry)+math.Abs(pv.rz-h.rz)+math.Abs(pv.ppm-h.ppm) < 1e-6 {
		return ""
	}
	return "the .prj's TOWGS84[" + strings.Join(t.args, ",") + "] is not EPSG:6960 (Decision 05/2007/QĐ-BTNMT); EPSG:6960 is used"
}

// projectionOf reads a Transverse Mercator PROJCS into c and names it by
// its EPSG code when it is one of the supported zones.
func projectionOf(root *wktNode, c *CRS) error {
	pr := root.kid("PROJECTION")
	if pr == nil {
		return fmt.Errorf("PROJCS without PROJECTION")
	}
	if k := plainFold(firstArg(pr)); k != "transversemercator" && k != "gausskruger" {
		return fmt.Errorf("projection %q: only Transverse Mercator (UTM, TM-3) is supported", firstArg(pr))
	}
	params := map[string]float64{"scalefactor": 1}
	for _, k := range root.kids {
		if k.key == "PARAMETER" {
			v, ok := k.num(1)
			if !ok {
				return fmt.Errorf("parameter %q has no number", firstArg(k))
			}
			params[plainFold(firstArg(k))] = v
		}
	}
	c.unit = 1
	if u := root.kid("UNIT"); u != nil {
		if v, ok := u.num(1); ok && v > 0 {
			c.unit = v
		}
	}
	lat0, lon0, k0 := params["latitudeoforigin"], params["centralmeridian"], params["scalefactor"]
	fe, fn := params["falseeasting"]*c.unit, params["falsenorthing"]*c.unit
	if k0 <= 0 || math.Abs(lon0) > 180 || math.Abs(lat0) > 90 {
		return fmt.Errorf("transverse Mercator parameters out of range (scale %g, meridian %g, latitude %g)", k0, lon0, lat0)
	}
	// The projection works in metres; ToWGS84 scales its input by c.unit.
	c.proj = newTmerc(wgs84Ellipsoid, lat0, lon0, k0, fe, fn)
	if lat0 == 0 && fn == 0 && fe == 500000 && c.unit == 1 {
		c.EPSG = knownZone(lon0, k0, c.shift != nil)
		if c.EPSG != 0 {
			c.Name = "EPSG:" + strconv.Itoa(c.EPSG) + " " + c.Name
		}
	}
	return nil
}

// knownZone returns the EPSG code of a UTM or TM-3 zone, 0 if none.
func knownZone(lon0, k0 float64, vn bool) int {
	mins := int(math.Round(lon0 * 60))
	if math.Abs(lon0*60-float64(mins)) > 1e-6 {
		return 0
	}
	switch {
	case k0 == utmK0 && mins == 105*60:
		return map[bool]int{true: 3405, false: 32648}[vn]
	case k0 == utmK0 && mins == 111*60:
		return map[bool]int{true: 3406, false: 32649}[vn]
	case k0 == tm3K0 && vn:
		return tm3Codes[mins]
	}
	return 0
}
