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
// 1..N: EachHouse's houses, with properties commune_code, floors,
// household_status (poor, near_poor, none) and temporary_house.
func Houses(cfg Config, w io.Writer) error {
	lw := newLineWriter(w, "house")
	buf := make([]byte, 0, 256)
	err := EachHouse(cfg, func(h *House) error {
		buf = featureStart(buf[:0], h.ID)
		buf = appendString(buf, "commune_code", h.CommuneCode)
		buf = appendInt(buf, "floors", int64(h.Floors))
		buf = appendString(buf, "household_status", h.Status)
		buf = appendBool(buf, "temporary_house", h.Temporary)
		buf = featureEnd(buf, h.x, h.y, 6)
		return lw.write(buf, h.ID)
	})
	if err != nil {
		return err
	}
	return lw.flush()
}

// House is one generated house. Lon and Lat are exactly the values a
// parser reads from Houses' output (6 decimals).
type House struct {
	ID          int
	Lon, Lat    float64
	CommuneCode string
	Floors      int
	Status      string // StatusPoor, StatusNearPoor or StatusNone
	Temporary   bool
	x, y        int64 // micro-degrees
}

// EachHouse generates cfg.N houses, ids 1..N, and calls fn with each (the
// same *House, reused: copy what you keep), so benchmarks can build an index
// without a JSON round trip. A house lies in a commune chosen with
// probability proportional to its synthetic population (Populations), so
// urban wards are dense; in a rural commune most houses gather around
// village centres. The same seed gives the same houses, and the first k do
// not depend on N.
func EachHouse(cfg Config, fn func(*House) error) error {
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
	var h House
	for id := 1; id <= cfg.N; id++ {
		s := p.pick(rng)
		x, y, err := s.point(rng)
		if err != nil {
			return fmt.Errorf("gen: house %d: %w", id, err)
		}
		a := newHouse(rng, s.stat)
		h = House{ID: id, Lon: float64(x) / 1e6, Lat: float64(y) / 1e6, CommuneCode: s.stat.Code,
			Floors: a.floors, Status: a.status, Temporary: a.temporary, x: x, y: y}
		if err := fn(&h); err != nil {
			return err
		}
	}
	return nil
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
