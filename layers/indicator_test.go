package layers

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// indLayers is a catalog of the layers the test indicators read.
const indLayers = `layers:
  - {id: communes, title: {vi: Xã, en: Communes}, kind: admin, geometry: Polygon, access: public,
     zoom: {min: 0, max: 16}, attribution: t, fields: [{name: code, type: string}]}
  - {id: lights, title: {vi: Đèn, en: Lights}, kind: infrastructure, geometry: Point, access: public,
     zoom: {min: 0, max: 16}, attribution: t,
     fields: [{name: status, type: string}, {name: power_w, type: int}, {name: installed, type: time}]}
  - {id: roads, title: {vi: Đường, en: Roads}, kind: road, geometry: LineString, access: public,
     zoom: {min: 0, max: 16}, attribution: t, fields: [{name: highway, type: string}]}
  - {id: houses, title: {vi: Nhà, en: Houses}, kind: building, geometry: Point, access: public,
     zoom: {min: 0, max: 16}, attribution: t,
     fields: [{name: floors, type: int}, {name: temporary_house, type: bool, sensitivity: restricted}]}
  - {id: stats, title: {vi: Dân số, en: Population}, kind: poi, geometry: Point, access: internal,
     zoom: {min: 0, max: 16}, attribution: t, fields: [{name: population, type: int}]}
`

const lightsPerKm = `  - id: lights_per_km
    title: {vi: Đèn trên km, en: Lights per km}
    unit: {vi: đèn/km, en: lights/km}
    admin: communes
    numerator:
      layer: lights
      filter: {and: [{field: status, op: "!=", value: fault}, {not: {field: power_w, op: is_null}}]}
      aggregate: {op: count}
    denominator:
      layer: roads
      filter: {field: highway, op: in, value: [primary, residential]}
      aggregate: {op: length_m}
    scale: 1000
    min_denominator: 500
    thresholds: {green: 25, yellow: 20}
    direction: higher
`

const temporaryShare = `  - id: temporary_share
    title: {vi: Tỷ lệ nhà tạm, en: Share of temporary houses}
    admin: communes
    numerator: {layer: houses, filter: {field: temporary_house, op: "=", value: true}, aggregate: {op: count}}
    denominator: {layer: houses, aggregate: {op: count}}
    scale: 100
    target: 1.5
    thresholds: {green: 2, yellow: 5}
    direction: lower
`

const perCapita = `  - id: clinics_per_10k
    title: {vi: "Cơ sở y tế trên 10.000 dân", en: "Clinics per 10,000 people"}
    admin: communes
    numerator: {layer: lights, aggregate: {op: count}}
    denominator: {layer: stats, aggregate: {op: sum, field: population}}
    scale: 10000
    thresholds: {green: 1, yellow: 0.6}
    direction: higher
`

func parseIndicators(t *testing.T, inds ...string) (*Catalog, error) {
	t.Helper()
	return Parse([]byte(indLayers + "indicators:\n" + strings.Join(inds, "")))
}

func sameJSON(t *testing.T, got json.RawMessage, want string) bool {
	t.Helper()
	var a, b any
	if err := json.Unmarshal(got, &a); err != nil {
		t.Fatalf("filter %s: %v", got, err)
	}
	if err := json.Unmarshal([]byte(want), &b); err != nil {
		t.Fatal(err)
	}
	return reflect.DeepEqual(a, b)
}

func TestIndicatorParse(t *testing.T) {
	cat, err := parseIndicators(t, lightsPerKm, temporaryShare, perCapita)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(cat.Indicators()); n != 3 {
		t.Fatalf("%d indicators, want 3", n)
	}
	l, err := cat.Indicator("lights_per_km")
	if err != nil {
		t.Fatal(err)
	}
	if !sameJSON(t, l.Numerator.Filter, `{"and":[{"field":"status","op":"!=","value":"fault"},{"not":{"field":"power_w","op":"is_null"}}]}`) ||
		!sameJSON(t, l.Denominator.Filter, `{"field":"highway","op":"in","value":["primary","residential"]}`) {
		t.Errorf("filters %s / %s are not the query model's JSON", l.Numerator.Filter, l.Denominator.Filter)
	}
	if l.Scale != 1000 || l.Target != 25 || l.Access != Public || l.Unit.EN != "lights/km" || l.Denominator.Aggregate.Op != "length_m" || l.MinDenominator != 500 {
		t.Errorf("lights_per_km: %+v", l)
	}
	tmp, _ := cat.Indicator("temporary_share")
	if tmp.Target != 1.5 || tmp.Access != Restricted || tmp.Direction != Lower || tmp.Denominator.Filter != nil {
		t.Errorf("temporary_share: target %v, access %s (want the restricted field's class), direction %s, filter %s",
			tmp.Target, tmp.Access, tmp.Direction, tmp.Denominator.Filter)
	}
	pc, _ := cat.Indicator("clinics_per_10k")
	if pc.Access != Internal || pc.Denominator.Aggregate != (Aggregate{"sum", "population"}) {
		t.Errorf("clinics_per_10k: access %s (want internal, from stats), denominator %+v", pc.Access, pc.Denominator.Aggregate)
	}
	if _, err := cat.Indicator("nope"); !errors.Is(err, ErrUnknownIndicator) {
		t.Errorf("unknown id: %v", err)
	}
	// The declaration is served as JSON with the filter inline.
	b, err := json.Marshal(l)
	if err != nil || !strings.Contains(string(b), `"filter":{"field":"highway","op":"in","value":["primary","residential"]}`) {
		t.Errorf("JSON %s (%v)", b, err)
	}
}

func TestIndicatorErrors(t *testing.T) {
	r := strings.NewReplacer
	tests := []struct {
		name string
		yaml string
		want string
	}{
		{"bad id", r("id: lights_per_km", "id: Lights").Replace(lightsPerKm), `indicator "Lights": id`},
		{"no title", r("title: {vi: Đèn trên km, en: Lights per km}", "title: {vi: Đèn}").Replace(lightsPerKm), "title"},
		{"no admin", r("admin: communes", "").Replace(lightsPerKm), "admin: name"},
		{"unknown admin", r("admin: communes", "admin: districts").Replace(lightsPerKm), `admin: unknown layer "districts"`},
		{"admin not admin", r("admin: communes", "admin: roads").Replace(lightsPerKm), "not an admin polygon"},
		{"unknown layer", r("layer: lights", "layer: lamps").Replace(lightsPerKm), `numerator: unknown layer "lamps"`},
		{"unknown filter field", r("field: status", "field: state").Replace(lightsPerKm), `numerator: filter: layer "lights" has no field "state"`},
		{"unknown field under not", r("field: power_w", "field: watts").Replace(lightsPerKm), `no field "watts"`},
		{"filter not an object", r("filter: {field: highway, op: in, value: [primary, residential]}", "filter: [highway]").Replace(lightsPerKm), "denominator: filter: want an object"},
		{"empty filter", r("filter: {field: highway, op: in, value: [primary, residential]}", "filter: {}").Replace(lightsPerKm), "denominator: filter: want field"},
		{"empty and", r(`filter: {and: [{field: status, op: "!=", value: fault}, {not: {field: power_w, op: is_null}}]}`, "filter: {and: []}").Replace(lightsPerKm), "and: want a non-empty list"},
		{"unknown op", r("op: length_m", "op: median").Replace(lightsPerKm), `aggregate: unknown op "median"`},
		{"length of points", r("layer: roads", "layer: lights").Replace(lightsPerKm), "length_m: layer \"lights\" holds Point"},
		{"area of lines", r("op: length_m", "op: area_m2").Replace(lightsPerKm), "area_m2: layer \"roads\" holds LineString"},
		{"count with field", r("aggregate: {op: count}", "aggregate: {op: count, field: status}").Replace(lightsPerKm), "count takes no field"},
		{"sum without field", r("field: population", "").Replace(perCapita), "sum: needs a field"},
		{"sum of unknown field", r("field: population", "field: people").Replace(perCapita), `layer "stats" has no field "people"`},
		{"sum of text", r("layer: stats, aggregate: {op: sum, field: population}", "layer: lights, aggregate: {op: sum, field: status}").Replace(perCapita), `field "status" of layer "lights" is string, not numeric`},
		{"avg of time", r("layer: stats, aggregate: {op: sum, field: population}", "layer: lights, aggregate: {op: avg, field: installed}").Replace(perCapita), "is time, not numeric"},
		{"higher out of order", r("{green: 25, yellow: 20}", "{green: 20, yellow: 25}").Replace(lightsPerKm), "thresholds out of order: higher is better"},
		{"equal thresholds", r("{green: 25, yellow: 20}", "{green: 20, yellow: 20}").Replace(lightsPerKm), "out of order"},
		{"lower out of order", r("{green: 2, yellow: 5}", "{green: 5, yellow: 2}").Replace(temporaryShare), "thresholds out of order: lower is better"},
		{"bad direction", r("direction: higher", "direction: up").Replace(lightsPerKm), `direction "up"`},
		{"no direction", r("direction: higher", "").Replace(lightsPerKm), "direction"},
		{"target not green", r("target: 1.5", "target: 3").Replace(temporaryShare), "target 3 is not green"},
		{"negative scale", r("scale: 1000", "scale: -1").Replace(lightsPerKm), "scale -1"},
		{"min_denominator without denominator", r("scale: 10000", "scale: 10000\n    min_denominator: 5").Replace(r("denominator: {layer: stats, aggregate: {op: sum, field: population}}", "").Replace(perCapita)), "min_denominator without a denominator"},
		{"bad access", r("direction: lower", "direction: lower\n    access: secret").Replace(temporaryShare), `access: unknown class "secret"`},
		{"public without suppression", r("direction: lower", "direction: lower\n    access: public").Replace(temporaryShare), "more open than the restricted data"},
		{"duplicate", lightsPerKm + lightsPerKm, "declared twice"},
		{"filter with odd keys", r("filter: {field: highway, op: in, value: [primary, residential]}", "filter: {? [a]: b}").Replace(lightsPerKm), "filter"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseIndicators(t, tt.yaml)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want mention of %q", err, tt.want)
			}
		})
	}
	ok := r("direction: lower", "direction: lower\n    access: public\n    min_denominator: 10").Replace(temporaryShare)
	if _, err := parseIndicators(t, ok); err != nil {
		t.Errorf("public with small-count suppression: %v", err)
	}
}

func TestIndicatorColour(t *testing.T) {
	higher := &Indicator{Direction: Higher, Thresholds: Thresholds{Green: 25, Yellow: 20}}
	lower := &Indicator{Direction: Lower, Thresholds: Thresholds{Green: 2, Yellow: 5}}
	tests := []struct {
		ind  *Indicator
		v    float64
		want string
	}{
		{higher, 30, Green},
		{higher, 25, Green}, // thresholds are inclusive
		{higher, 24.999, Yellow},
		{higher, 20, Yellow},
		{higher, 19.9, Red},
		{higher, 0, Red},
		{higher, -5, Red},
		{higher, math.Inf(1), Green},
		{higher, math.NaN(), ""},
		{lower, 0, Green},
		{lower, 2, Green},
		{lower, 2.01, Yellow},
		{lower, 5, Yellow},
		{lower, 5.01, Red},
		{lower, 100, Red},
		{lower, math.Inf(-1), Green},
		{lower, math.NaN(), ""},
	}
	for _, tt := range tests {
		if got := tt.ind.Colour(tt.v); got != tt.want {
			t.Errorf("%s %v: Colour(%v) = %q, want %q", tt.ind.Direction, tt.ind.Thresholds, tt.v, got, tt.want)
		}
	}
}

func TestIndicatorValue(t *testing.T) {
	ratio := &Indicator{Scale: 1000, MinDenominator: 500, Denominator: &Term{}}
	plain := &Indicator{Scale: 2}
	tests := []struct {
		ind      *Indicator
		num, den float64
		want     float64
		ok       bool
	}{
		{ratio, 30, 1000, 30, true},
		{ratio, 0, 1000, 0, true},
		{ratio, 3, 499, 0, false}, // below min_denominator
		{ratio, 3, 0, 0, false},
		{ratio, 3, math.NaN(), 0, false},
		{ratio, math.NaN(), 1000, 0, false},
		{plain, 7, 0, 14, true}, // no denominator: den ignored
	}
	for _, tt := range tests {
		got, ok := tt.ind.Value(tt.num, tt.den)
		if ok != tt.ok || got != tt.want {
			t.Errorf("Value(%v, %v) = %v, %v; want %v, %v", tt.num, tt.den, got, ok, tt.want, tt.ok)
		}
	}
}

func TestMergeIndicators(t *testing.T) {
	base, err := parseIndicators(t, lightsPerKm, temporaryShare)
	if err != nil {
		t.Fatal(err)
	}
	// A replacement indicator with the same id wins; defaults are derived
	// again for the merged layers.
	over, err := parseIndicators(t, strings.Replace(lightsPerKm, "{green: 25, yellow: 20}", "{green: 30, yellow: 20}", 1))
	if err != nil {
		t.Fatal(err)
	}
	m, err := base.Merge(over)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Indicators()) != 2 {
		t.Fatalf("%d indicators after merge, want 2", len(m.Indicators()))
	}
	if l, _ := m.Indicator("lights_per_km"); l.Target != 30 {
		t.Errorf("merged target %v, want the replacement's green threshold 30", l.Target)
	}
	if l, _ := base.Indicator("lights_per_km"); l.Target != 25 {
		t.Errorf("merge changed the source catalog: target %v", l.Target)
	}
	// Making the lights layer internal makes the derived access internal.
	closed, err := Parse([]byte(strings.Replace(indLayers, "kind: infrastructure, geometry: Point, access: public", "kind: infrastructure, geometry: Point, access: internal", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if m, err = base.Merge(closed); err != nil {
		t.Fatal(err)
	}
	if l, _ := m.Indicator("lights_per_km"); l.Access != Internal {
		t.Errorf("access after the lights layer became internal: %s", l.Access)
	}
	// A replacement layer that drops a field an indicator reads is refused.
	dropped, err := Parse([]byte(strings.Replace(indLayers, "fields: [{name: highway, type: string}]", "fields: []", 1)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := base.Merge(dropped); err == nil || !strings.Contains(err.Error(), `indicator "lights_per_km": denominator: filter: layer "roads" has no field "highway"`) {
		t.Errorf("merge over a layer without the field: %v", err)
	}
}

func FuzzIndicators(f *testing.F) {
	f.Add([]byte(lightsPerKm))
	f.Add([]byte(temporaryShare))
	f.Add([]byte(perCapita))
	f.Fuzz(func(t *testing.T, b []byte) {
		cat, err := Parse([]byte(indLayers + "indicators:\n" + string(b)))
		if err != nil {
			return
		}
		for _, ind := range cat.Indicators() {
			g, y := ind.Thresholds.Green, ind.Thresholds.Yellow
			if ind.Colour(ind.Target) != Green || ind.Colour(g) != Green || ind.Colour(y) != Yellow || !(ind.Scale > 0) || !ind.Access.valid() {
				t.Fatalf("accepted an inconsistent indicator %+v", ind)
			}
			for _, term := range []*Term{&ind.Numerator, ind.Denominator} {
				if term != nil && len(term.Filter) > 0 && !json.Valid(term.Filter) {
					t.Fatalf("filter is not JSON: %s", term.Filter)
				}
			}
		}
	})
}
