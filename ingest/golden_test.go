package ingest

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/paulmach/orb/geojson"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenResult is what a golden file holds: the report, the problems of a
// refused input, and the accepted features as GeoJSON.
type goldenResult struct {
	Report   *Report   `json:"report"`
	Error    string    `json:"error,omitempty"`
	Problems []Problem `json:"problems,omitempty"`
	Features []string  `json:"features,omitempty"` // one GeoJSON feature each
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name, layer, input string
		format             Format
		opt                Options
	}{
		{"parcels_mixed_partial", "parcels", "inputs/parcels_mixed.ndjson", NDJSON, Options{Partial: true}},
		{"parcels_mixed_refused", "parcels", "inputs/parcels_mixed.ndjson", NDJSON, Options{}},
		{"parcels_geojson_refused", "parcels", "inputs/parcels.geojson", GeoJSON, Options{}},
		{"pois_csv_partial", "pois", "inputs/pois.csv", CSV, Options{Partial: true}},
		{"assets_wkt_partial", "assets", "inputs/assets_wkt.csv", CSV, Options{Partial: true}},
		{"overpass_buildings", "buildings", "hcmc_sample.overpass.json", Overpass, Options{Partial: true}},
		{"overpass_roads", "roads", "hcmc_sample.overpass.json", Overpass, Options{Partial: true}},
		{"overpass_assets", "assets", "hcmc_sample.overpass.json", Overpass, Options{Partial: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := layer(t, tt.layer)
			fs, rep, err := Prepare(l, tt.format, bytes.NewReader(readTestdata(t, tt.input)), tt.opt)
			res := goldenResult{Report: rep}
			var e *Error
			switch {
			case errors.As(err, &e):
				res.Error, res.Problems = err.Error(), e.Problems
				res.Report.Rejected = nil // the same list as Problems
			case err != nil:
				t.Fatal(err)
			}
			checkAccepted(t, l, fs)
			for _, f := range fs {
				gf := geojson.NewFeature(f.Geom)
				gf.ID = f.ID
				for i, v := range f.Props {
					if v != nil {
						gf.Properties[l.Fields[i].Name] = v
					}
				}
				b, err := json.Marshal(gf)
				if err != nil {
					t.Fatal(err)
				}
				res.Features = append(res.Features, string(b))
			}
			got, err := json.MarshalIndent(res, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "golden", tt.name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the golden file; run go test -run TestGolden -update and review the diff\n%s", tt.name, got)
			}
		})
	}
}
