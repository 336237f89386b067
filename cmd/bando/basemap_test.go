package main

import (
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
)

// TestDemoBasemap: the basemap layers load from the demo on a new data
// directory, anonymous users see them as basemap layers (every screen,
// the public map included, draws them), and their tiles over Vietnam —
// the north around Hà Nội and the south around Hồ Chí Minh City — decode
// and hold features of the right geometry.
func TestDemoBasemap(t *testing.T) {
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, ""))

	var cols struct {
		Collections []struct {
			ID    string `json:"id"`
			Bando struct {
				Style struct {
					Basemap bool `json:"basemap"`
				} `json:"style"`
			} `json:"bando"`
		} `json:"collections"`
	}
	srv.getJSON("/collections", "", &cols)
	var basemap []string
	for _, c := range cols.Collections {
		if c.Bando.Style.Basemap {
			basemap = append(basemap, c.ID)
		}
	}
	slices.Sort(basemap)
	if fmt.Sprint(basemap) != "[basemap_land basemap_ports basemap_provinces basemap_railways basemap_sea]" {
		t.Fatalf("anonymous /collections marks %v as basemap", basemap)
	}

	north, south := orb.Point{105.85, 21.03}, orb.Point{106.70, 10.78}
	tests := []struct {
		id       string
		features int
		z        int
		geom     string
		names    [2]string // a name in the northern and in the southern tile
	}{
		{"basemap_sea", 4, 5, "Polygon", [2]string{"Nội thủy và lãnh hải Việt Nam", "Nội thủy và lãnh hải Việt Nam"}},
		{"basemap_land", 1008, 5, "Polygon", [2]string{}},
		{"basemap_provinces", 34, 5, "Polygon", [2]string{"Thành phố Hà Nội", "Thành phố Hồ Chí Minh"}},
		{"basemap_railways", 1330, 5, "LineString", [2]string{"Đường sắt Bắc–Nam", "Đường sắt Bắc–Nam"}},
		{"basemap_ports", 639, 7, "Point", [2]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			var fc featureCollection
			srv.getJSON("/collections/"+tt.id+"/items?limit=1", "", &fc)
			if fc.NumberMatched != tt.features {
				t.Errorf("%d features loaded, want %d", fc.NumberMatched, tt.features)
			}
			for i, p := range []orb.Point{north, south} {
				x, y := tileXY(p[0], p[1], tt.z)
				path := fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", tt.id, tt.z, x, y)
				b := fetch(t, srv, path, "", true)
				ls, err := mvt.Unmarshal(b)
				if err != nil || len(ls) != 1 || ls[0].Name != tt.id {
					t.Fatalf("GET %s: %d bytes, %d layers, %v", path, len(b), len(ls), err)
				}
				if len(ls[0].Features) == 0 {
					t.Fatalf("GET %s: no features over Vietnam", path)
				}
				names := map[string]bool{}
				for _, f := range ls[0].Features {
					if g := f.Geometry.GeoJSONType(); g != tt.geom && g != "Multi"+tt.geom {
						t.Fatalf("GET %s: a %s in a %s layer", path, g, tt.geom)
					}
					if n, ok := f.Properties["name"].(string); ok {
						names[n] = true
					}
				}
				if want := tt.names[i]; want != "" && !names[want] {
					t.Errorf("GET %s: %d features, none named %q", path, len(ls[0].Features), want)
				}
			}
		})
	}
}
