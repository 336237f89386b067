package gen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
)

// settlement says where people live in one commune: anywhere in a ward,
// and mostly around a few village centres in a rural commune or Côn Đảo.
// Houses, schools and clinics are placed with it.
type settlement struct {
	stat     *CommuneStat
	region   *region
	villages [][2]float64 // lon/lat centres; none for wards
	pop      float64      // population share weight
}

// villageShare is the part of a rural commune's houses near a village
// centre; villageSigmaM is the spread around it.
const (
	villageShare  = 0.75
	villageSigmaM = 350.0
	sampleTries   = 100000
)

// people is the population of the communes, ready for sampling.
type people struct {
	stats []CommuneStat
	sites []settlement
	cum   []float64 // cumulative population
}

// newPeople computes the populations (Populations) and the village centres;
// both depend only on the seed and the communes.
func newPeople(seed int64, communes []Commune) (*people, error) {
	stats, err := Populations(seed, communes)
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(uint64(seed), streamVillages))
	p := &people{stats: stats, sites: make([]settlement, len(communes))}
	total := 0.0
	for i, c := range communes {
		s := &p.sites[i]
		s.stat, s.region, s.pop = &p.stats[i], newRegion(c.Polygon), float64(stats[i].Population)
		if c.Type != "Phường" {
			k := min(max(int(math.Round(stats[i].AreaKm2/4)), 3), 40)
			for range k {
				x, y, err := s.uniform(rng)
				if err != nil {
					return nil, err
				}
				s.villages = append(s.villages, [2]float64{float64(x) / 1e6, float64(y) / 1e6})
			}
		}
		total += s.pop
		p.cum = append(p.cum, total)
	}
	return p, nil
}

// pick chooses a commune with probability proportional to its population.
func (p *people) pick(rng *rand.Rand) *settlement {
	i := sort.SearchFloat64s(p.cum, rng.Float64()*p.cum[len(p.cum)-1])
	return &p.sites[min(i, len(p.sites)-1)]
}

// point draws a place to live in s, in micro-degrees, inside the commune.
func (s *settlement) point(rng *rand.Rand) (int64, int64, error) {
	if len(s.villages) == 0 || rng.Float64() >= villageShare {
		return s.uniform(rng)
	}
	r := s.region
	ky := villageSigmaM / metresPerDegree
	for range sampleTries {
		v := s.villages[rng.IntN(len(s.villages))]
		kx := ky / math.Cos(v[1]*math.Pi/180)
		x, y := micro(v[0]+rng.NormFloat64()*kx), micro(v[1]+rng.NormFloat64()*ky)
		if r.contains(float64(x)/1e6, float64(y)/1e6) {
			return x, y, nil
		}
	}
	return 0, 0, fmt.Errorf("commune %s: no room near its villages after %d tries", s.stat.Code, sampleTries)
}

// uniform draws a point uniformly inside the commune.
func (s *settlement) uniform(rng *rand.Rand) (int64, int64, error) {
	r := s.region
	for range sampleTries {
		x := micro(r.minX + rng.Float64()*(r.maxX-r.minX))
		y := micro(r.minY + rng.Float64()*(r.maxY-r.minY))
		if r.contains(float64(x)/1e6, float64(y)/1e6) {
			return x, y, nil
		}
	}
	return 0, 0, fmt.Errorf("commune %s: no room after %d tries", s.stat.Code, sampleTries)
}
