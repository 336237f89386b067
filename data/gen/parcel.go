// Package gen generates synthetic data for scale tests and the demo, inside
// the real communes and byte-identical for the same seed: land parcels, and
// the scenario layers — commune populations, houses, street lights on the
// real roads, schools and clinics (Layers, Generate).
package gen

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/paulmach/orb"
)

// Config says what to generate.
type Config struct {
	Seed     int64     // same seed and N give byte-identical output
	N        int       // number of parcels or houses; ids are 1..N
	Communes []Commune // where parcels go (∝ area), houses, schools and clinics (∝ population)
	Roads    []Road    // where street lights go
}

// Vertices is the number of distinct vertices of every parcel ring.
const Vertices = 10

// metresPerDegree is the length of one degree of latitude on the mean
// Earth sphere (radius 6,371,008.8 m).
const metresPerDegree = 6371008.8 * math.Pi / 180

// maxTries bounds the rejection sampling of one parcel.
const maxTries = 100000

// Parcels writes cfg.N parcels to w as newline-delimited GeoJSON Features.
// Each is a simple 10-vertex polygon, a few tens of metres across, whose
// vertices lie inside the commune it names, with properties parcel_no,
// commune_code, land_use, area_m2, land_price and owner_status.
func Parcels(cfg Config, w io.Writer) error {
	g, err := newGenerator(cfg)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var p parcel
	buf := make([]byte, 0, 1024)
	for id := 1; id <= cfg.N; id++ {
		if err := g.next(&p); err != nil {
			return fmt.Errorf("gen: parcel %d: %w", id, err)
		}
		buf = p.appendJSON(buf[:0], id)
		if _, err := bw.Write(buf); err != nil {
			return fmt.Errorf("gen: write parcel %d: %w", id, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("gen: write: %w", err)
	}
	return nil
}

// site is a commune ready for sampling.
type site struct {
	code   string
	quoted []byte // code as a JSON string
	mix    [len(landUses)]int
	region *region
	issued int // parcels placed so far, for parcel numbers
}

type generator struct {
	rng   *rand.PCG
	sites []site
	cum   []float64 // cumulative commune areas, m²
}

func newGenerator(cfg Config) (*generator, error) {
	if cfg.N < 0 {
		return nil, fmt.Errorf("gen: N = %d, want ≥ 0", cfg.N)
	}
	if cfg.N > 0 && len(cfg.Communes) == 0 {
		return nil, errors.New("gen: no communes to place parcels in")
	}
	g := &generator{rng: rand.NewPCG(uint64(cfg.Seed), 0x62616e646f)} // "bando"
	total := 0.0
	for _, c := range cfg.Communes {
		a := areaM2(c.Polygon)
		if !(a > 0) {
			return nil, fmt.Errorf("gen: commune %s: no area", c.Code)
		}
		q, err := json.Marshal(c.Code)
		if err != nil {
			return nil, fmt.Errorf("gen: commune %s: %w", c.Code, err)
		}
		total += a
		g.cum = append(g.cum, total)
		g.sites = append(g.sites, site{code: c.Code, quoted: q,
			mix: cumulative(mixFor(c.Type)), region: newRegion(c.Polygon)})
	}
	return g, nil
}

// float returns a uniform number in [0, 1).
func (g *generator) float() float64 { return float64(g.rng.Uint64()>>11) * 0x1p-53 }

// parcel is one generated parcel; coordinates are integer micro-degrees, so
// what is checked is exactly what is written.
type parcel struct {
	site     *site
	use      *landUse
	x, y     [Vertices]int64
	tenthsM2 int64 // area in 0.1 m²
	price    int64 // VND/m²
	owner    string
	no       int
}

func (g *generator) next(p *parcel) error {
	s := &g.sites[sort.SearchFloat64s(g.cum, g.float()*g.cum[len(g.cum)-1])]
	r := s.region
	u := g.float() * 100
	p.use = &landUses[len(landUses)-1]
	for i, c := range s.mix {
		if u < float64(c) {
			p.use = &landUses[i]
			break
		}
	}
	for try := 0; try < maxTries; try++ {
		cx := r.minX + g.float()*(r.maxX-r.minX)
		cy := r.minY + g.float()*(r.maxY-r.minY)
		if !r.contains(cx, cy) {
			continue
		}
		radius := p.use.rMin + g.float()*(p.use.rMax-p.use.rMin)
		if g.star(p, r, cx, cy, radius) {
			s.issued++
			p.site, p.no = s, s.issued
			g.attributes(p, cx, cy)
			return nil
		}
	}
	return fmt.Errorf("commune %s: no room after %d tries", s.code, maxTries)
}

// star draws a star-shaped ring around (cx, cy): vertex i at an angle in
// the middle 80 % of the i-th tenth of the circle, at 70–100 % of radius.
// Angles increase and consecutive ones differ by 7.2° to 64.8°, so the ring
// is simple and counter-clockwise, and rounding to micro-degrees (≤ 0.08 m)
// cannot reorder vertices at least 4.2 m from the centre. It reports whether
// every vertex is inside r.
func (g *generator) star(p *parcel, r *region, cx, cy, radius float64) bool {
	ky := 1 / metresPerDegree
	kx := ky / math.Cos(cy*math.Pi/180)
	for i := range Vertices {
		theta := (float64(i) + 0.1 + 0.8*g.float()) * (2 * math.Pi / Vertices)
		d := radius * (0.7 + 0.3*g.float())
		sin, cos := math.Sincos(theta)
		p.x[i] = int64(math.Round((cx + d*cos*kx) * 1e6))
		p.y[i] = int64(math.Round((cy + d*sin*ky) * 1e6))
	}
	for i := range Vertices {
		if !r.contains(float64(p.x[i])/1e6, float64(p.y[i])/1e6) {
			return false
		}
	}
	return true
}

// attributes sets area, price and owner status.
func (g *generator) attributes(p *parcel, cx, cy float64) {
	var twice int64 // twice the signed area, in µdeg², exact
	for i := range Vertices {
		j := (i + 1) % Vertices
		twice += (p.x[i]-p.x[0])*(p.y[j]-p.y[0]) - (p.x[j]-p.x[0])*(p.y[i]-p.y[0])
	}
	m := metresPerDegree / 1e6
	area := math.Abs(float64(twice)) / 2 * m * m * math.Cos(cy*math.Pi/180)
	p.tenthsM2 = int64(math.Round(area * 10))

	dx := (cx - centreLon) * math.Cos(cy*math.Pi/180) * metresPerDegree / 1000
	dy := (cy - centreLat) * metresPerDegree / 1000
	price := p.use.price * (0.8 + 0.4*g.float()) / (1 + math.Hypot(dx, dy)/priceHalfKm)
	p.price = max(int64(math.Round(price/1000))*1000, 1000)

	p.owner = ownerOrg
	if !p.use.business {
		switch k := int(g.float() * 1000); {
		case k < poorPerMille:
			p.owner = ownerPoor
		case k < poorPerMille+nearPerMille:
			p.owner = ownerNearPoor
		default:
			p.owner = ownerOrdinary
		}
	}
}

// areaM2 is the area of mp in square metres: planar in degrees, scaled by
// the cosine of each ring's mid latitude. Holes are subtracted.
func areaM2(mp orb.MultiPolygon) float64 {
	total := 0.0
	for _, p := range mp {
		for i, ring := range p {
			a := ringAreaM2(ring)
			if i == 0 {
				total += a
			} else {
				total -= a
			}
		}
	}
	return total
}

func ringAreaM2(ring orb.Ring) float64 {
	if len(ring) < 4 {
		return 0
	}
	b := ring.Bound()
	k := math.Cos((b.Min[1]+b.Max[1])/2*math.Pi/180) * metresPerDegree * metresPerDegree
	o := ring[0]
	twice := 0.0
	for i := 1; i+1 < len(ring); i++ {
		a, c := ring[i], ring[i+1]
		twice += (a[0]-o[0])*(c[1]-o[1]) - (c[0]-o[0])*(a[1]-o[1])
	}
	return math.Abs(twice) / 2 * k
}
