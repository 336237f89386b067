package gen

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
)

// Household status values of the houses layer (restricted fields: they
// are personal data).
const (
	StatusPoor     = "poor"
	StatusNearPoor = "near_poor"
	StatusNone     = "none"
)

// houseRates are the per-mille rates of poor and near-poor households and
// of temporary houses (nhà tạm) for one commune type, before the commune's
// hardship factor.
type houseRates struct {
	poor, nearPoor, temporary float64
}

func ratesFor(communeType string) houseRates {
	switch communeType {
	case "Phường":
		return houseRates{poor: 15, nearPoor: 25, temporary: 12}
	case "Xã":
		return houseRates{poor: 40, nearPoor: 55, temporary: 50}
	case "Đặc khu":
		return houseRates{poor: 25, nearPoor: 40, temporary: 30}
	}
	return houseRates{poor: 25, nearPoor: 40, temporary: 30}
}

const maxFloors = 9

// Houses writes cfg.N house points to w as newline-delimited GeoJSON, ids
// 1..N. A house lies in a commune chosen with probability proportional to
// its synthetic population (Populations), so urban wards are dense; in a
// rural commune most houses gather around village centres. Properties:
// commune_code, floors, household_status (poor, near_poor, none) and
// temporary_house. The same seed gives the same bytes, and the first k
// houses do not depend on N.
func Houses(cfg Config, w io.Writer) error {
	if cfg.N < 0 {
		return fmt.Errorf("gen: N = %d, want ≥ 0", cfg.N)
	}
	if cfg.N == 0 {
		return nil
	}
	p, err := newPeople(cfg.Seed, cfg.Communes)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), streamHouses))
	lw := newLineWriter(w, "house")
	buf := make([]byte, 0, 256)
	for id := 1; id <= cfg.N; id++ {
		s := p.pick(rng)
		x, y, err := s.point(rng)
		if err != nil {
			return fmt.Errorf("gen: house %d: %w", id, err)
		}
		h := newHouse(rng, s.stat)
		buf = featureStart(buf[:0], id)
		buf = appendString(buf, "commune_code", s.stat.Code)
		buf = appendInt(buf, "floors", int64(h.floors))
		buf = appendString(buf, "household_status", h.status)
		buf = appendBool(buf, "temporary_house", h.temporary)
		buf = featureEnd(buf, x, y, 6)
		if err := lw.write(buf, id); err != nil {
			return err
		}
	}
	return lw.flush()
}

type house struct {
	floors    int
	status    string
	temporary bool
}

// newHouse draws a house's attributes. Poor households live in temporary
// houses four times as often, near-poor ones twice; a temporary house has
// one floor; others have 1 + Poisson(λ) floors, λ falling from 2.8 in the
// centre to 0.6 in outer wards, 0.35 in rural communes.
func newHouse(rng *rand.Rand, s *CommuneStat) house {
	r := ratesFor(s.Type)
	h := house{status: StatusNone}
	u := rng.Float64() * 1000
	tempRate := r.temporary
	switch {
	case u < r.poor*s.hardship:
		h.status, tempRate = StatusPoor, 4*r.temporary
	case u < (r.poor+r.nearPoor)*s.hardship:
		h.status, tempRate = StatusNearPoor, 2*r.temporary
	}
	h.temporary = rng.Float64()*1000 < tempRate*s.hardship
	if h.temporary {
		h.floors = 1
		return h
	}
	lambda := 0.35
	switch s.Type {
	case "Phường":
		lambda = 0.6 + 2.2*math.Exp(-s.distKm/12)
	case "Đặc khu":
		lambda = 0.5
	}
	h.floors = min(1+poisson(rng, lambda), maxFloors)
	return h
}

// poisson draws from a Poisson distribution by inversion (small λ only).
func poisson(rng *rand.Rand, lambda float64) int {
	u := rng.Float64()
	p := math.Exp(-lambda)
	k, cum := 0, p
	for u > cum && k < 50 {
		k++
		p *= lambda / float64(k)
		cum += p
	}
	return k
}
