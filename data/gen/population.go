package gen

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb/planar"
)

// TotalPopulation is what the synthetic commune populations add up to: about
// the population of Hồ Chí Minh City after the 2025 merger. Each commune's
// share comes from a density model, not from a census.
const TotalPopulation = 14_000_000

// personsPerHousehold turns population into households.
const personsPerHousehold = 3.3

// Random streams: each layer draws from its own stream of the seed, so the
// size of one layer (the number of houses) never changes another.
const (
	streamPopulation = 0x706f70 + iota // "pop"
	streamVillages
	streamHouses
	streamLights
	streamSchools
	streamClinics
)

// CommuneStat is the synthetic population of one commune, placed at a
// point inside it so that a spatial join by commune finds it as well as a
// join on the code.
type CommuneStat struct {
	Code       string
	Name       string
	Type       string
	Population int
	Households int
	AreaKm2    float64
	X, Y       int64 // representative point, micro-degrees, inside the commune
	distKm     float64
	hardship   float64 // multiplies the poverty and temporary-house rates
}

// Populations gives every commune a synthetic population: a density per km²
// that falls with the distance from the city centre (steeply for wards,
// gently for rural communes), times a log-normal factor, scaled so the total
// is TotalPopulation. The same seed gives the same figures.
func Populations(seed int64, communes []Commune) ([]CommuneStat, error) {
	if len(communes) == 0 {
		return nil, errors.New("gen: no communes")
	}
	rng := rand.New(rand.NewPCG(uint64(seed), streamPopulation))
	out := make([]CommuneStat, 0, len(communes))
	weights := make([]float64, 0, len(communes))
	total := 0.0
	for _, c := range communes {
		area := areaM2(c.Polygon) / 1e6
		if !(area > 0) {
			return nil, fmt.Errorf("gen: commune %s: no area", c.Code)
		}
		x, y, err := representativePoint(c)
		if err != nil {
			return nil, err
		}
		d := distanceKm(float64(x)/1e6, float64(y)/1e6)
		w := density(c.Type, d) * math.Exp(0.35*rng.NormFloat64()) * area
		weights = append(weights, w)
		total += w
		out = append(out, CommuneStat{Code: c.Code, Name: c.Name, Type: c.Type, AreaKm2: area, X: x, Y: y,
			distKm: d, hardship: math.Exp(0.5 * rng.NormFloat64())})
	}
	for i := range out {
		p := int(math.Round(weights[i] / total * TotalPopulation))
		out[i].Population = max(p, 100)
		out[i].Households = max(int(math.Round(float64(out[i].Population)/personsPerHousehold)), 1)
	}
	return out, nil
}

// density is the model's people per km² at d km from the centre. Inner
// wards reach about 40,000/km², outer wards a few thousand, rural communes
// a few hundred to a few thousand; Côn Đảo about 130.
func density(communeType string, d float64) float64 {
	switch communeType {
	case "Phường":
		return 2500 + 38000*math.Exp(-d/7)
	case "Xã":
		return 300 + 3500*math.Exp(-d/18)
	case "Đặc khu":
		return 130
	}
	return 1000
}

// distanceKm is the distance from the centre (Bến Thành) in km, on a local
// flat approximation that is good enough for a density model.
func distanceKm(x, y float64) float64 {
	dx := (x - centreLon) * math.Cos(y*math.Pi/180) * metresPerDegree / 1000
	dy := (y - centreLat) * metresPerDegree / 1000
	return math.Hypot(dx, dy)
}

// representativePoint is a point inside c, deterministic and without
// randomness: the centre of the grid cell nearest the area centroid among
// the cells wholly inside c (or, for slivers, among cells whose centre is
// inside). It is checked after rounding to micro-degrees.
func representativePoint(c Commune) (int64, int64, error) {
	r := newRegion(c.Polygon)
	centroid, _ := planar.CentroidArea(c.Polygon)
	best, bestD := -1, math.Inf(1)
	for pass := 0; pass < 2 && best < 0; pass++ {
		for cell := range r.inside {
			if !r.inside[cell] || pass == 0 && r.start[cell] != r.start[cell+1] {
				continue
			}
			x, y := r.centre(cell)
			x, y = math.Round(x*1e6)/1e6, math.Round(y*1e6)/1e6
			if !r.contains(x, y) {
				continue
			}
			if d := math.Hypot(x-centroid[0], y-centroid[1]); d < bestD {
				best, bestD = cell, d
			}
		}
	}
	if best < 0 {
		return 0, 0, fmt.Errorf("gen: commune %s: no interior point", c.Code)
	}
	x, y := r.centre(best)
	return int64(math.Round(x * 1e6)), int64(math.Round(y * 1e6)), nil
}

// centre is the centre of a grid cell.
func (r *region) centre(cell int) (float64, float64) {
	i, j := cell%r.nx, cell/r.nx
	return r.minX + (float64(i)+0.5)*r.cw, r.minY + (float64(j)+0.5)*r.ch
}

// appendJSON appends s as one GeoJSON Feature line of the commune_stats
// layer, with the 1-based id.
func (s *CommuneStat) appendJSON(b []byte, id int) ([]byte, error) {
	name, err := json.Marshal(s.Name)
	if err != nil {
		return nil, err
	}
	f := featureStart(b, id)
	f = appendString(f, "code", s.Code)
	f = appendRaw(f, "name", name)
	f = appendInt(f, "population", int64(s.Population))
	f = appendInt(f, "households", int64(s.Households))
	f = appendFloat(f, "density_km2", math.Round(float64(s.Population)/s.AreaKm2))
	return featureEnd(f, s.X, s.Y, 6), nil
}
