package ingest

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

const square = `{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.71],[106.7,10.7]]]}`

// feat makes one NDJSON line; parts are raw JSON members.
func feat(id, geom, props string) string {
	var m []string
	m = append(m, `"type":"Feature"`)
	if id != "" {
		m = append(m, `"id":`+id)
	}
	m = append(m, `"geometry":`+geom, `"properties":`+props)
	return "{" + strings.Join(m, ",") + "}"
}

func poly(rings ...string) string {
	return `{"type":"Polygon","coordinates":[` + strings.Join(rings, ",") + `]}`
}

func rules(err error) []string {
	var e *Error
	if !errors.As(err, &e) {
		return nil
	}
	var out []string
	for _, p := range e.Problems {
		out = append(out, p.Rule)
	}
	return out
}

func repairRules(rep *Report) []string {
	var out []string
	for _, r := range rep.Repaired {
		out = append(out, r.Rule)
	}
	return out
}

func TestRules(t *testing.T) {
	ok := `{"parcel_no":"A1"}`
	tests := []struct {
		name    string
		layer   string
		lines   []string
		opt     Options
		rules   []string // problems, in order
		repairs []string
		check   func(t *testing.T, fs []*featureView)
	}{
		{name: "valid", lines: []string{feat(`"a"`, square, ok)}},
		{name: "json syntax", lines: []string{`{"type":"Feature",`}, rules: []string{RuleJSON}},
		{name: "trailing data", lines: []string{feat(`"a"`, square, ok) + ` x`}, rules: []string{RuleJSON}},
		{name: "not a feature", lines: []string{square}, rules: []string{RuleJSON, RuleMissingID, RuleEmpty, RuleRequired}},
		{name: "missing id", lines: []string{feat("", square, ok)}, rules: []string{RuleMissingID}},
		{name: "id from property", lines: []string{feat("", square, `{"parcel_no":"A1","id":"p-1"}`)},
			check: func(t *testing.T, fs []*featureView) { wantID(t, fs, "p-1") }},
		{name: "id field option", opt: Options{IDField: "parcel_no"}, lines: []string{feat("", square, ok)},
			check: func(t *testing.T, fs []*featureView) { wantID(t, fs, "A1") }},
		{name: "id integral float", lines: []string{feat(`1.0`, square, ok)},
			check: func(t *testing.T, fs []*featureView) { wantID(t, fs, "1") }},
		{name: "id exponent", lines: []string{feat(`2e3`, square, ok)},
			check: func(t *testing.T, fs []*featureView) { wantID(t, fs, "2000") }},
		{name: "id fraction", lines: []string{feat(`1.5`, square, ok)}, rules: []string{RuleBadID, RuleMissingID}},
		{name: "id bool", lines: []string{feat(`true`, square, ok)}, rules: []string{RuleBadID, RuleMissingID}},
		{name: "id empty string", lines: []string{feat(`""`, square, ok)}, rules: []string{RuleMissingID}},
		{name: "duplicate id", lines: []string{feat(`"a"`, square, ok), feat(`"b"`, square, ok), feat(`"a"`, square, ok)},
			rules: []string{RuleDuplicateID, RuleDuplicateID}},
		{name: "string in int", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","floors":"ba"}`)}, rules: []string{RuleType}},
		{name: "numeric string in int", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","floors":"12"}`)}, rules: []string{RuleType}},
		{name: "fraction in int", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","floors":12.5}`)}, rules: []string{RuleType}},
		{name: "integral float in int", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","floors":12.0}`)},
			check: func(t *testing.T, fs []*featureView) { wantProp(t, fs, 2, int64(12)) }},
		{name: "int in float", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","area":12}`)},
			check: func(t *testing.T, fs []*featureView) { wantProp(t, fs, 1, float64(12)) }},
		{name: "overflowing float", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","area":1e999}`)}, rules: []string{RuleNaN}},
		{name: "bool in string", lines: []string{feat(`"a"`, square, `{"parcel_no":true}`)}, rules: []string{RuleType, RuleRequired}},
		{name: "object in string", lines: []string{feat(`"a"`, square, `{"parcel_no":{"x":1}}`)}, rules: []string{RuleType, RuleRequired}},
		{name: "bool ok", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","public":false}`)},
			check: func(t *testing.T, fs []*featureView) { wantProp(t, fs, 5, false) }},
		{name: "bool as string", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","public":"yes"}`)}, rules: []string{RuleType}},
		{name: "time", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","surveyed":"2024-05-17T08:00:00+07:00"}`),
			feat(`"b"`, square, `{"parcel_no":"A1","surveyed":"2024-05-17"}`)}},
		{name: "bad time", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","surveyed":"17/05/2024"}`)}, rules: []string{RuleType}},
		{name: "required missing", lines: []string{feat(`"a"`, square, `{}`)}, rules: []string{RuleRequired}},
		{name: "required null", lines: []string{feat(`"a"`, square, `{"parcel_no":null}`)}, rules: []string{RuleRequired}},
		{name: "properties null", lines: []string{feat(`"a"`, square, `null`)}, rules: []string{RuleRequired}},
		{name: "alias", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","building:levels":3}`)},
			check: func(t *testing.T, fs []*featureView) { wantProp(t, fs, 2, int64(3)) }},
		{name: "name beats alias", lines: []string{feat(`"a"`, square, `{"parcel_no":"A1","floors":2,"building:levels":3}`),
			feat(`"b"`, square, `{"parcel_no":"A1","building:levels":3,"floors":2}`)},
			check: func(t *testing.T, fs []*featureView) { wantProp(t, fs, 2, int64(2)) }},
		{name: "nfc", lines: []string{feat(`"Nguye\u0302\u0303n"`, square, `{"parcel_no":"Nguye\u0302\u0303n"}`)},
			check: func(t *testing.T, fs []*featureView) {
				wantID(t, fs, "Nguyễn")
				wantProp(t, fs, 0, "Nguyễn")
			}},
		{name: "geometry type", lines: []string{feat(`"a"`, `{"type":"LineString","coordinates":[[1,1],[2,2]]}`, ok)}, rules: []string{RuleGeomType}},
		{name: "multipolygon ok", lines: []string{feat(`"a"`, `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,0]]],[[[5,5],[6,5],[6,6],[5,5]]]]}`, ok)}},
		{name: "geometry null", lines: []string{feat(`"a"`, `null`, ok)}, rules: []string{RuleEmpty}},
		{name: "geometry missing", lines: []string{`{"type":"Feature","id":"a","properties":{"parcel_no":"A1"}}`}, rules: []string{RuleEmpty}},
		{name: "unknown geometry type", lines: []string{feat(`"a"`, `{"type":"Polygonz","coordinates":[]}`, ok)}, rules: []string{RuleGeomType}},
		{name: "no rings", lines: []string{feat(`"a"`, `{"type":"Polygon","coordinates":[]}`, ok)}, rules: []string{RuleEmpty}},
		{name: "short position", lines: []string{feat(`"a"`, poly(`[[0,0],[1],[1,1],[0,0]]`), ok)}, rules: []string{RuleCoordinate}},
		{name: "string position", lines: []string{feat(`"a"`, poly(`[[0,0],["1",0],[1,1],[0,0]]`), ok)}, rules: []string{RuleCoordinate}},
		{name: "altitude dropped", lines: []string{feat(`"a"`, poly(`[[0,0,5],[1,0,5],[1,1,5],[0,0,5]]`), ok)}},
		{name: "infinite coordinate", lines: []string{feat(`"a"`, poly(`[[0,0],[1e999,0],[1,1],[0,0]]`), ok)}, rules: []string{RuleNaN}},
		{name: "longitude range", lines: []string{feat(`"a"`, poly(`[[0,0],[200,0],[1,1],[0,0]]`), ok)}, rules: []string{RuleRange}},
		{name: "latitude range", lines: []string{feat(`"a"`, poly(`[[0,0],[1,95],[1,1],[0,0]]`), ok)}, rules: []string{RuleRange}},
		{name: "ring not closed", lines: []string{feat(`"a"`, poly(`[[0,0],[1,0],[1,1],[0,1]]`), ok)}, rules: []string{RuleRingClosed}},
		{name: "ring of 3 positions", lines: []string{feat(`"a"`, poly(`[[0,0],[1,0],[0,0]]`), ok)}, rules: []string{RuleRingShort}},
		{name: "open ring of 3 positions", lines: []string{feat(`"a"`, poly(`[[0,0],[1,0],[1,1]]`), ok)}, rules: []string{RuleRingShort}},
		{name: "collinear ring", lines: []string{feat(`"a"`, poly(`[[0,0],[1,0],[2,0],[0,0]]`), ok)}, rules: []string{RuleDegenerate}},
		{name: "duplicate points repaired", lines: []string{feat(`"a"`, poly(`[[0,0],[1,0],[1,0],[1,1],[0,1],[0,1],[0,0]]`), ok)},
			repairs: []string{"duplicate-points"},
			check: func(t *testing.T, fs []*featureView) {
				wantGeom(t, fs, orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}})
			}},
		{name: "spike repaired", lines: []string{feat(`"a"`, poly(`[[0,0],[1,0],[1,1],[2,2],[1,1],[0,1],[0,0]]`), ok)},
			repairs: []string{"spike"},
			check: func(t *testing.T, fs []*featureView) {
				wantGeom(t, fs, orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}})
			}},
		{name: "collinear spike repaired", lines: []string{feat(`"a"`, poly(`[[0,0],[2,0],[3,0],[1,0],[1,1],[0,0]]`), ok)},
			repairs: []string{"spike"}},
		{name: "bow-tie split", lines: []string{feat(`"a"`, poly(`[[0,0],[2,2],[2,0],[0,2],[0,0]]`), ok)},
			repairs: []string{"self-intersection"},
			check: func(t *testing.T, fs []*featureView) {
				mp, isMP := fs[0].Geom.(orb.MultiPolygon)
				if !isMP || len(mp) != 2 {
					t.Fatalf("want 2 lobes, got %v", fs[0].Geom)
				}
			}},
		{name: "pinched ring becomes hole", lines: []string{feat(`"a"`, poly(`[[0,0],[2,0],[1,1],[2,2],[3,1],[2,0],[4,0],[4,4],[0,4],[0,0]]`), ok)},
			repairs: []string{"self-intersection"},
			check: func(t *testing.T, fs []*featureView) {
				p, isP := fs[0].Geom.(orb.Polygon)
				if !isP || len(p) != 2 {
					t.Fatalf("want a polygon with a hole, got %v", fs[0].Geom)
				}
			}},
		{name: "corner-touching squares split", lines: []string{feat(`"a"`, poly(`[[0,0],[1,0],[1,1],[2,1],[2,2],[1,2],[1,1],[0,1],[0,0]]`), ok)},
			repairs: []string{"self-intersection"},
			check: func(t *testing.T, fs []*featureView) {
				if mp, isMP := fs[0].Geom.(orb.MultiPolygon); !isMP || len(mp) != 2 {
					t.Fatalf("want 2 polygons, got %v", fs[0].Geom)
				}
			}},
		{name: "bow-tie with a hole in one lobe", lines: []string{feat(`"a"`, poly(`[[0,0],[4,4],[4,0],[0,4],[0,0]]`, `[[0.5,1.5],[1,1.5],[1,2.5],[0.5,1.5]]`), ok)},
			repairs: []string{"self-intersection"}},
		{name: "cut line refused", lines: []string{feat(`"a"`, poly(`[[0,0],[4,0],[4,4],[0,4],[0,0],[1,1],[1,2],[2,2],[2,1],[1,1],[0,0]]`), ok)}, rules: []string{RuleSelfCross}},
		{name: "two crossings refused", lines: []string{feat(`"a"`, poly(`[[0,0],[3,3],[3,0],[0,3],[0,4],[4,4],[4,1],[0,0]]`), ok)}, rules: []string{RuleSelfCross}},
		{name: "hole crossing shell", lines: []string{feat(`"a"`, poly(`[[0,0],[4,0],[4,4],[0,4],[0,0]]`, `[[1,1],[5,1],[5,2],[1,2],[1,1]]`), ok)}, rules: []string{RuleSelfCross}},
		{name: "self-crossing hole", lines: []string{feat(`"a"`, poly(`[[0,0],[4,0],[4,4],[0,4],[0,0]]`, `[[1,1],[3,3],[3,1],[1,3],[1,1]]`), ok)}, rules: []string{RuleSelfCross}},
		{name: "hole outside", lines: []string{feat(`"a"`, poly(`[[0,0],[4,0],[4,4],[0,4],[0,0]]`, `[[5,5],[6,5],[6,6],[5,5]]`), ok)}, rules: []string{RuleHoleOutside}},
		{name: "hole in hole", lines: []string{feat(`"a"`, poly(`[[0,0],[9,0],[9,9],[0,9],[0,0]]`, `[[1,1],[8,1],[8,8],[1,8],[1,1]]`, `[[2,2],[3,2],[3,3],[2,2]]`), ok)}, rules: []string{RuleHoleOutside}},
		{name: "hole touching shell once", lines: []string{feat(`"a"`, poly(`[[0,0],[4,0],[4,4],[0,4],[0,0]]`, `[[0,0],[1,2],[2,1],[0,0]]`), ok)}},
		{name: "hole touching shell twice", lines: []string{feat(`"a"`, poly(`[[0,0],[4,0],[4,4],[0,4],[0,0]]`, `[[0,0],[2,1],[4,0],[2,2],[0,0]]`), ok)}, rules: []string{RuleSelfCross}},
		{name: "clockwise shell accepted", lines: []string{feat(`"a"`, poly(`[[0,0],[0,1],[1,1],[1,0],[0,0]]`), ok)}},
		{name: "line too short", layer: "roads", lines: []string{feat(`"a"`, `{"type":"LineString","coordinates":[[0,0],[0,0]]}`, `{}`)}, rules: []string{RuleLineShort}},
		{name: "line of one position", layer: "roads", lines: []string{feat(`"a"`, `{"type":"LineString","coordinates":[[0,0]]}`, `{}`)}, rules: []string{RuleLineShort}},
		{name: "line duplicates repaired", layer: "roads", lines: []string{feat(`"a"`, `{"type":"LineString","coordinates":[[0,0],[0,0],[1,1]]}`, `{}`)}, repairs: []string{"duplicate-points"}},
		{name: "empty multipoint", layer: "pois", lines: []string{feat(`"a"`, `{"type":"MultiPoint","coordinates":[]}`, `{"name":"x"}`)}, rules: []string{RuleEmpty}},
		{name: "collection in any layer", layer: "assets", lines: []string{feat(`"a"`, `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},`+square+`]}`, `{}`)}},
		{name: "collection in polygon layer", lines: []string{feat(`"a"`, `{"type":"GeometryCollection","geometries":[]}`, ok)}, rules: []string{RuleGeomType}},
		{name: "coordinates before type", lines: []string{`{"properties":{"parcel_no":"A1"},"geometry":{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"type":"Polygon"},"id":"a","type":"Feature"}`}},
		{name: "too many", opt: Options{Limits: Limits{MaxFeatures: 1}}, lines: []string{feat(`"a"`, square, ok), feat(`"b"`, square, ok)}, rules: []string{RuleTooMany}},
		{name: "partial keeps the valid", opt: Options{Partial: true}, lines: []string{feat(`"a"`, square, ok), `{bad`, feat(`"c"`, square, `{}`)},
			check: func(t *testing.T, fs []*featureView) { wantID(t, fs, "a") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lid := tt.layer
			if lid == "" {
				lid = "parcels"
			}
			in := strings.Join(tt.lines, "\n") + "\n"
			fs, rep, err := Prepare(layer(t, lid), NDJSON, strings.NewReader(in), tt.opt)
			if got := rules(err); !slices.Equal(got, tt.rules) {
				t.Fatalf("problems %q, want %q (err: %v)", got, tt.rules, err)
			}
			if err != nil && !errors.As(err, new(*Error)) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			if rep == nil {
				t.Fatal("no report")
			}
			if err == nil {
				if got := repairRules(rep); !slices.Equal(got, tt.repairs) {
					t.Errorf("repairs %q, want %q (%+v)", got, tt.repairs, rep.Repaired)
				}
				checkAccepted(t, layer(t, lid), fs)
			}
			if tt.check != nil {
				var views []*featureView
				for _, f := range fs {
					views = append(views, (*featureView)(f))
				}
				if len(views) == 0 {
					t.Fatal("no features")
				}
				tt.check(t, views)
			}
		})
	}
}

func wantID(t *testing.T, fs []*featureView, id string) {
	t.Helper()
	if len(fs) != 1 || fs[0].ID != id {
		t.Fatalf("want one feature with id %q, got %d (first %q)", id, len(fs), fs[0].ID)
	}
}

func wantProp(t *testing.T, fs []*featureView, i int, v any) {
	t.Helper()
	for _, f := range fs {
		if f.Props[i] != v {
			t.Fatalf("feature %q: prop %d = %#v, want %#v", f.ID, i, f.Props[i], v)
		}
	}
}

func wantGeom(t *testing.T, fs []*featureView, g orb.Geometry) {
	t.Helper()
	if !orb.Equal(fs[0].Geom, g) {
		t.Fatalf("geometry %v, want %v", fs[0].Geom, g)
	}
}

func TestProblemMessage(t *testing.T) {
	in := feat(`"abc"`, square, `{"parcel_no":"A1","floors":"ba"}`)
	_, _, err := Prepare(layer(t, "parcels"), GeoJSON, strings.NewReader(in), Options{})
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("want *Error, got %v", err)
	}
	p := e.Problems[0]
	p.Line = 0
	if got, want := p.Error(), `feature 0 (id "abc"): field "floors": type: want int, got string "ba"`; got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	if !errors.Is(err, ErrInvalid) || e.Malformed() {
		t.Errorf("errors.Is ErrInvalid / Malformed wrong for %v", err)
	}
	_, _, err = Prepare(layer(t, "parcels"), GeoJSON, strings.NewReader(`{"type":`), Options{Partial: true})
	if !errors.As(err, &e) || !e.Malformed() {
		t.Errorf("syntax error: want a malformed *Error, got %v", err)
	}
	if want := "ingest: line 1: json:"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("got %q, want prefix %q", err, want)
	}
	two := feat(`"a"`, square, `{}`) + "\n" + feat(`"b"`, square, `{}`)
	_, _, err = Prepare(layer(t, "parcels"), NDJSON, strings.NewReader(two), Options{})
	if want := fmt.Sprintf("(and %d more problem)", 1); !strings.HasSuffix(err.Error(), want) {
		t.Errorf("got %q, want suffix %q", err, want)
	}
}
