package layers

import (
	"reflect"
	"strings"
	"testing"
)

// genLayer returns a valid layer declaration with the given kind, geometry
// and generalize block (YAML), parsed through the catalog.
func genLayer(t *testing.T, kind, geom, block string) (*Layer, error) {
	t.Helper()
	y := `layers:
  - id: l
    title: {vi: "L", en: "L"}
    kind: ` + kind + `
    geometry: ` + geom + `
    access: public
    zoom: {min: 6, max: 16}
    attribution: test
    fields:
      - {name: name, type: string}
      - {name: beds, type: int}
      - {name: note, type: string}
` + block
	cat, err := Parse([]byte(y))
	if err != nil {
		return nil, err
	}
	return cat.Get("l")
}

func TestGeneralizeDefaults(t *testing.T) {
	tests := []struct {
		kind, geom string
		z          int
		want       ZoomRule
	}{
		{"parcel", "Polygon", 8, ZoomRule{Mode: ModeDensity, Simplify: 0.125, MinArea: 1, Cells: 64, Sum: -1}},
		{"parcel", "Polygon", 12, ZoomRule{Mode: ModeFeatures, Simplify: 0.125, MinArea: 1, Sum: -1}},
		{"building", "Polygon", 11, ZoomRule{Mode: ModeDensity, Simplify: 0.125, MinArea: 1, Cells: 64, Sum: -1}},
		{"admin", "Polygon", 8, ZoomRule{Mode: ModeFeatures, Simplify: 0.125, MinArea: 1, Sum: -1}},
		{"road", "LineString", 8, ZoomRule{Mode: ModeFeatures, Simplify: 0.125, MinLength: 1, Sum: -1}},
		{"poi", "Point", 8, ZoomRule{Mode: ModeFeatures, Simplify: 0.125, Sum: -1}},
		{"poi", "Geometry", 8, ZoomRule{Mode: ModeFeatures, Simplify: 0.125, MinArea: 1, MinLength: 1, Sum: -1}},
		// At the max zoom nothing is generalised.
		{"parcel", "Polygon", 16, ZoomRule{Mode: ModeFeatures, Sum: -1}},
		{"road", "LineString", 20, ZoomRule{Mode: ModeFeatures, Sum: -1}},
	}
	for _, tt := range tests {
		l, err := genLayer(t, tt.kind, tt.geom, "")
		if err != nil {
			t.Fatal(err)
		}
		if got := l.GeneralizeAt(tt.z); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s %s z%d: %+v, want %+v", tt.kind, tt.geom, tt.z, got, tt.want)
		}
	}
}

func TestGeneralizeDeclared(t *testing.T) {
	tests := []struct {
		name, kind, geom, block string
		z                       int
		want                    ZoomRule
	}{
		{"off", "parcel", "Polygon", "    generalize: {simplify: 0, min_area: 0, density: {below: 0}}\n", 8,
			ZoomRule{Mode: ModeFeatures, Sum: -1}},
		{"density cells", "admin", "Polygon", "    generalize: {density: {below: 10, cells: 32}}\n", 9,
			ZoomRule{Mode: ModeDensity, Simplify: 0.125, MinArea: 1, Cells: 32, Sum: -1}},
		{"cluster", "poi", "Point", "    generalize: {cluster: {below: 11, sum: beds}}\n", 10,
			ZoomRule{Mode: ModeCluster, Simplify: 0.125, Cells: 16, Sum: 1}},
		{"cluster above", "poi", "Point", "    generalize: {cluster: {below: 11, sum: beds}}\n", 11,
			ZoomRule{Mode: ModeFeatures, Simplify: 0.125, Sum: -1}},
		{"fields, smallest below wins", "poi", "Point",
			"    generalize:\n      fields: [{below: 12, keep: [note, name]}, {below: 9, keep: [name]}]\n", 8,
			ZoomRule{Mode: ModeFeatures, Simplify: 0.125, Sum: -1, Keep: []int{0}}},
		{"fields, sorted", "poi", "Point",
			"    generalize:\n      fields: [{below: 12, keep: [note, name]}, {below: 9, keep: [name]}]\n", 10,
			ZoomRule{Mode: ModeFeatures, Simplify: 0.125, Sum: -1, Keep: []int{0, 2}}},
		{"fields, none kept", "poi", "Point", "    generalize: {fields: [{below: 12, keep: []}]}\n", 10,
			ZoomRule{Mode: ModeFeatures, Simplify: 0.125, Sum: -1, Keep: []int{}}},
		{"sizes", "road", "LineString", "    generalize: {simplify: 0.5, min_length: 4}\n", 10,
			ZoomRule{Mode: ModeFeatures, Simplify: 0.5, MinLength: 4, Sum: -1}},
	}
	for _, tt := range tests {
		l, err := genLayer(t, tt.kind, tt.geom, tt.block)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := l.GeneralizeAt(tt.z); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s z%d: %+v, want %+v", tt.name, tt.z, got, tt.want)
		}
	}
}

func TestGeneralizeRefused(t *testing.T) {
	tests := []struct {
		name, geom, block, want string
	}{
		{"negative simplify", "Polygon", "{simplify: -1}", "generalize.simplify"},
		{"huge min_area", "Polygon", "{min_area: 1e9}", "generalize.min_area"},
		{"density on points", "Point", "{density: {below: 10}}", "not polygons"},
		{"density above max zoom", "Polygon", "{density: {below: 17}}", "density.below 17"},
		{"too many cells", "Polygon", "{density: {below: 10, cells: 1000}}", "cells 1000"},
		{"cluster on polygons", "Polygon", "{cluster: {below: 10}}", "not points"},
		{"sum of a string", "Point", "{cluster: {below: 10, sum: name}}", "cluster.sum"},
		{"sum of nothing", "Point", "{cluster: {below: 10, sum: nope}}", "cluster.sum"},
		{"unknown kept field", "Point", "{fields: [{below: 10, keep: [nope]}]}", "unknown field"},
		{"fields twice", "Point", "{fields: [{below: 10, keep: []}, {below: 10, keep: [name]}]}", "distinct"},
		{"fields below min", "Point", "{fields: [{below: 6, keep: []}]}", "distinct"},
		{"negative budget", "Point", "{max_bytes: -1}", "negative"},
	}
	for _, tt := range tests {
		_, err := genLayer(t, "poi", tt.geom, "    generalize: "+tt.block+"\n")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
