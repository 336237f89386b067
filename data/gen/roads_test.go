package gen

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

func TestLoadRoadsDemo(t *testing.T) {
	rs, err := demoRoads()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != 2990 { // the demo roads layer's ways (data/data_test.go)
		t.Errorf("%d roads, want the demo's 2990 highway ways", len(rs))
	}
	for _, r := range rs {
		if r.Highway == "" || len(r.Points) < 2 {
			t.Fatalf("way %d: highway %q, %d points", r.ID, r.Highway, len(r.Points))
		}
	}
}

const roadNodes = `{"type":"node","id":1,"lat":10.7,"lon":106.7},{"type":"node","id":2,"lat":10.71,"lon":106.7}`

func TestDecodeRoads(t *testing.T) {
	tests := []struct {
		name, in, want string // want: error substring, "" for none
		roads          int
	}{
		{"one way", `{"elements":[` + roadNodes + `,{"type":"way","id":9,"nodes":[1,2],"tags":{"highway":"primary","name":"Lê Lợi","lit":"yes"}}]}`, "", 1},
		{"untagged way skipped", `{"elements":[` + roadNodes + `,{"type":"way","id":8,"nodes":[1,2]},{"type":"way","id":9,"nodes":[1,2],"tags":{"highway":"service"}}]}`, "", 1},
		{"not json", `{"elements":[`, "gen: roads", 0},
		{"no ways", `{"elements":[` + roadNodes + `]}`, "no highway ways", 0},
		{"missing node", `{"elements":[` + roadNodes + `,{"type":"way","id":9,"nodes":[1,3],"tags":{"highway":"primary"}}]}`, "way 9: node 3 missing", 0},
		{"one node", `{"elements":[` + roadNodes + `,{"type":"way","id":9,"nodes":[1],"tags":{"highway":"primary"}}]}`, "1 nodes", 0},
		{"bad node", `{"elements":[{"type":"node","id":1,"lat":100,"lon":0}]}`, "node 1", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rs, err := DecodeRoads(strings.NewReader(tt.in))
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(rs) != tt.roads || rs[0].ID != 9 || len(rs[0].Points) != 2 || rs[0].Points[1] != [2]float64{106.7, 10.71} {
				t.Errorf("got %+v", rs)
			}
		})
	}
}

func FuzzDecodeRoads(f *testing.F) {
	f.Add([]byte(`{"elements":[` + roadNodes + `,{"type":"way","id":9,"nodes":[1,2],"tags":{"highway":"primary"}}]}`))
	f.Add([]byte(`{"elements":[{"type":"way","id":9,"nodes":[],"tags":{"highway":"x"}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		rs, err := DecodeRoads(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, r := range rs {
			if r.Highway == "" || len(r.Points) < 2 {
				t.Fatalf("accepted a way without highway or 2 points: %+v", r)
			}
		}
		// Whatever is accepted must be usable by the generator.
		if err := StreetLights(Config{Seed: 1, Roads: rs}, io.Discard); err != nil {
			t.Fatal(err)
		}
	})
}

func TestScenarioErrors(t *testing.T) {
	shapes := shapeCommunes()
	tests := []struct {
		name, layer string
		cfg         Config
		w           io.Writer
		want        string
	}{
		{"unknown layer", "trees", Config{}, io.Discard, `unknown layer "trees"`},
		{"houses: negative N", "houses", Config{N: -1, Communes: shapes}, io.Discard, "N = -1"},
		{"houses: no communes", "houses", Config{N: 1}, io.Discard, "no communes"},
		{"schools: no communes", "schools", Config{}, io.Discard, "no communes"},
		{"stats: no communes", "commune_stats", Config{}, io.Discard, "no communes"},
		{"lights: no roads", "street_lights", Config{}, io.Discard, "no roads"},
		{"houses: write fails", "houses", Config{N: 10, Communes: shapes}, failWriter{}, "disk full"},
		{"clinics: write fails", "clinics", Config{Communes: shapes}, failWriter{}, "disk full"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Generate(tt.layer, tt.cfg, tt.w)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
	var buf bytes.Buffer
	if err := Houses(Config{}, &buf); err != nil || buf.Len() != 0 {
		t.Errorf("N = 0: err %v, %d bytes; want no error, no output", err, buf.Len())
	}
}

// BenchmarkHouses measures end-to-end generation with the demo communes,
// setup included, 100,000 houses per op.
func BenchmarkHouses(b *testing.B) {
	cfg := demoConfig(b, 1, 100000)
	b.ReportAllocs()
	for b.Loop() {
		if err := Houses(cfg, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cfg.N)*float64(b.N)/b.Elapsed().Seconds(), "houses/s")
}

func BenchmarkStreetLights(b *testing.B) {
	cfg := demoConfig(b, 1, 0)
	b.ReportAllocs()
	for b.Loop() {
		if err := StreetLights(cfg, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}
