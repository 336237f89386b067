package query

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

const testCatalog = `layers:
  - id: units
    title: {vi: Xã, en: Units}
    kind: admin
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 16}
    attribution: test
    fields:
      - {name: code, type: string}
      - {name: name, type: string}
  - id: secret_units
    title: {vi: Mật, en: Secret}
    kind: admin
    geometry: Polygon
    access: restricted
    zoom: {min: 0, max: 16}
    attribution: test
    fields:
      - {name: code, type: string}
  - id: houses
    title: {vi: Nhà, en: Houses}
    kind: building
    geometry: Point
    access: public
    zoom: {min: 0, max: 16}
    attribution: test
    fields:
      - {name: floors, type: int}
      - {name: status, type: string}
      - {name: power_w, type: float}
      - {name: poor, type: bool, sensitivity: restricted}
`

// testEngine: three unit squares side by side along the equator-ish
// (units 1, 2, 3 over x in [0,1], [1,2], [2,3]) and one house per 0.1°
// grid point, with fields derived from the position.
func testEngine(t testing.TB) *Engine {
	cat, err := layers.Parse([]byte(testCatalog))
	if err != nil {
		t.Fatal(err)
	}
	ix := spatial.NewIndex()
	names := []string{"Xã Phú Hòa Đông", "Phường Phú Hoà Đông", "Phường Bến Thành"}
	var units []*spatial.Feature
	for i := range 3 {
		x := float64(i)
		g := orb.Polygon{{{x, 0}, {x + 1, 0}, {x + 1, 1}, {x, 1}, {x, 0}}}
		units = append(units, &spatial.Feature{ID: fmt.Sprint(i + 1), Geom: g, Bound: g.Bound(),
			Props: []any{fmt.Sprint(100 + i), names[i]}})
	}
	ix.Put("units", 1, units)
	var hs []*spatial.Feature
	n := 0
	for i := range 31 {
		for j := range 11 {
			p := orb.Point{float64(i) / 10, float64(j) / 10}
			var status any = []string{"on", "off", "fault"}[n%3]
			if n%7 == 0 {
				status = nil
			}
			hs = append(hs, &spatial.Feature{ID: fmt.Sprint(n), Geom: p, Bound: p.Bound(),
				Props: []any{int64(n % 5), status, float64(n%4) * 1.5, n%2 == 0}})
			n++
		}
	}
	ix.Put("houses", 1, hs)
	return New(ix, cat, Limits{})
}

var staff = layers.Principal{Name: "ops", Clearance: layers.Restricted}

func run(t *testing.T, e *Engine, p layers.Principal, body string) (*Result, error) {
	t.Helper()
	q, err := Parse([]byte(body))
	if err != nil {
		t.Fatalf("parse %s: %v", body, err)
	}
	return e.Run(context.Background(), p, q)
}

func TestAdminByName(t *testing.T) {
	e := testEngine(t)
	tests := []struct {
		name, code string
		err        string
	}{
		{"ben thanh", "102", ""},
		{"PHƯỜNG BẾN THÀNH", "102", ""},
		{"xa phu hoa dong", "100", ""},
		{"phu hoa dong", "", "names 2 units"},
		{"nowhere", "", "no unit named"},
	}
	for _, tt := range tests {
		res, err := run(t, e, layers.Anonymous, `{"layer":"houses","where":[{"admin":{"layer":"units","name":"`+tt.name+`"}}],"aggregate":[{"op":"count"}]}`)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("%q: err %v, want %q", tt.name, err, tt.err)
			}
			if qe, _ := AsError(err); tt.err == "names 2 units" && (qe == nil || len(qe.Candidates) != 2 || qe.Code != CodeAmbiguous) {
				t.Errorf("%q: candidates %+v", tt.name, qe)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%q: %v", tt.name, err)
		}
		// A unit square holds 11×11 houses (boundaries included).
		if res.Total.Figures[0] != int64(121) {
			t.Errorf("%q: count %v", tt.name, res.Total.Figures[0])
		}
	}
	_, err := run(t, e, layers.Anonymous, `{"layer":"houses","where":[{"admin":{"layer":"units","code":"999"}}]}`)
	if qe, ok := AsError(err); !ok || qe.Code != CodeUnknown || qe.Path != "where[0].admin.code" {
		t.Errorf("unknown code: %v", err)
	}
}

// TestHiddenIsUnknown: what a principal may not see is refused with the
// very error an absent layer or field gets.
func TestHiddenIsUnknown(t *testing.T) {
	e := testEngine(t)
	pairs := [][2]string{
		{`{"layer":"houses","filter":{"field":"poor","op":"=","value":true}}`, `{"layer":"houses","filter":{"field":"rich","op":"=","value":true}}`},
		{`{"layer":"houses","group_by":["field:poor"]}`, `{"layer":"houses","group_by":["field:rich"]}`},
		{`{"layer":"houses","aggregate":[{"op":"sum","field":"poor"}]}`, `{"layer":"houses","aggregate":[{"op":"sum","field":"rich"}]}`},
		{`{"layer":"houses","properties":["poor"]}`, `{"layer":"houses","properties":["rich"]}`},
		{`{"layer":"houses","group_by":["admin:secret_units"]}`, `{"layer":"houses","group_by":["admin:nonesuch"]}`},
		{`{"layer":"secret_units"}`, `{"layer":"nonesuch"}`},
	}
	for _, p := range pairs {
		_, hidden := run(t, e, layers.Anonymous, p[0])
		_, absent := run(t, e, layers.Anonymous, p[1])
		if hidden == nil || absent == nil {
			t.Fatalf("%s: %v / %v", p[0], hidden, absent)
		}
		h := strings.ReplaceAll(strings.ReplaceAll(hidden.Error(), "poor", "X"), "secret_units", "X")
		a := strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(absent.Error(), "rich", "X"), "nonesuch", "X"), "nonesuch", "X")
		if h != a {
			t.Errorf("hidden %q vs absent %q", hidden, absent)
		}
		if _, err := run(t, e, staff, p[0]); err != nil && !strings.Contains(p[0], "sum") {
			t.Errorf("staff: %s: %v", p[0], err)
		}
	}
}

func TestFilterTypes(t *testing.T) {
	e := testEngine(t)
	bad := []struct{ filter, msg string }{
		{`{"field":"floors","op":"=","value":"3"}`, `field "floors" is int: want an integer, got a string`},
		{`{"field":"floors","op":">","value":2.5}`, `want an integer, got 2.5`},
		{`{"field":"status","op":"=","value":3}`, `want a string, got a number`},
		{`{"field":"power_w","op":"prefix","value":"1"}`, `prefix needs a text field`},
		{`{"field":"floors","op":"in","value":[1,"x"]}`, `filter.value[1]`},
	}
	for _, b := range bad {
		_, err := run(t, e, layers.Anonymous, `{"layer":"houses","filter":`+b.filter+`}`)
		if err == nil || !strings.Contains(err.Error(), b.msg) {
			t.Errorf("%s: %v, want %q", b.filter, err, b.msg)
		}
	}
	// SQL semantics for absent values: not(status = 'on') leaves out the
	// houses without a status, as WHERE NOT (status = 'on') does.
	count := func(filter string) int64 {
		res, err := run(t, e, layers.Anonymous, `{"layer":"houses","filter":`+filter+`,"aggregate":[{"op":"count"}]}`)
		if err != nil {
			t.Fatal(err)
		}
		return res.Total.Figures[0].(int64)
	}
	all, null := count(`{"field":"floors","op":">=","value":0}`), count(`{"field":"status","op":"is_null"}`)
	on, noton := count(`{"field":"status","op":"=","value":"on"}`), count(`{"not":{"field":"status","op":"=","value":"on"}}`)
	if all != 341 || null == 0 || on+noton+null != all {
		t.Errorf("all %d, null %d, on %d, not on %d", all, null, on, noton)
	}
	if got := count(`{"or":[{"field":"status","op":"prefix","value":"FÂ"},{"field":"floors","op":"between","value":[4,4]}]}`); got == 0 || got >= all {
		t.Errorf("or/prefix/between: %d", got)
	}
}

func TestGroupedAnswer(t *testing.T) {
	e := testEngine(t)
	res, err := run(t, e, layers.Anonymous, `{"layer":"houses","group_by":["admin:units","field:status"],
		"aggregate":[{"op":"count"},{"op":"sum","field":"floors"},{"op":"max","field":"power_w"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	var sum int64
	units := map[any]int64{}
	for _, g := range res.Groups {
		sum += g.Figures[0].(int64)
		units[g.Key[0]] += g.Figures[0].(int64)
	}
	// Houses on the shared edges x=1 and x=2 go to the first unit in id
	// order: 121 + 110 + 110.
	if sum != 341 || units["100"] != 121 || units["101"] != 110 || units["102"] != 110 {
		t.Errorf("per unit %v, sum %d", units, sum)
	}
	b, err := json.Marshal(res)
	if err != nil || !json.Valid(b) || !strings.Contains(string(b), `"key":{"units":"100","status":"fault"}`) {
		t.Errorf("json %s %v", b, err)
	}
}

func TestFeaturesPaging(t *testing.T) {
	e := testEngine(t)
	res, err := run(t, e, layers.Anonymous, `{"layer":"houses","where":[{"radius":{"lon":1.5,"lat":0.5,"m":20000}}],"limit":5,"offset":2,"properties":["floors"]}`)
	if err != nil {
		t.Fatal(err)
	}
	if res.Matched != 9 || len(res.Features) != 5 {
		t.Fatalf("matched %d, returned %d", res.Matched, len(res.Features))
	}
	for i := 1; i < len(res.Features); i++ {
		if res.Features[i].DistanceM < res.Features[i-1].DistanceM {
			t.Fatal("not in distance order")
		}
	}
	b, _ := json.Marshal(res)
	if !json.Valid(b) || !strings.Contains(string(b), `"numberMatched":`) || strings.Contains(string(b), "status") {
		t.Errorf("json %s", b)
	}
	for _, tt := range []struct{ body, code string }{
		{`{"layer":"houses","where":[{"radius":{"lon":1,"lat":0,"m":1e9}}]}`, "invalid"},
		{`{"layer":"houses","where":[{"nearest":{"lon":1,"lat":0,"k":100000}}]}`, "invalid"},
		{`{"layer":"houses","limit":1000000}`, "limit"},
		{`{"layer":"houses","where":[{"zone":{"type":"Polygon","coordinates":[[[0,0],[3,0],[3,1],[1,1],[1,-1],[2,-1],[2,2],[0,2],[0,0]]]}}]}`, "invalid"},
	} {
		_, err := run(t, e, layers.Anonymous, tt.body)
		if qe, ok := AsError(err); !ok || string(qe.Code) != tt.code {
			t.Errorf("%s: %v, want %s", tt.body, err, tt.code)
		}
	}
	// A bow tie is repaired as ingest repairs it (split at the crossing),
	// and the answer says so.
	res, err = run(t, e, layers.Anonymous, `{"layer":"houses","where":[{"zone":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}}]}`)
	if err != nil || len(res.Repairs) != 1 || res.Matched == 0 {
		t.Fatalf("bow tie: %v %+v", err, res)
	}
	b, _ = json.Marshal(res)
	if !strings.Contains(string(b), `"repairs":["where[0].zone: `) {
		t.Errorf("repairs not in %s", b[len(b)-200:])
	}
}

func TestCmpIDIsLess(t *testing.T) {
	ids := []string{"0", "1", "2", "10", "07", "+7", "a", "B", "", "18446744073709551615", "18446744073709551616", "x/y"}
	for _, a := range ids {
		for _, b := range ids {
			ha, hb := hitFor(0, a), hitFor(0, b)
			if got, want := cmpID(ha, hb) < 0, spatial.Less(a, b); got != want {
				t.Errorf("cmpID(%q, %q) < 0 = %v, Less %v", a, b, got, want)
			}
		}
	}
}
