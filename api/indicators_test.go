package api

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
	"bando/tiles"
)

const indicatorCatalog = `layers:
  - id: units
    title: {vi: Xã, en: Units}
    kind: admin
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 14}
    attribution: test
    fields:
      - {name: code, type: string}
  - id: pois
    title: {vi: Điểm, en: Points}
    kind: poi
    geometry: Point
    access: public
    zoom: {min: 0, max: 18}
    attribution: test
    fields:
      - {name: n, type: int, sensitivity: internal}
indicators:
  - id: pois_per_unit
    title: {vi: Điểm, en: Points per unit}
    admin: units
    numerator: {layer: pois, aggregate: {op: count}}
    thresholds: {green: 2, yellow: 1}
    direction: higher
  - id: big_n
    title: {vi: Điểm lớn, en: Points with a large n}
    admin: units
    numerator: {layer: pois, filter: {field: n, op: ">", value: 1}, aggregate: {op: count}}
    denominator: {layer: pois, aggregate: {op: count}}
    min_denominator: 1
    thresholds: {green: 0.5, yellow: 0.2}
    direction: higher
    access: public
  - id: n_sum
    title: {vi: Tổng n, en: Sum of n}
    admin: units
    numerator: {layer: pois, aggregate: {op: sum, field: n}}
    thresholds: {green: 10, yellow: 5}
    direction: higher
`

func TestIndicatorsAPI(t *testing.T) {
	cat, err := layers.Parse([]byte(indicatorCatalog))
	if err != nil {
		t.Fatal(err)
	}
	idx := spatial.NewIndex()
	var units []*spatial.Feature
	for i, code := range []string{"a", "b"} {
		x := float64(i)
		g := orb.Polygon{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}}
		units = append(units, &spatial.Feature{ID: code, Geom: g, Bound: g.Bound(), Props: []any{code}})
	}
	idx.Put("units", 1, units)
	var pois []*spatial.Feature
	for i, x := range []float64{0.2, 0.4, 1.5} { // a: 2 points (green), b: 1 (yellow)
		p := orb.Point{x, 0.5}
		pois = append(pois, &spatial.Feature{ID: itoa(i + 1), Geom: p, Bound: p.Bound(), Props: []any{int64(i + 1)}})
	}
	idx.Put("pois", 1, pois)
	tokens, err := NewTokens([]Token{{Name: "reader", SHA256: HashToken("s3cret"), Clearance: layers.Internal}})
	if err != nil {
		t.Fatal(err)
	}
	s := New(Config{Catalog: cat, Index: idx, Tokens: tokens, Tiles: tiles.New(tiles.Config{Index: idx, Catalog: cat})})
	s.SetReady(true)

	r := call(s, "GET", "/api/indicators", "", "", "")
	var list struct {
		Indicators []struct {
			ID     string         `json:"id"`
			Counts map[string]int `json:"counts"`
		} `json:"indicators"`
	}
	if err := json.Unmarshal(r.Body, &list); err != nil || r.Status != 200 {
		t.Fatalf("%d %s %v", r.Status, r.Body, err)
	}
	// n_sum reads an internal field: its access defaults to internal.
	// big_n is declared public, but its filter names the internal field:
	// its values are shown, its definition's terms are not.
	if len(list.Indicators) != 2 || list.Indicators[0].ID != "pois_per_unit" || list.Indicators[0].Counts["green"] != 1 || list.Indicators[0].Counts["yellow"] != 1 ||
		list.Indicators[1].ID != "big_n" {
		t.Errorf("anonymous list %+v", list)
	}
	for _, target := range []string{"/api/indicators", "/api/indicators/big_n", "/api/indicators/big_n?status=green"} {
		if r := call(s, "GET", target, "", "", ""); r.Status != 200 || strings.Contains(string(r.Body), `"n"`) {
			t.Errorf("%s names the internal field: %d %s", target, r.Status, r.Body)
		}
	}
	if r := call(s, "GET", "/api/indicators/big_n", "s3cret", "", ""); !strings.Contains(string(r.Body), `"field":"n"`) {
		t.Errorf("an internal principal should see the terms: %s", r.Body)
	}
	r = call(s, "GET", "/api/indicators/pois_per_unit?status=yellow", "", "", "")
	if r.Status != 200 || !strings.Contains(string(r.Body), `"code":"b"`) || strings.Contains(string(r.Body), `"code":"a"`) {
		t.Errorf("status=yellow: %d %s", r.Status, r.Body)
	}
	for target, status := range map[string]int{
		"/api/indicators/n_sum":                    404,
		"/api/indicators/nosuch":                   404,
		"/api/indicators/pois_per_unit?status=red": 200,
		"/api/indicators/pois_per_unit?status=x":   400,
	} {
		if r := call(s, "GET", target, "", "", ""); r.Status != status {
			t.Errorf("%s: %d %s, want %d", target, r.Status, r.Body, status)
		}
	}
}
