package query

import (
	"context"
	"slices"
	"testing"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// TestFeatureWithoutGeometry: a feature without geometry whose box is a
// point (what a writer may hand in) is no point: no where clause selects
// it, before or after it is added, though a question with none counts it.
func TestFeatureWithoutGeometry(t *testing.T) {
	e := testEngine(t)
	questions := []string{
		`{"layer":"houses","where":[{"bbox":[0.5,0.5,0.6,0.6]}]}`,
		`{"layer":"houses","where":[{"radius":{"lon":0.55,"lat":0.55,"m":10000}}]}`,
		`{"layer":"houses","where":[{"point":{"lon":0.55,"lat":0.55,"tolerance_m":8000}}]}`,
		`{"layer":"houses","where":[{"admin":{"layer":"units","code":"100"}}]}`,
		`{"layer":"houses","where":[{"zone":{"type":"Polygon","coordinates":[[[0.5,0.5],[0.6,0.5],[0.6,0.6],[0.5,0.6],[0.5,0.5]]]}}]}`,
		`{"layer":"houses","where":[{"nearest":{"lon":0.55,"lat":0.55,"k":3}}]}`,
	}
	before := make([]int, len(questions))
	for i, body := range questions {
		res, err := run(t, e, layers.Anonymous, body)
		if err != nil {
			t.Fatal(err)
		}
		before[i] = res.Matched
	}
	all, _ := run(t, e, layers.Anonymous, `{"layer":"houses"}`)
	ix := e.src.(indexSource).ix
	ix.Put("houses", 2, []*spatial.Feature{{ID: "empty", Bound: orb.Bound{Min: orb.Point{0.55, 0.55}, Max: orb.Point{0.55, 0.55}}}})
	for i, body := range questions {
		res, err := run(t, e, layers.Anonymous, body)
		if err != nil {
			t.Fatal(err)
		}
		if res.Matched != before[i] || before[i] == 0 {
			t.Errorf("%s: %d matched, %d without the empty feature", body, res.Matched, before[i])
		}
		for _, h := range res.Features {
			if h.Feature.ID == "empty" {
				t.Errorf("%s: the empty feature is returned", body)
			}
		}
	}
	if res, _ := run(t, e, layers.Anonymous, `{"layer":"houses"}`); res.Matched != all.Matched+1 {
		t.Errorf("all: %d, want %d", res.Matched, all.Matched+1)
	}
}

// TestSelectViewsEqualsSelect: SelectViews hands out the features Select
// materialises, for a scan and for nearest.
func TestSelectViewsEqualsSelect(t *testing.T) {
	e := testEngine(t)
	for _, body := range []string{
		`{"layer":"houses","where":[{"radius":{"lon":1.5,"lat":0.5,"m":30000}}],"filter":{"field":"floors","op":">=","value":2}}`,
		`{"layer":"houses","where":[{"nearest":{"lon":1.5,"lat":0.5,"k":7}}]}`,
		`{"layer":"houses","filter":{"field":"status","op":"in","value":["on","fault"]}}`,
	} {
		q, err := Parse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		var a, b []string
		if _, err := e.Select(context.Background(), staff, q, func(f *spatial.Feature) { a = append(a, f.ID) }); err != nil {
			t.Fatal(err)
		}
		if _, err := e.SelectViews(context.Background(), staff, q, func(v spatial.FeatureView) { b = append(b, v.Feature().ID) }); err != nil {
			t.Fatal(err)
		}
		res, err := e.Run(context.Background(), staff, q)
		if err != nil {
			t.Fatal(err)
		}
		slices.Sort(a)
		slices.Sort(b)
		if len(a) == 0 || !slices.Equal(a, b) || len(a) != res.Matched {
			t.Errorf("%s: Select %d, SelectViews %d, Run matched %d", body, len(a), len(b), res.Matched)
		}
	}
}
