package ingest

import (
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestOverpassProblems(t *testing.T) {
	const nodes = `{"type":"node","id":1,"lat":10,"lon":106},{"type":"node","id":2,"lat":10,"lon":106.1},
{"type":"node","id":3,"lat":10.1,"lon":106.1},{"type":"node","id":4,"lat":10.1,"lon":106},
{"type":"node","id":5,"lat":10.02,"lon":106.02},{"type":"node","id":6,"lat":10.02,"lon":106.05},{"type":"node","id":7,"lat":10.05,"lon":106.05}`
	doc := func(els ...string) string {
		return `{"version":0.6,"elements":[` + nodes + "," + strings.Join(els, ",") + `]}`
	}
	tests := []struct {
		name, layer, in string
		rules           []string
		check           func(t *testing.T, fs []*featureView, rep *Report)
	}{
		{name: "closed building way", layer: "buildings",
			in: doc(`{"type":"way","id":10,"nodes":[1,2,3,4,1],"tags":{"building":"yes","building:levels":"3","height":"12 m"}}`),
			check: func(t *testing.T, fs []*featureView, rep *Report) {
				wantID(t, fs, "102")
				wantProp(t, fs, 2, int64(3))
				wantProp(t, fs, 3, 12.0)
			}},
		{name: "unparseable tag dropped", layer: "buildings",
			in: doc(`{"type":"way","id":10,"nodes":[1,2,3,4,1],"tags":{"building":"yes","building:levels":"3;4"}}`),
			check: func(t *testing.T, fs []*featureView, rep *Report) {
				wantProp(t, fs, 2, nil)
				if len(rep.Dropped) != 1 || rep.Dropped[0].Rule != RuleUnparsedTag || rep.Dropped[0].ID != "102" {
					t.Errorf("dropped %+v", rep.Dropped)
				}
			}},
		{name: "open building way", layer: "buildings",
			in:    doc(`{"type":"way","id":10,"nodes":[1,2,3,4],"tags":{"building":"yes"}}`),
			rules: []string{RuleRingClosed}},
		{name: "missing node", layer: "buildings",
			in:    doc(`{"type":"way","id":10,"nodes":[1,2,3,99,1],"tags":{"building":"yes"}}`),
			rules: []string{RuleMissingNode}},
		{name: "out geom way", layer: "buildings",
			in:    `{"elements":[{"type":"way","id":10,"geometry":[{"lat":10,"lon":106},{"lat":10,"lon":106.1},{"lat":10.1,"lon":106.1},{"lat":10,"lon":106}],"tags":{"building":"yes"}}]}`,
			check: func(t *testing.T, fs []*featureView, rep *Report) { wantID(t, fs, "102") }},
		{name: "out center way", layer: "buildings",
			in:    `{"elements":[{"type":"way","id":10,"center":{"lat":10,"lon":106},"tags":{"building":"yes"}}]}`,
			rules: []string{RuleMissingNode}},
		{name: "multipolygon with hole", layer: "buildings",
			in: doc(`{"type":"way","id":10,"nodes":[1,2,3]},{"type":"way","id":11,"nodes":[3,4,1]},{"type":"way","id":12,"nodes":[5,6,7,5]}`,
				`{"type":"relation","id":20,"members":[{"type":"way","ref":10,"role":"outer"},{"type":"way","ref":12,"role":"outer"},{"type":"way","ref":11,"role":""}],"tags":{"type":"multipolygon","building":"yes"}}`),
			check: func(t *testing.T, fs []*featureView, rep *Report) {
				wantID(t, fs, "203")
				if p, ok := fs[0].Geom.(orb.Polygon); !ok || len(p) != 2 {
					t.Errorf("want a polygon with a hole (nesting beats the wrong role), got %v", fs[0].Geom)
				}
			}},
		{name: "multipolygon open ring", layer: "buildings",
			in: doc(`{"type":"way","id":10,"nodes":[1,2,3]},{"type":"way","id":11,"nodes":[3,4]}`,
				`{"type":"relation","id":20,"members":[{"type":"way","ref":10,"role":"outer"},{"type":"way","ref":11,"role":"outer"}],"tags":{"type":"multipolygon","building":"yes"}}`),
			rules: []string{RuleRingClosed}},
		{name: "missing member", layer: "buildings",
			in:    doc(`{"type":"relation","id":20,"members":[{"type":"way","ref":77,"role":"outer"}],"tags":{"type":"multipolygon","building":"yes"}}`),
			rules: []string{RuleMissingMemb}},
		{name: "route relation skipped", layer: "assets",
			in: doc(`{"type":"relation","id":20,"members":[],"tags":{"type":"route","name":"x"}}`),
			check: func(t *testing.T, fs []*featureView, rep *Report) {
				if rep.Skipped["relation-type"] != 1 {
					t.Errorf("skipped %v", rep.Skipped)
				}
			}},
		{name: "node in point layer", layer: "pois",
			in: `{"elements":[{"type":"node","id":1,"lat":10,"lon":106,"tags":{"name":"Chợ","amenity":"marketplace"}}]}`,
			check: func(t *testing.T, fs []*featureView, rep *Report) {
				wantID(t, fs, "11")
				wantProp(t, fs, 1, "marketplace")
			}},
		{name: "road lanes and oneway", layer: "roads",
			in: doc(`{"type":"way","id":10,"nodes":[1,2,3],"tags":{"highway":"primary","lanes":"4","oneway":"yes","maxspeed":"50 mph"}}`),
			check: func(t *testing.T, fs []*featureView, rep *Report) {
				wantProp(t, fs, 2, int64(4))
				wantProp(t, fs, 3, true)
				wantProp(t, fs, 4, nil)
				if len(rep.Dropped) != 1 {
					t.Errorf("dropped %+v", rep.Dropped)
				}
			}},
		{name: "incomplete response", layer: "roads", in: `{"remark":"runtime error: Query timed out","elements":[]}`, rules: []string{RuleOverpass}},
		{name: "not json", layer: "roads", in: `{"elements":[`, rules: []string{RuleJSON}},
		{name: "wrong shape", layer: "roads", in: `{"elements":{}}`, rules: []string{RuleOverpass}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := layer(t, tt.layer)
			fs, rep, err := Prepare(l, Overpass, strings.NewReader(tt.in), Options{})
			if got := rules(err); !slices.Equal(got, tt.rules) {
				t.Fatalf("problems %q, want %q (err: %v)", got, tt.rules, err)
			}
			checkAccepted(t, l, fs)
			if tt.check != nil {
				tt.check(t, fs, rep)
			}
		})
	}
}

// TestOverpassSniffed: an Overpass file named .json and passed as GeoJSON
// is recognised.
func TestOverpassSniffed(t *testing.T) {
	l := layer(t, "buildings")
	fs, rep, err := Prepare(l, GeoJSON, strings.NewReader(string(readTestdata(t, "hcmc_sample.overpass.json"))), Options{})
	if err != nil || len(fs) != 13 || rep.Format != "overpass" {
		t.Fatalf("got %d features, err %v", len(fs), err)
	}
}
