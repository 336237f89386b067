// Package sim is bando's fleet simulator: a seeded, deterministic generator
// of synthetic fishing-vessel traffic sailing from the demo province's real
// ports to fishing grounds in the zone each vessel's length permits, with
// scripted IUU events (signal loss, fishing outside the permitted zone, a
// gathering, an encounter) and their ground truth. Everything it makes is
// synthetic; the ports and zones it sails between are real layers.
package sim

import (
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"math"

	"bando/data"
	"bando/spatial"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Bands of the fishing_zones layer (Decree 26/2019 Art. 43).
const (
	Coastal  = "ven_bo" // < 12 m vessels of the province
	Inshore  = "long"   // 12–15 m
	Offshore = "khoi"   // ≥ 15 m
)

// Port is a home port: the terminal and the first point at sea off it.
type Port struct {
	Name string
	At   orb.Point
	// Gate is a point in the coastal zone within gateMax of the port: a
	// vessel sails port → gate → grounds, so it is never outside every zone
	// while more than 1 km from a port.
	Gate orb.Point
	// Offing is a point a few kilometres out in the coastal zone, straight
	// from the gate, facing the open sea: vessels head for their grounds
	// from it (ports in a bay have no straight way to the offshore band).
	Offing orb.Point
}

// World is what the simulator sails in: the ports (all of them, for the
// "far from ports" tests) and home ports, and the zone polygons per band.
type World struct {
	Ports []orb.Point
	Home  []Port
	Zones map[string][]orb.Polygon
	// bounds are the Zones' polygons' bounds, computed once.
	bounds map[string][]orb.Bound
}

// gateMax bounds the port → gate leg: inside it a vessel counts as in port
// (the twin judges zones only from 1 km off every port).
const gateMax = 800.0

// DemoWorld reads the demo's ports and fishing_zones layers.
func DemoWorld() (*World, error) {
	fsys := data.Demo()
	ports, err := readFC(fsys, "ports.geojson.gz")
	if err != nil {
		return nil, err
	}
	zones, err := readFC(fsys, "fishing_zones.geojson.gz")
	if err != nil {
		return nil, err
	}
	w := &World{Zones: map[string][]orb.Polygon{}}
	for _, f := range zones.Features {
		band, _ := f.Properties["zone"].(string)
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			w.Zones[band] = append(w.Zones[band], g)
		case orb.MultiPolygon:
			w.Zones[band] = append(w.Zones[band], g...)
		}
	}
	w.bounds = map[string][]orb.Bound{}
	for _, b := range []string{Coastal, Inshore, Offshore} {
		if len(w.Zones[b]) == 0 {
			return nil, fmt.Errorf("sim: fishing_zones has no %q band", b)
		}
		for _, p := range w.Zones[b] {
			w.bounds[b] = append(w.bounds[b], p.Bound())
		}
	}
	for _, f := range ports.Features {
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			continue
		}
		w.Ports = append(w.Ports, pt)
		if gate, ok := w.gate(pt); ok {
			if off, ok := w.offing(gate); ok {
				name, _ := f.Properties["name"].(string)
				w.Home = append(w.Home, Port{Name: name, At: pt, Gate: gate, Offing: off})
			}
		}
	}
	if len(w.Home) == 0 {
		return nil, fmt.Errorf("sim: no port lies within %g m of the coastal zone", gateMax)
	}
	return w, nil
}

func readFC(fsys fs.FS, name string) (*geojson.FeatureCollection, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("sim: %w", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("sim: %s: %w", name, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("sim: %s: %w", name, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("sim: %s: %w", name, err)
	}
	return fc, nil
}

// gate finds the nearest coastal-zone point on rings of 100 m steps around
// the port, up to gateMax.
func (w *World) gate(p orb.Point) (orb.Point, bool) {
	for r := 100.0; r <= gateMax; r += 100 {
		for a := 0; a < 360; a += 10 {
			q := offset(p, r, float64(a))
			if w.In(Coastal, q) {
				return q, true
			}
		}
	}
	return orb.Point{}, false
}

// offing picks, among points 3–6 km from the gate reachable straight
// through the coastal zone, the one facing the most open sea (the most
// sea on the 40 km beyond it, on the same bearing).
func (w *World) offing(gate orb.Point) (orb.Point, bool) {
	best, score := orb.Point{}, 0
	for d := 6000.0; d >= 3000; d -= 1000 {
		for a := 0.0; a < 360; a += 10 {
			q := offset(gate, d, a)
			if !w.pathIn(gate, q, []string{Coastal}) {
				continue
			}
			n := 0
			for m := 1000.0; m <= 40000; m += 1000 {
				if w.Band(offset(q, m, a)) == "" {
					break
				}
				n++
			}
			if n > score {
				best, score = q, n
			}
		}
	}
	return best, score > 0
}

// In reports whether band's polygons hold pt.
func (w *World) In(band string, pt orb.Point) bool {
	for i, p := range w.Zones[band] {
		if w.bounds[band][i].Contains(pt) && spatial.PolygonContains(p, pt) {
			return true
		}
	}
	return false
}

// Band is the band holding pt, "" at none (land, another province's sea).
func (w *World) Band(pt orb.Point) string {
	for _, b := range []string{Coastal, Inshore, Offshore} {
		if w.In(b, pt) {
			return b
		}
	}
	return ""
}

// PortDist is the distance in metres to the nearest port.
func (w *World) PortDist(pt orb.Point) float64 {
	best := math.Inf(1)
	for _, p := range w.Ports {
		best = min(best, dist(pt, p))
	}
	return best
}

const earthRadius = 6371008.8

// dist is the great-circle distance in metres (as the twin measures).
func dist(a, b orb.Point) float64 {
	const rad = math.Pi / 180
	dlat, dlon := (b[1]-a[1])*rad, (b[0]-a[0])*rad
	s1, s2 := math.Sin(dlat/2), math.Sin(dlon/2)
	h := s1*s1 + math.Cos(a[1]*rad)*math.Cos(b[1]*rad)*s2*s2
	return 2 * earthRadius * math.Asin(math.Sqrt(min(1, h)))
}

// offset moves p by m metres on bearing deg (degrees from north), on a
// local flat scale (legs are tens of kilometres at most).
func offset(p orb.Point, m, deg float64) orb.Point {
	const ky = earthRadius * math.Pi / 180
	a := deg * math.Pi / 180
	kx := ky * math.Cos(p[1]*math.Pi/180)
	return orb.Point{p[0] + m*math.Sin(a)/kx, p[1] + m*math.Cos(a)/ky}
}

// bearing is the course from a to b in degrees from north, [0, 360).
func bearing(a, b orb.Point) float64 {
	kx := math.Cos(a[1] * math.Pi / 180)
	d := math.Atan2((b[0]-a[0])*kx, b[1]-a[1]) * 180 / math.Pi
	if d < 0 {
		d += 360
	}
	return d
}

// lerp is the point a fraction f of the way from a to b.
func lerp(a, b orb.Point, f float64) orb.Point {
	return orb.Point{a[0] + (b[0]-a[0])*f, a[1] + (b[1]-a[1])*f}
}

// segDist is the distance from p to the segment ab (flat, for the
// separation checks).
func segDist(p, a, b orb.Point) float64 {
	kx := math.Cos(p[1] * math.Pi / 180)
	ax, ay := (a[0]-p[0])*kx, a[1]-p[1]
	bx, by := (b[0]-p[0])*kx, b[1]-p[1]
	dx, dy := bx-ax, by-ay
	f := 0.0
	if l := dx*dx + dy*dy; l > 0 {
		f = max(0, min(1, -(ax*dx+ay*dy)/l))
	}
	return dist(p, lerp(a, b, f))
}
