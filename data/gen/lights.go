package gen

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"math/rand/v2"
)

// Street-light status values.
const (
	LightOn    = "on"
	LightOff   = "off"
	LightFault = "fault"
)

// lighting is how one road class is lit: the spacing of poles, the share
// of its ways that are lit at all when OSM has no lit tag, and the lamp
// powers of LED and high-pressure sodium fittings.
type lighting struct {
	spacingM float64
	litShare float64
	led      []int64
	sodium   []int64
}

var lightingFor = map[string]lighting{
	"trunk":          {30, 1, []int64{150, 200}, []int64{250}},
	"trunk_link":     {30, 1, []int64{120, 150}, []int64{250}},
	"primary":        {32, 0.98, []int64{120, 150}, []int64{250}},
	"primary_link":   {32, 0.98, []int64{100, 120}, []int64{150}},
	"secondary":      {35, 0.95, []int64{100, 120}, []int64{150}},
	"secondary_link": {35, 0.95, []int64{90, 100}, []int64{150}},
	"tertiary":       {38, 0.9, []int64{90, 100}, []int64{150}},
	"tertiary_link":  {38, 0.9, []int64{90, 100}, []int64{150}},
	"unclassified":   {45, 0.7, []int64{60, 90}, []int64{100}},
	"residential":    {42, 0.8, []int64{60, 90}, []int64{100}},
	"living_street":  {40, 0.8, []int64{40, 60}, []int64{70}},
	"pedestrian":     {30, 1, []int64{40, 60}, []int64{70}},
	"service":        {50, 0.4, []int64{40, 60}, []int64{70}},
}

// litPath is how a footway, path or steps tagged lit=yes is lit.
var litPath = lighting{40, 1, []int64{30, 40}, []int64{70}}

const (
	ledShare      = 0.65 // ways refitted with LED lamps
	offShare      = 0.03 // lamps switched off by schedule or by hand
	spacingJitter = 0.08 // relative spread of the pole spacing
)

// StreetLights writes street-light points along cfg.Roads as
// newline-delimited GeoJSON, ids 1, 2, …: on every lit way, poles at the
// class's spacing (30–50 m) from a random start, at 7 decimals so that a
// light is within 1 cm of its road line. Ways tagged lit=no get none,
// lit=yes always have lights. Properties: status (on, off, fault — faults
// cluster on a few ways), power_w, lamp (led, sodium), installed (year),
// highway, road (the street name, when OSM has one) and osm_way.
func StreetLights(cfg Config, w io.Writer) error {
	if len(cfg.Roads) == 0 {
		return errors.New("gen: no roads to place street lights on")
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), streamLights))
	lw := newLineWriter(w, "street light")
	buf := make([]byte, 0, 256)
	id := 0
	for i := range cfg.Roads {
		rd := &cfg.Roads[i]
		spec, lit := roadLighting(rng, rd)
		if !lit {
			continue
		}
		wl := newWayLamps(rng, rd, spec)
		for _, p := range placeAlong(rng, rd.Points, spec.spacingM) {
			id++
			buf = featureStart(buf[:0], id)
			buf = wl.appendProps(rng, buf)
			buf = featureEnd(buf, int64(math.Round(p[0]*1e7)), int64(math.Round(p[1]*1e7)), 7)
			if err := lw.write(buf, id); err != nil {
				return err
			}
		}
	}
	return lw.flush()
}

// roadLighting decides whether a way is lit, and how.
func roadLighting(rng *rand.Rand, rd *Road) (lighting, bool) {
	u := rng.Float64() // always drawn, so one way's tags never shift the next way's draws
	spec, known := lightingFor[rd.Highway]
	switch rd.Lit {
	case "no":
		return spec, false
	case "yes", "24/7":
		if !known {
			spec = litPath
		}
		return spec, true
	}
	return spec, known && u < spec.litShare
}

// wayLamps is what all lights of one way share: their lamp type, power and
// installation years, and how often they fail.
type wayLamps struct {
	rd        *Road
	lamp      string
	power     int64
	year      int64
	faultRate float64
	name      []byte // JSON-quoted road name, nil if unnamed
}

func newWayLamps(rng *rand.Rand, rd *Road, spec lighting) *wayLamps {
	wl := &wayLamps{rd: rd, lamp: "sodium", faultRate: 0.01 + 0.12*math.Pow(rng.Float64(), 4)}
	powers, first := spec.sodium, 2005
	if rng.Float64() < ledShare {
		wl.lamp, powers, first = "led", spec.led, 2016
	}
	wl.power = powers[rng.IntN(len(powers))]
	wl.year = int64(first + rng.IntN(9))
	if rd.Name != "" {
		wl.name, _ = json.Marshal(rd.Name) // a string always marshals
	}
	return wl
}

func (wl *wayLamps) appendProps(rng *rand.Rand, b []byte) []byte {
	status := LightOn
	switch u := rng.Float64(); {
	case u < wl.faultRate:
		status = LightFault
	case u < wl.faultRate+offShare:
		status = LightOff
	}
	b = appendString(b, "status", status)
	b = appendInt(b, "power_w", wl.power)
	b = appendString(b, "lamp", wl.lamp)
	b = appendInt(b, "installed", wl.year)
	b = appendString(b, "highway", wl.rd.Highway)
	if wl.name != nil {
		b = appendRaw(b, "road", wl.name)
	}
	return appendInt(b, "osm_way", wl.rd.ID)
}

// placeAlong returns points along the polyline every ~spacing metres
// (jittered), starting at a random fraction of the first spacing.
func placeAlong(rng *rand.Rand, pts [][2]float64, spacing float64) [][2]float64 {
	var out [][2]float64
	next := spacing * rng.Float64()
	walked := 0.0
	for i := 0; i+1 < len(pts); i++ {
		a, b := pts[i], pts[i+1]
		kx := math.Cos((a[1]+b[1])/2*math.Pi/180) * metresPerDegree
		seg := math.Hypot((b[0]-a[0])*kx, (b[1]-a[1])*metresPerDegree)
		for next <= walked+seg && seg > 0 {
			t := (next - walked) / seg
			out = append(out, [2]float64{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
			next += spacing * (1 + spacingJitter*(2*rng.Float64()-1))
		}
		walked += seg
	}
	return out
}
