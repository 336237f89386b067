package gen

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
	"testing/fstest"
)

func TestLoadCommunesDemo(t *testing.T) {
	cs := loadDemo(t)
	if len(cs) != 168 {
		t.Fatalf("%d communes, want 168", len(cs))
	}
	types := map[string]int{}
	for _, c := range cs {
		types[c.Type]++
		if len(c.Code) != 5 || c.Name == "" || len(c.Polygon) == 0 {
			t.Errorf("commune %+v: want a 5-digit code, a name and a polygon", c.Code)
		}
	}
	want := map[string]int{"Phường": 113, "Xã": 54, "Đặc khu": 1}
	for k, n := range want {
		if types[k] != n {
			t.Errorf("%d of type %q, want %d", types[k], k, n)
		}
	}
}

func TestLoadCommunesErrors(t *testing.T) {
	tests := []struct {
		name string
		fsys fstest.MapFS
		want string
	}{
		{"missing file", fstest.MapFS{}, "communes.geojson.gz"},
		{"not gzip", fstest.MapFS{CommunesFile: {Data: []byte(`{"type":"FeatureCollection"}`)}}, "gzip: invalid header"},
		{"bad json", fstest.MapFS{CommunesFile: {Data: gzipped(`{"features":[`)}}, "communes.geojson.gz: gen: communes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadCommunes(tt.fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

const okRing = `[[0,0],[1,0],[1,1],[0,0]]`

func fc(geometry string) string {
	return `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"code":"1","name":"A","type":"Xã"},"geometry":` + geometry + `}]}`
}

func TestDecodeCommunes(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		want  string // error substring; "" = no error
		polys int
	}{
		{"polygon", fc(`{"type":"Polygon","coordinates":[` + okRing + `]}`), "", 1},
		{"multipolygon", fc(`{"type":"MultiPolygon","coordinates":[[` + okRing + `],[` + okRing + `]]}`), "", 2},
		{"not json", `{"features":[`, "gen: communes", 0},
		{"no features", `{"type":"FeatureCollection","features":[]}`, "no features", 0},
		{"no code", `{"features":[{"properties":{},"geometry":null}]}`, "no code", 0},
		{"no geometry", `{"features":[{"properties":{"code":"9"}}]}`, "(9): no geometry", 0},
		{"point", fc(`{"type":"Point","coordinates":[1,2]}`), "want Polygon", 0},
		{"short ring", fc(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}`), "3 positions", 0},
		{"open ring", fc(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}`), "not closed", 0},
		{"bad latitude", fc(`{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,91],[0,0]]]}`), "position 2", 0},
		{"no rings", fc(`{"type":"MultiPolygon","coordinates":[[]]}`), "no rings", 0},
		{"empty", fc(`{"type":"MultiPolygon","coordinates":[]}`), "empty", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := DecodeCommunes(strings.NewReader(tt.in))
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(cs) != 1 || cs[0].Code != "1" || cs[0].Name != "A" || cs[0].Type != "Xã" || len(cs[0].Polygon) != tt.polys {
				t.Errorf("got %+v", cs)
			}
		})
	}
}

func FuzzDecodeCommunes(f *testing.F) {
	f.Add([]byte(fc(`{"type":"Polygon","coordinates":[` + okRing + `]}`)))
	f.Add([]byte(fc(`{"type":"MultiPolygon","coordinates":[[` + okRing + `,` + okRing + `]]}`)))
	f.Add([]byte(`{"features":[{"properties":{"code":"x"},"geometry":{"type":"Polygon","coordinates":[[[1e400,0]]]}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := DecodeCommunes(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, c := range cs {
			if c.Code == "" || len(c.Polygon) == 0 {
				t.Fatalf("accepted commune without code or polygon: %+v", c)
			}
			for _, p := range c.Polygon {
				for _, r := range p {
					if len(r) < 4 || r[0] != r[len(r)-1] {
						t.Fatalf("accepted a bad ring: %v", r)
					}
				}
			}
			// Whatever is accepted must be usable by the generator.
			_ = newRegion(c.Polygon)
		}
	})
}

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}
