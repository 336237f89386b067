package gen

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"bando/data"
)

var demoRoads = sync.OnceValues(func() ([]Road, error) { return LoadRoads(data.Demo()) })

func demoConfig(tb testing.TB, seed int64, n int) Config {
	tb.Helper()
	roads, err := demoRoads()
	if err != nil {
		tb.Fatal(err)
	}
	return Config{Seed: seed, N: n, Communes: loadDemo(tb), Roads: roads}
}

type pointFeature struct {
	ID         int
	Properties map[string]any
	Lon, Lat   float64
}

// decodePoints parses generator output, checking the GeoJSON shape and
// that ids run 1..n.
func decodePoints(t *testing.T, b []byte) []pointFeature {
	t.Helper()
	var out []pointFeature
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		var f struct {
			Type       string          `json:"type"`
			ID         json.RawMessage `json:"id"`
			Properties map[string]any  `json:"properties"`
			Geometry   struct {
				Type        string    `json:"type"`
				Coordinates []float64 `json:"coordinates"`
			} `json:"geometry"`
		}
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("line %d: %v", len(out)+1, err)
		}
		if f.Type != "Feature" || string(f.ID) != strconv.Itoa(len(out)+1) || f.Geometry.Type != "Point" || len(f.Geometry.Coordinates) != 2 {
			t.Fatalf("line %d: not a Point Feature with id %d: %s", len(out)+1, len(out)+1, sc.Bytes())
		}
		out = append(out, pointFeature{len(out) + 1, f.Properties, f.Geometry.Coordinates[0], f.Geometry.Coordinates[1]})
	}
	return out
}

func run(t *testing.T, layer string, cfg Config) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Generate(layer, cfg, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func communeIndex(cs []Commune) map[string]Commune {
	m := map[string]Commune{}
	for _, c := range cs {
		m[c.Code] = c
	}
	return m
}

// inCommune checks that every feature lies inside the commune its field
// names (the oracle is orb's planar point-in-polygon, not the generator's
// grid).
func inCommune(t *testing.T, fs []pointFeature, field string, cs []Commune) {
	t.Helper()
	byCode := communeIndex(cs)
	for _, f := range fs {
		code, _ := f.Properties[field].(string)
		c, ok := byCode[code]
		if !ok {
			t.Fatalf("feature %d: unknown commune %q", f.ID, code)
		}
		if !planar.MultiPolygonContains(c.Polygon, orb.Point{f.Lon, f.Lat}) {
			t.Fatalf("feature %d at %v,%v: outside commune %s", f.ID, f.Lon, f.Lat, code)
		}
	}
}

func TestHouses(t *testing.T) {
	cfg := demoConfig(t, DemoSeed, 20000)
	fs := decodePoints(t, run(t, "houses", cfg))
	if len(fs) != cfg.N {
		t.Fatalf("%d houses, want %d", len(fs), cfg.N)
	}
	inCommune(t, fs, "commune_code", cfg.Communes)
	status := map[string]int{}
	temporary := 0
	perCommune := map[string]int{}
	for _, f := range fs {
		p := f.Properties
		floors, ok := p["floors"].(float64)
		if !ok || floors != math.Trunc(floors) || floors < 1 || floors > maxFloors {
			t.Fatalf("house %d: floors %v", f.ID, p["floors"])
		}
		s, _ := p["household_status"].(string)
		if s != StatusPoor && s != StatusNearPoor && s != StatusNone {
			t.Fatalf("house %d: household_status %q", f.ID, s)
		}
		status[s]++
		tmp, ok := p["temporary_house"].(bool)
		if !ok {
			t.Fatalf("house %d: temporary_house %v", f.ID, p["temporary_house"])
		}
		if tmp {
			temporary++
			if floors != 1 {
				t.Fatalf("house %d: a temporary house with %v floors", f.ID, floors)
			}
		}
		perCommune[p["commune_code"].(string)]++
	}
	share := func(n int) float64 { return float64(n) / float64(len(fs)) }
	for _, c := range []struct {
		what     string
		got      float64
		min, max float64
	}{
		{"poor", share(status[StatusPoor]), 0.01, 0.05},
		{"near-poor", share(status[StatusNearPoor]), 0.015, 0.07},
		{"temporary", share(temporary), 0.01, 0.06},
	} {
		if c.got < c.min || c.got > c.max {
			t.Errorf("%s share %.3f, want a few %% (%.2f–%.2f)", c.what, c.got, c.min, c.max)
		}
	}
	// Urban wards are denser than rural communes.
	density := map[string][]float64{}
	for _, c := range cfg.Communes {
		density[c.Type] = append(density[c.Type], float64(perCommune[c.Code])/(areaM2(c.Polygon)/1e6))
	}
	if w, x := median(density["Phường"]), median(density["Xã"]); !(w > 5*x) {
		t.Errorf("median houses/km²: wards %.1f, rural communes %.1f; want wards at least 5× denser", w, x)
	}
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return math.NaN()
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func TestCommuneStats(t *testing.T) {
	cfg := demoConfig(t, DemoSeed, 0)
	fs := decodePoints(t, run(t, "commune_stats", cfg))
	if len(fs) != len(cfg.Communes) {
		t.Fatalf("%d stats, want one per commune (%d)", len(fs), len(cfg.Communes))
	}
	inCommune(t, fs, "code", cfg.Communes)
	total := 0.0
	seen := map[string]bool{}
	for i, f := range fs {
		code := f.Properties["code"].(string)
		if code != cfg.Communes[i].Code || seen[code] || f.Properties["name"] != cfg.Communes[i].Name {
			t.Fatalf("stat %d: code %s, want %s once, in commune order", f.ID, code, cfg.Communes[i].Code)
		}
		seen[code] = true
		pop, hh := f.Properties["population"].(float64), f.Properties["households"].(float64)
		if pop < 100 || hh < 1 || hh > pop {
			t.Errorf("commune %s: population %v, households %v", code, pop, hh)
		}
		total += pop
	}
	if math.Abs(total-TotalPopulation) > float64(len(fs)) {
		t.Errorf("total population %.0f, want %d within rounding", total, TotalPopulation)
	}
}

// distToRoad is the distance in metres from p to the polyline.
func distToRoad(p [2]float64, pts [][2]float64) float64 {
	kx := math.Cos(p[1]*math.Pi/180) * metresPerDegree
	best := math.Inf(1)
	for i := 0; i+1 < len(pts); i++ {
		ax, ay := (pts[i][0]-p[0])*kx, (pts[i][1]-p[1])*metresPerDegree
		bx, by := (pts[i+1][0]-p[0])*kx, (pts[i+1][1]-p[1])*metresPerDegree
		dx, dy := bx-ax, by-ay
		t := 0.0
		if l := dx*dx + dy*dy; l > 0 {
			t = math.Max(0, math.Min(1, -(ax*dx+ay*dy)/l))
		}
		best = math.Min(best, math.Hypot(ax+t*dx, ay+t*dy))
	}
	return best
}

func TestStreetLights(t *testing.T) {
	cfg := demoConfig(t, DemoSeed, 0)
	fs := decodePoints(t, run(t, "street_lights", cfg))
	roads := map[int64]*Road{}
	for i := range cfg.Roads {
		roads[cfg.Roads[i].ID] = &cfg.Roads[i]
	}
	perWay := map[int64][]pointFeature{}
	status := map[string]int{}
	for _, f := range fs {
		p := f.Properties
		way := int64(p["osm_way"].(float64))
		rd := roads[way]
		if rd == nil {
			t.Fatalf("light %d: unknown way %d", f.ID, way)
		}
		if d := distToRoad([2]float64{f.Lon, f.Lat}, rd.Points); d > 0.02 {
			t.Fatalf("light %d: %.3f m from way %d, want on it", f.ID, d, way)
		}
		if rd.Lit == "no" || p["highway"] != rd.Highway || (rd.Name != "" && p["road"] != rd.Name) {
			t.Fatalf("light %d: on way %d (%s, lit=%q, %q): %v", f.ID, way, rd.Highway, rd.Lit, rd.Name, p)
		}
		if w, ok := p["power_w"].(float64); !ok || w < 30 || w > 250 {
			t.Fatalf("light %d: power_w %v", f.ID, p["power_w"])
		}
		status[p["status"].(string)]++
		perWay[way] = append(perWay[way], f)
	}
	if len(status) != 3 || status[LightOn] < 9*len(fs)/10 {
		t.Errorf("status counts %v: want on, off and fault, over 90 %% on", status)
	}
	// Poles are 30–50 m apart along each way (±8 %): consecutive lights of a
	// way are at most 55 m apart as the crow flies, and a way has about
	// length/spacing of them.
	metres, lights := 0.0, 0
	for way, ls := range perWay {
		for i := 1; i < len(ls); i++ {
			a, b := ls[i-1], ls[i]
			kx := math.Cos(a.Lat*math.Pi/180) * metresPerDegree
			if d := math.Hypot((b.Lon-a.Lon)*kx, (b.Lat-a.Lat)*metresPerDegree); d > 55 {
				t.Fatalf("way %d: lights %d and %d are %.1f m apart", way, a.ID, b.ID, d)
			}
		}
		metres += pathLength(roads[way].Points)
		lights += len(ls)
	}
	if per := metres / float64(lights); per < 30 || per > 50 {
		t.Errorf("%.1f m of lit road per light, want 30–50", per)
	}
	if lit := len(perWay); lit < len(cfg.Roads)/3 {
		t.Errorf("only %d of %d ways lit", lit, len(cfg.Roads))
	}
}

func pathLength(pts [][2]float64) float64 {
	l := 0.0
	for i := 0; i+1 < len(pts); i++ {
		kx := math.Cos((pts[i][1]+pts[i+1][1])/2*math.Pi/180) * metresPerDegree
		l += math.Hypot((pts[i+1][0]-pts[i][0])*kx, (pts[i+1][1]-pts[i][1])*metresPerDegree)
	}
	return l
}

func TestFacilities(t *testing.T) {
	cfg := demoConfig(t, DemoSeed, 0)
	for _, tt := range []struct {
		layer, kindField, sizeField string
		kinds                       []facilityKind
		everyCommune                string // a kind every commune has
	}{
		{"schools", "level", "students", schoolKinds, "tieu_hoc"},
		{"clinics", "type", "beds", clinicKinds, "tram_y_te"},
	} {
		t.Run(tt.layer, func(t *testing.T) {
			fs := decodePoints(t, run(t, tt.layer, cfg))
			inCommune(t, fs, "commune_code", cfg.Communes)
			has := map[string]int{}
			for _, f := range fs {
				p := f.Properties
				kind, _ := p[tt.kindField].(string)
				var spec *facilityKind
				for i := range tt.kinds {
					if tt.kinds[i].code == kind {
						spec = &tt.kinds[i]
					}
				}
				if spec == nil {
					t.Fatalf("%d: %s %q", f.ID, tt.kindField, kind)
				}
				name, _ := p["name"].(string)
				if !strings.HasPrefix(name, spec.namePrefix+" ") {
					t.Fatalf("%d: name %q for %s", f.ID, name, kind)
				}
				if n, _ := p[tt.sizeField].(float64); n < float64(spec.sizeMin) || n > float64(spec.sizeMax) {
					t.Fatalf("%d: %s %v", f.ID, tt.sizeField, p[tt.sizeField])
				}
				if kind == tt.everyCommune {
					has[p["commune_code"].(string)]++
				}
			}
			for _, c := range cfg.Communes {
				if has[c.Code] == 0 {
					t.Errorf("commune %s has no %s", c.Code, tt.everyCommune)
				}
			}
		})
	}
}

func TestScenarioDeterministic(t *testing.T) {
	for _, layer := range Layers {
		t.Run(layer, func(t *testing.T) {
			a := run(t, layer, demoConfig(t, 5, 500))
			b := run(t, layer, demoConfig(t, 5, 500))
			c := run(t, layer, demoConfig(t, 6, 500))
			if len(a) == 0 || !bytes.Equal(a, b) {
				t.Error("same seed, different output")
			}
			if bytes.Equal(a, c) {
				t.Error("different seeds, same output")
			}
		})
	}
	long := run(t, "houses", demoConfig(t, 5, 500))
	if short := run(t, "houses", demoConfig(t, 5, 20)); !bytes.HasPrefix(long, short) {
		t.Error("the first 20 houses depend on N")
	}
}

// TestHousesMillionGolden pins the benchmark's 1,000,000 houses (seed 1).
func TestHousesMillionGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000,000 houses: not in -short")
	}
	h := sha256.New()
	if err := Houses(demoConfig(t, 1, 1_000_000), h); err != nil {
		t.Fatal(err)
	}
	got := hex.EncodeToString(h.Sum(nil)) + "\n"
	path := filepath.Join("testdata", "houses_seed1_n1000000.sha256")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("1,000,000 houses hash to %s, %s says %s (run with -update if the change is intended)", strings.TrimSpace(got), path, want)
	}
}

// TestDemoScenarioFiles keeps the generator authoritative: each embedded
// synthetic demo file is exactly its output for the demo seed and size.
func TestDemoScenarioFiles(t *testing.T) {
	for _, layer := range Layers[1:] { // parcels: TestDemoParcelsFile
		t.Run(layer, func(t *testing.T) {
			f, err := data.Demo().Open(layer + ".ndjson.gz")
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			zr, err := gzip.NewReader(f)
			if err != nil {
				t.Fatal(err)
			}
			want, err := io.ReadAll(zr)
			if err != nil {
				t.Fatal(err)
			}
			if got := run(t, layer, demoConfig(t, DemoSeed, DemoSize[layer])); !bytes.Equal(got, want) {
				t.Errorf("demo %s.ndjson.gz is not the generator's output for seed %d; rerun data/prep/prep.sh", layer, DemoSeed)
			}
		})
	}
}

// TestEachHouseMatchesHouses checks that the in-memory houses are exactly
// what a parser reads back from the NDJSON.
func TestEachHouseMatchesHouses(t *testing.T) {
	cfg := demoConfig(t, 3, 2000)
	fs := decodePoints(t, run(t, "houses", cfg))
	i := 0
	err := EachHouse(cfg, func(h *House) error {
		f := fs[i]
		i++
		if h.ID != f.ID || h.Lon != f.Lon || h.Lat != f.Lat || h.CommuneCode != f.Properties["commune_code"] ||
			float64(h.Floors) != f.Properties["floors"] || h.Status != f.Properties["household_status"] || h.Temporary != f.Properties["temporary_house"] {
			t.Fatalf("house %d: %+v, NDJSON %+v", h.ID, *h, f)
		}
		return nil
	})
	if err != nil || i != len(fs) {
		t.Fatalf("err %v after %d of %d houses", err, i, len(fs))
	}
}
