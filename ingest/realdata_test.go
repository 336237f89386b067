package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// osmDir holds the real Overpass extracts; BANDO_OSM_DIR overrides it.
func osmDir() string {
	if d := os.Getenv("BANDO_OSM_DIR"); d != "" {
		return d
	}
	return "/work/shared/data/osm"
}

// TestOverpassRealFiles runs the two Overpass extracts of Ho Chi Minh City
// (District 1 and Bình Thạnh, 2023-08-24) through the building and road
// layers and pins the counts; the package doc explains the choices.
func TestOverpassRealFiles(t *testing.T) {
	tests := []struct {
		file, layer              string
		read, accepted, repaired int
		skippedKind, skippedGeom int
	}{
		{"hcmc_d1_overpass_buildings_roads_2023-08-24.json", "buildings", 1912, 1912, 0, 2060, 3},
		{"hcmc_d1_overpass_buildings_roads_2023-08-24.json", "roads", 1073, 1073, 0, 2857, 45},
		{"hcmc_binhthanh_overpass_buildings_roads_2023-08-24.json", "buildings", 2812, 2812, 0, 2249, 0},
		{"hcmc_binhthanh_overpass_buildings_roads_2023-08-24.json", "roads", 1950, 1950, 1, 3102, 9},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.layer, func(t *testing.T) {
			f, err := os.Open(filepath.Join(osmDir(), tt.file))
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("%s not present (set BANDO_OSM_DIR)", tt.file)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			l := layer(t, tt.layer)
			fs, rep, err := Prepare(l, Overpass, f, Options{Partial: true})
			if err != nil {
				t.Fatal(err)
			}
			checkAccepted(t, l, fs)
			t.Logf("read %d accepted %d repaired %d rejected %d dropped %d skipped %v",
				rep.Read, rep.Accepted, len(rep.Repaired), len(rep.Rejected), len(rep.Dropped), rep.Skipped)
			for _, p := range rep.Rejected {
				t.Logf("rejected: %v", p)
			}
			for _, r := range rep.Repaired {
				t.Logf("repaired: %+v", r)
			}
			got := []int{rep.Read, rep.Accepted, len(rep.Repaired), rep.Skipped["kind"], rep.Skipped["geometry-type"]}
			want := []int{tt.read, tt.accepted, tt.repaired, tt.skippedKind, tt.skippedGeom}
			if !slices.Equal(got, want) {
				t.Errorf("read, accepted, repaired, skipped kind, skipped geometry = %v, want %v", got, want)
			}
		})
	}
}

// TestHOTExports loads the HOT OSM exports of Vietnam (GeoJSON
// FeatureCollections whose ids are in the osm_id property).
func TestHOTExports(t *testing.T) {
	tests := []struct {
		file string
		n    int
	}{
		{"hotosm_vnm_airports_points.geojson", 356},
		{"hotosm_vnm_railways_lines.geojson", 3254},
		{"hotosm_vnm_sea_ports_points.geojson", 639},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join(osmDir(), tt.file))
			if errors.Is(err, os.ErrNotExist) {
				t.Skipf("%s not present (set BANDO_OSM_DIR)", tt.file)
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			l := layer(t, "assets")
			fs, rep, err := Prepare(l, GeoJSON, f, Options{IDField: "osm_id"})
			if err != nil {
				t.Fatal(err)
			}
			checkAccepted(t, l, fs)
			if rep.Accepted != tt.n || !slices.Contains(rep.IgnoredFields, "osm_type") {
				t.Errorf("accepted %d, want %d; ignored %q", rep.Accepted, tt.n, rep.IgnoredFields)
			}
		})
	}
}
