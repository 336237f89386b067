package ingest

import (
	"bytes"
	"reflect"
	"testing"
)

// TestRowPipeline: the table formats give the same features and report
// whether their rows are built inline or by the worker pipeline.
func TestRowPipeline(t *testing.T) {
	if pipeWorkers() < 2 {
		t.Skip("one CPU: the pipeline is never used")
	}
	defer func(n int) { pipeMinRows = n }(pipeMinRows)
	for _, c := range []struct {
		path   string
		format Format
		layer  string
	}{
		{"gdal/wards_tm3.zip", Shapefile, "wards"},
		{"gdal/wards_utm.gpkg", GeoPackage, "wards"},
		{"gdal/wards_tm3.fgb", FlatGeobuf, "wards"},
		{"gdal/types.fgb", FlatGeobuf, "things"},
	} {
		b := readTestdata(t, c.path)
		run := func(min int) ([]any, *Report) {
			pipeMinRows = min
			feats, rep, err := Prepare(layer(t, c.layer), c.format, bytes.NewReader(b), Options{IDField: "code", Partial: true})
			if err != nil {
				t.Fatalf("%s: %v", c.path, err)
			}
			out := make([]any, len(feats))
			for i, f := range feats {
				out[i] = *f
			}
			return out, rep
		}
		inline, rep1 := run(1 << 30)
		piped, rep2 := run(0)
		if len(inline) == 0 || !reflect.DeepEqual(inline, piped) || !reflect.DeepEqual(rep1, rep2) {
			t.Errorf("%s: inline %d features %+v, piped %d %+v", c.path, len(inline), rep1, len(piped), rep2)
		}
	}
}
