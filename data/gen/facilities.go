package gen

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// facilityKind is one kind of school or clinic: how many people one serves
// (in wards and elsewhere), how many a commune has at least, and the range
// of its size figure (students or beds) and its share of public ones.
type facilityKind struct {
	code        string // level or type value
	namePrefix  string // Vietnamese name before the commune's short name
	perWard     float64
	perRural    float64
	atLeast     int
	sizeMin     int
	sizeMax     int
	publicShare float64
}

// Schools by level: mầm non (kindergarten), tiểu học (primary), THCS
// (lower secondary), THPT (upper secondary).
var schoolKinds = []facilityKind{
	{"mam_non", "Trường Mầm non", 8000, 8000, 1, 120, 400, 0.5},
	{"tieu_hoc", "Trường Tiểu học", 14000, 12000, 1, 500, 1500, 0.85},
	{"thcs", "Trường THCS", 20000, 18000, 1, 600, 1600, 0.9},
	{"thpt", "Trường THPT", 45000, 50000, 0, 800, 2000, 0.8},
}

// Clinics by type: the commune health station (one per commune), general
// clinics and hospitals. Rural communes have far fewer private clinics.
var clinicKinds = []facilityKind{
	{"tram_y_te", "Trạm Y tế", 0, 0, 1, 4, 10, 1},
	{"phong_kham", "Phòng khám Đa khoa", 12000, 35000, 0, 0, 20, 0.15},
	{"benh_vien", "Bệnh viện", 120000, 300000, 0, 100, 800, 0.7},
}

// Schools writes synthetic schools as newline-delimited GeoJSON, ids 1, 2,
// …: per commune, by level, a number proportional to its synthetic
// population, placed where people live. Properties: name, level,
// ownership (cong_lap public, tu_thuc private), students, commune_code.
func Schools(cfg Config, w io.Writer) error {
	return facilities(cfg, w, "school", streamSchools, schoolKinds, "level", "students", "tu_thuc")
}

// Clinics writes synthetic health facilities the same way: one health
// station per commune, general clinics and hospitals in proportion to the
// population (fewer where the commune's access factor is low). Properties:
// name, type (tram_y_te, phong_kham, benh_vien), ownership (cong_lap,
// tu_nhan), beds, commune_code.
func Clinics(cfg Config, w io.Writer) error {
	return facilities(cfg, w, "clinic", streamClinics, clinicKinds, "type", "beds", "tu_nhan")
}

func facilities(cfg Config, w io.Writer, what string, stream uint64, kinds []facilityKind, kindField, sizeField, private string) error {
	p, err := newPeople(cfg.Seed, cfg.Communes)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(uint64(cfg.Seed), stream))
	lw := newLineWriter(w, what)
	buf := make([]byte, 0, 512)
	id := 0
	for i := range p.sites {
		s := &p.sites[i]
		access := math.Exp(0.4 * rng.NormFloat64())
		for _, k := range kinds {
			n := k.count(rng, s.stat, access)
			for j := 1; j <= n; j++ {
				x, y, err := s.point(rng)
				if err != nil {
					return fmt.Errorf("gen: %s %d: %w", what, id+1, err)
				}
				id++
				owner := "cong_lap"
				if rng.Float64() >= k.publicShare {
					owner = private
				}
				name, _ := json.Marshal(k.name(s.stat, j, n)) // a string always marshals
				buf = featureStart(buf[:0], id)
				buf = appendRaw(buf, "name", name)
				buf = appendString(buf, kindField, k.code)
				buf = appendString(buf, "ownership", owner)
				buf = appendInt(buf, sizeField, int64(k.sizeMin+rng.IntN(k.sizeMax-k.sizeMin+1)))
				buf = appendString(buf, "commune_code", s.stat.Code)
				buf = featureEnd(buf, x, y, 6)
				if err := lw.write(buf, id); err != nil {
					return err
				}
			}
		}
	}
	return lw.flush()
}

// count is how many facilities of kind k commune s has: its population over
// the people one serves, times access, rounded at random, at least atLeast.
func (k facilityKind) count(rng *rand.Rand, s *CommuneStat, access float64) int {
	u := rng.Float64() // always drawn, so kinds never shift each other's draws
	per := k.perRural
	if s.Type == "Phường" {
		per = k.perWard
	}
	n := 0
	if per > 0 {
		n = int(math.Floor(float64(s.Population)/per*access + u))
	}
	return max(n, k.atLeast)
}

// name is "<prefix> <commune short name>", numbered when there are several;
// a health station takes the commune's full name ("Trạm Y tế Phường Sài Gòn").
func (k facilityKind) name(s *CommuneStat, j, n int) string {
	if k.atLeast == 1 && k.perWard == 0 {
		return k.namePrefix + " " + s.Name
	}
	short := s.Name
	for _, t := range []string{"Phường ", "Xã ", "Đặc khu "} {
		short = strings.TrimPrefix(short, t)
	}
	if n == 1 {
		return k.namePrefix + " " + short
	}
	return k.namePrefix + " " + short + " " + strconv.Itoa(j)
}
