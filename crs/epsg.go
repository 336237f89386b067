package crs

import (
	"fmt"
	"math"
	"strconv"
)

// utmK0 and tm3K0 are the scale factors on the central meridian of a UTM
// zone and of a VN-2000 TM-3 zone (Circular 973/2001/TT-TCĐC).
const (
	utmK0 = 0.9996
	tm3K0 = 0.9999
)

// tm3Codes are the EPSG codes of VN-2000 TM-3 zones (false easting 500 km),
// by central meridian in minutes of arc. EPSG:6956–6959 give northing
// first with the 500 km on it and are not taken.
var tm3Codes = map[int]int{
	102 * 60: 5896, 105 * 60: 5897, 108 * 60: 5898, 107*60 + 45: 5899,
	103 * 60: 9205, 104 * 60: 9206, 104*60 + 30: 9207, 104*60 + 45: 9208,
	105*60 + 30: 9209, 105*60 + 45: 9210, 106 * 60: 9211, 106*60 + 15: 9212,
	106*60 + 30: 9213, 107 * 60: 9214, 107*60 + 15: 9215, 107*60 + 30: 9216,
	108*60 + 15: 9217, 108*60 + 30: 9218,
}

// FromEPSG returns a supported EPSG system.
func FromEPSG(code int) (*CRS, error) {
	vn := &vn2000ToWGS84
	switch code {
	case 4326:
		return WGS84, nil
	case 3857:
		return WebMercator, nil
	case 4756:
		return &CRS{Name: "EPSG:4756 VN-2000", EPSG: 4756, shift: vn}, nil
	case 3405, 3406:
		c := utm(code-3405+48, vn)
		c.Name, c.EPSG = fmt.Sprintf("EPSG:%d VN-2000 / UTM zone %dN", code, code-3405+48), code
		return c, nil
	case 32648, 32649:
		c := utm(code-32600, nil)
		c.Name, c.EPSG = fmt.Sprintf("EPSG:%d WGS 84 / UTM zone %dN", code, code-32600), code
		return c, nil
	}
	for m, c := range tm3Codes {
		if c == code {
			return TM3(float64(m) / 60), nil
		}
	}
	return nil, fmt.Errorf("%w EPSG:%d: supported are 4326, 3857, 4756, 3405, 3406, 32648, 32649 and the VN-2000 TM-3 zones (5896–5899, 9205–9218)", ErrUnknown, code)
}

func utm(zone int, shift *helmert) *CRS {
	lon0 := float64(zone)*6 - 183
	return &CRS{shift: shift, proj: newTmerc(wgs84Ellipsoid, 0, lon0, utmK0, 500000, 0), unit: 1}
}

// TM3 returns the VN-2000 TM-3 zone of a central meridian (degrees): scale
// 0.9999, false easting 500 km, latitude of origin 0.
func TM3(meridian float64) *CRS {
	c := &CRS{shift: &vn2000ToWGS84, proj: newTmerc(wgs84Ellipsoid, 0, meridian, tm3K0, 500000, 0), unit: 1}
	mins := int(math.Round(meridian * 60))
	c.Name = "VN-2000 / TM-3 " + strconv.Itoa(mins/60) + "-" + fmt.Sprintf("%02d", mins%60)
	if code, ok := tm3Codes[mins]; ok && math.Abs(meridian*60-float64(mins)) < 1e-6 {
		c.EPSG = code
		c.Name = "EPSG:" + strconv.Itoa(code) + " " + c.Name
	}
	return c
}
