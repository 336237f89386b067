package gen

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"bando/data"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

var demoCommunes = sync.OnceValues(func() ([]Commune, error) { return LoadCommunes(data.Demo()) })

func loadDemo(tb testing.TB) []Commune {
	tb.Helper()
	cs, err := demoCommunes()
	if err != nil {
		tb.Fatal(err)
	}
	return cs
}

func shapeCommunes() []Commune {
	shapes := testShapes()
	types := []string{"Phường", "Xã", "Đặc khu", ""}
	var cs []Commune
	for i, name := range slices.Sorted(maps.Keys(shapes)) {
		cs = append(cs, Commune{Code: name, Name: name, Type: types[i%len(types)], Polygon: shapes[name]})
	}
	return cs
}

func generate(tb testing.TB, cfg Config) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := Parcels(cfg, &buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

type parcelFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Properties struct {
		ParcelNo    string      `json:"parcel_no"`
		CommuneCode string      `json:"commune_code"`
		LandUse     string      `json:"land_use"`
		AreaM2      float64     `json:"area_m2"`
		LandPrice   json.Number `json:"land_price"`
		OwnerStatus string      `json:"owner_status"`
	} `json:"properties"`
	Geometry struct {
		Type        string         `json:"type"`
		Coordinates [][][2]float64 `json:"coordinates"`
	} `json:"geometry"`
}

func TestParcelsInvariants(t *testing.T) {
	tests := []struct {
		name     string
		seed     int64
		n        int
		communes []Commune
	}{
		{"demo seed 79", 79, 3000, loadDemo(t)},
		{"demo seed -5", -5, 500, loadDemo(t)},
		{"awkward shapes", 3, 2000, shapeCommunes()},
		{"one commune", 1, 200, shapeCommunes()[:1]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			byCode := map[string]Commune{}
			for _, c := range tt.communes {
				byCode[c.Code] = c
			}
			out := generate(t, Config{Seed: tt.seed, N: tt.n, Communes: tt.communes})
			sc := bufio.NewScanner(bytes.NewReader(out))
			sc.Buffer(nil, 1<<20)
			id := 0
			for sc.Scan() {
				id++
				var f parcelFeature
				if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
					t.Fatalf("line %d: %v", id, err)
				}
				c, ok := byCode[f.Properties.CommuneCode]
				if !ok {
					t.Fatalf("line %d: unknown commune %q", id, f.Properties.CommuneCode)
				}
				if err := checkParcel(f, id, c); err != nil {
					t.Fatalf("line %d: %v\n%s", id, err, sc.Bytes())
				}
			}
			if id != tt.n {
				t.Errorf("%d lines, want %d", id, tt.n)
			}
		})
	}
}

func checkParcel(f parcelFeature, id int, c Commune) error {
	p := f.Properties
	switch {
	case f.Type != "Feature" || string(f.ID) != strconv.Itoa(id):
		return errors.New("type or id wrong")
	case !strings.HasPrefix(p.ParcelNo, c.Code+"-"):
		return errors.New("parcel_no does not start with the commune code")
	case !strings.Contains(" ODT ONT CLN LUC SKC TMD ", " "+p.LandUse+" "):
		return errors.New("unknown land_use")
	case !strings.Contains(" ho_ngheo ho_can_ngheo binh_thuong to_chuc ", " "+p.OwnerStatus+" "):
		return errors.New("unknown owner_status")
	case f.Geometry.Type != "Polygon" || len(f.Geometry.Coordinates) != 1:
		return errors.New("not a one-ring Polygon")
	}
	if price, err := strconv.ParseInt(string(p.LandPrice), 10, 64); err != nil || price < 1000 {
		return errors.New("land_price is not a positive integer")
	}
	ring := f.Geometry.Coordinates[0]
	if len(ring) != Vertices+1 || ring[0] != ring[Vertices] {
		return errors.New("ring is not 10 vertices closed")
	}
	var x, y [Vertices]int64
	seen := map[[2]int64]bool{}
	for i := range Vertices {
		x[i], y[i] = int64(math.Round(ring[i][0]*1e6)), int64(math.Round(ring[i][1]*1e6))
		if float64(x[i])/1e6 != ring[i][0] || float64(y[i])/1e6 != ring[i][1] {
			return errors.New("coordinates have more than 6 decimals")
		}
		seen[[2]int64{x[i], y[i]}] = true
		if !planar.MultiPolygonContains(c.Polygon, orb.Point{ring[i][0], ring[i][1]}) {
			return errors.New("vertex outside its commune")
		}
	}
	if len(seen) != Vertices {
		return errors.New("vertices not distinct")
	}
	if !simple(x, y) {
		return errors.New("ring self-intersects")
	}
	ringM := make(orb.Ring, 0, Vertices+1)
	lat := ring[0][1] * math.Pi / 180
	for _, pt := range ring {
		ringM = append(ringM, orb.Point{pt[0] * metresPerDegree * math.Cos(lat), pt[1] * metresPerDegree})
	}
	area := planar.Area(ringM)
	if area <= 0 {
		return errors.New("ring is not counter-clockwise")
	}
	if math.Abs(area-p.AreaM2) > 0.1+1e-3*area {
		return errors.New("area_m2 does not match the ring")
	}
	if d := ringM.Bound().Max.X() - ringM.Bound().Min.X(); d < 5 || d > 130 {
		return errors.New("parcel is not a few tens of metres across")
	}
	return nil
}

// simple reports whether no two non-adjacent edges of the ring touch.
func simple(x, y [Vertices]int64) bool {
	orient := func(a, b, c int) int64 {
		return (x[b]-x[a])*(y[c]-y[a]) - (y[b]-y[a])*(x[c]-x[a])
	}
	sign := func(v int64) int64 { return min(max(v, -1), 1) }
	for i := range Vertices {
		for j := i + 2; j < Vertices; j++ {
			if i == 0 && j == Vertices-1 {
				continue
			}
			a, b, c, d := i, (i+1)%Vertices, j, (j+1)%Vertices
			if sign(orient(a, b, c))*sign(orient(a, b, d)) <= 0 && sign(orient(c, d, a))*sign(orient(c, d, b)) <= 0 {
				return false
			}
		}
	}
	return true
}

func TestParcelsDeterministic(t *testing.T) {
	cs := loadDemo(t)
	a := generate(t, Config{Seed: 42, N: 1000, Communes: cs})
	b := generate(t, Config{Seed: 42, N: 1000, Communes: cs})
	c := generate(t, Config{Seed: 43, N: 1000, Communes: cs})
	if !bytes.Equal(a, b) {
		t.Error("same seed, different output")
	}
	if bytes.Equal(a, c) {
		t.Error("different seeds, same output")
	}
	if short := generate(t, Config{Seed: 42, N: 10, Communes: cs}); !bytes.HasPrefix(a, short) {
		t.Error("the first 10 parcels depend on N")
	}
}

func TestParcelsGolden(t *testing.T) {
	tests := []struct {
		file     string
		cfg      Config
		hashOnly bool
	}{
		{"shapes_seed7_n5.ndjson", Config{Seed: 7, N: 5, Communes: shapeCommunes()}, false},
		{"demo_seed1_n5000.sha256", Config{Seed: 1, N: 5000, Communes: loadDemo(t)}, true},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got := generate(t, tt.cfg)
			if tt.hashOnly {
				sum := sha256.Sum256(got)
				got = []byte(hex.EncodeToString(sum[:]) + "\n")
			}
			path := filepath.Join("testdata", tt.file)
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (run with -update if the change is intended)", path)
			}
		})
	}
}

// TestDemoParcelsFile keeps the generator authoritative: the embedded demo
// parcels are exactly its output for seed 79.
func TestDemoParcelsFile(t *testing.T) {
	f, err := data.Demo().Open("parcels.ndjson.gz")
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
	got := generate(t, Config{Seed: 79, N: 20000, Communes: loadDemo(t)})
	if !bytes.Equal(got, want) {
		t.Error("demo parcels.ndjson.gz is not the generator's output for seed 79, N 20000; rerun data/prep/prep.sh")
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestParcelsErrors(t *testing.T) {
	flat := Commune{Code: "0", Polygon: orb.MultiPolygon{{{{0, 0}, {1, 0}, {2, 0}, {0, 0}}}}}
	tests := []struct {
		name string
		cfg  Config
		w    io.Writer
		want string
	}{
		{"negative N", Config{N: -1}, io.Discard, "N = -1"},
		{"no communes", Config{N: 1}, io.Discard, "no communes"},
		{"zero area", Config{N: 1, Communes: []Commune{flat}}, io.Discard, "no area"},
		{"write fails", Config{N: 1, Communes: shapeCommunes()}, failWriter{}, "disk full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Parcels(tt.cfg, tt.w)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	var buf bytes.Buffer
	if err := Parcels(Config{}, &buf); err != nil || buf.Len() != 0 {
		t.Errorf("N = 0: err %v, %d bytes; want no error, no output", err, buf.Len())
	}
}

// BenchmarkParcels measures end-to-end generation with the demo communes,
// setup included, 100,000 parcels per op.
func BenchmarkParcels(b *testing.B) {
	cfg := Config{Seed: 1, N: 100000, Communes: loadDemo(b)}
	b.ReportAllocs()
	for b.Loop() {
		if err := Parcels(cfg, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cfg.N)*float64(b.N)/b.Elapsed().Seconds(), "parcels/s")
}

// BenchmarkParcel measures one parcel: sampling, checks and formatting.
func BenchmarkParcel(b *testing.B) {
	g, err := newGenerator(Config{Seed: 1, N: 1, Communes: loadDemo(b)})
	if err != nil {
		b.Fatal(err)
	}
	var p parcel
	buf := make([]byte, 0, 1024)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		if err := g.next(&p); err != nil {
			b.Fatal(err)
		}
		n++
		buf = p.appendJSON(buf[:0], n)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "parcels/s")
}

func BenchmarkNewGenerator(b *testing.B) {
	cfg := Config{Seed: 1, N: 1, Communes: loadDemo(b)}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newGenerator(cfg); err != nil {
			b.Fatal(err)
		}
	}
}
