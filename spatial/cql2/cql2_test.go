package cql2

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"bando/spatial/query"

	"github.com/paulmach/orb"
)

// TestTextAndJSONAgree: each filter in both encodings compiles to the same
// where clauses and field filter, and that is the one written out here.
func TestTextAndJSONAgree(t *testing.T) {
	eq := func(f string, v any) *query.Filter { return &query.Filter{Op: "=", Field: f, Value: v} }
	n := func(s string) json.Number { return json.Number(s) }
	tests := []struct {
		name, text, json string
		where            []query.Where
		filter           *query.Filter
	}{
		{"eq", `building = 'school'`, `{"op":"=","args":[{"property":"building"},"school"]}`, nil, eq("building", "school")},
		{"flip", `3 < levels`, `{"op":"<","args":[3,{"property":"levels"}]}`, nil, &query.Filter{Op: ">", Field: "levels", Value: n("3")}},
		{"ne", `"levels" <> 2`, `{"op":"<>","args":[{"property":"levels"},2]}`, nil, &query.Filter{Op: "!=", Field: "levels", Value: n("2")}},
		{"like", `name LIKE 'Tr%'`, `{"op":"like","args":[{"property":"name"},"Tr%"]}`, nil, &query.Filter{Op: "like", Field: "name", Value: "Tr%"}},
		{"not like", `name NOT LIKE 'Tr%'`, `{"op":"not","args":[{"op":"like","args":[{"property":"name"},"Tr%"]}]}`, nil,
			&query.Filter{Op: "not", Args: []*query.Filter{{Op: "like", Field: "name", Value: "Tr%"}}}},
		{"in", `highway IN ('primary', 'secondary')`, `{"op":"in","args":[{"property":"highway"},["primary","secondary"]]}`, nil,
			&query.Filter{Op: "in", Field: "highway", Value: []any{"primary", "secondary"}}},
		{"between", `height BETWEEN 3.5 AND 10`, `{"op":"between","args":[{"property":"height"},3.5,10]}`, nil,
			&query.Filter{Op: "between", Field: "height", Value: []any{n("3.5"), n("10")}}},
		{"is null", `name IS NULL`, `{"op":"isNull","args":[{"property":"name"}]}`, nil, &query.Filter{Op: "is_null", Field: "name"}},
		{"is not null", `name IS NOT NULL`, `{"op":"not","args":[{"op":"isNull","args":[{"property":"name"}]}]}`, nil,
			&query.Filter{Op: "not", Args: []*query.Filter{{Op: "is_null", Field: "name"}}}},
		{"bool", `oneway = TRUE`, `{"op":"=","args":[{"property":"oneway"},true]}`, nil, eq("oneway", true)},
		{"precedence", `a = 1 OR b = 2 AND NOT c = 3`,
			`{"op":"or","args":[{"op":"=","args":[{"property":"a"},1]},{"op":"and","args":[{"op":"=","args":[{"property":"b"},2]},{"op":"not","args":[{"op":"=","args":[{"property":"c"},3]}]}]}]}`,
			nil, &query.Filter{Op: "or", Args: []*query.Filter{eq("a", n("1")), {Op: "and", Args: []*query.Filter{eq("b", n("2")), {Op: "not", Args: []*query.Filter{eq("c", n("3"))}}}}}}},
		{"bbox hoisted", `S_INTERSECTS(geometry, BBOX(106.6, 10.7, 106.8, 10.9)) AND a = 'x'`,
			`{"op":"and","args":[{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[106.6,10.7,106.8,10.9]}]},{"op":"=","args":[{"property":"a"},"x"]}]}`,
			[]query.Where{{Kind: query.KindBBox, BBox: orb.Bound{Min: orb.Point{106.6, 10.7}, Max: orb.Point{106.8, 10.9}}}}, eq("a", "x")},
		{"within polygon", `s_within(geometry, POLYGON((0 0, 1 0, 1 1, 0 1, 0 0)))`,
			`{"op":"s_within","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}]}`,
			[]query.Where{{Kind: query.KindZone, Predicate: query.Within, Zone: orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}}, nil},
		{"literal first", `S_WITHIN(BBOX(0,0,1,1), geometry)`, `{"op":"s_within","args":[{"bbox":[0,0,1,1]},{"property":"geometry"}]}`,
			[]query.Where{{Kind: query.KindZone, Predicate: query.Contains, Zone: orb.Bound{Max: orb.Point{1, 1}}.ToPolygon()}}, nil},
		{"bbox as cql2-rs writes it", `S_WITHIN(BBOX(0,0,1,1), geometry)`, `{"op":"s_within","args":[{"op":"bbox","args":[0,0,1,1]},{"property":"geometry"}]}`,
			[]query.Where{{Kind: query.KindZone, Predicate: query.Contains, Zone: orb.Bound{Max: orb.Point{1, 1}}.ToPolygon()}}, nil},
		{"dwithin", `S_DWITHIN(geometry, POINT(106.7 10.8), 250)`,
			`{"op":"s_dwithin","args":[{"property":"geometry"},{"type":"Point","coordinates":[106.7,10.8]},250]}`,
			[]query.Where{{Kind: query.KindRadius, At: orb.Point{106.7, 10.8}, M: 250}}, nil},
		{"spatial under or", `S_INTERSECTS(geometry, BBOX(0,0,1,1)) OR a = 1`,
			`{"op":"or","args":[{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[0,0,1,1]}]},{"op":"=","args":[{"property":"a"},1]}]}`,
			nil, &query.Filter{Op: "or", Args: []*query.Filter{{Op: "where", Where: &query.Where{Kind: query.KindBBox, BBox: orb.Bound{Max: orb.Point{1, 1}}}}, eq("a", n("1"))}}},
		{"t_after", `T_AFTER(t, TIMESTAMP('2025-07-01T07:00:00+07:00'))`, `{"op":"t_after","args":[{"property":"t"},{"timestamp":"2025-07-01T00:00:00Z"}]}`,
			nil, &query.Filter{Op: ">", Field: "t", Value: "2025-07-01T00:00:00Z"}},
		{"t_during", `T_DURING(t, INTERVAL('2025-01-01', '..'))`, `{"op":"t_during","args":[{"property":"t"},{"interval":["2025-01-01",".."]}]}`,
			nil, &query.Filter{Op: ">", Field: "t", Value: "2025-01-01T00:00:00Z"}},
		{"t_intersects", `T_INTERSECTS(t, INTERVAL(DATE('2025-01-01'), TIMESTAMP('2025-02-01T00:00:00Z')))`,
			`{"op":"t_intersects","args":[{"property":"t"},{"interval":[{"date":"2025-01-01"},"2025-02-01T00:00:00Z"]}]}`,
			nil, &query.Filter{Op: "and", Args: []*query.Filter{{Op: ">=", Field: "t", Value: "2025-01-01T00:00:00Z"}, {Op: "<=", Field: "t", Value: "2025-02-01T00:00:00Z"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for lang, src := range map[string]string{LangText: tt.text, LangJSON: tt.json} {
				e, err := Parse(src, lang)
				if err != nil {
					t.Fatalf("%s: %v", lang, err)
				}
				w, f, err := Compile(e)
				if err != nil {
					t.Fatalf("%s: compile: %v", lang, err)
				}
				if !reflect.DeepEqual(w, tt.where) {
					t.Errorf("%s: where %+v, want %+v", lang, w, tt.where)
				}
				if !reflect.DeepEqual(f, tt.filter) {
					gj, _ := json.Marshal(f)
					wj, _ := json.Marshal(tt.filter)
					t.Errorf("%s: filter %s, want %s", lang, gj, wj)
				}
			}
		})
	}
}

func TestRefused(t *testing.T) {
	tests := []struct{ text, want string }{
		{`a =`, "want a value"},
		{`a = 'x`, "unterminated"},
		{`(a = 1`, `want ")"`},
		{`a = 1 b`, "after the filter"},
		{`a LIKE 3`, "quoted pattern"},
		{`S_INTERSECTS(geom, BBOX(0,0,1,1))`, `unknown spatial queryable "geom"`},
		{`S_INTERSECTS(geometry, LINESTRING(1 2, 3 4))`, "POLYGON, MULTIPOLYGON or BBOX"},
		{`S_DWITHIN(geometry, POINT(1 2), 10, 'feet')`, "metres"},
		{`S_TOUCHES(geometry, BBOX(0,0,1,1))`, "not supported"},
		{`T_AFTER(t, TIMESTAMP('yesterday'))`, "RFC 3339"},
		{`CASEI(name) = 'x'`, "unsupported function"},
		{`geometry = 1`, "geometry"},
		{`BBOX(1,0,0,1) = a`, "west after east"},
		{strings.Repeat("(", 100) + "a=1" + strings.Repeat(")", 100), "deeper"},
	}
	for _, tt := range tests {
		e, err := ParseText(tt.text)
		if err == nil {
			_, _, err = Compile(e)
		}
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want %q", tt.text, err, tt.want)
		}
	}
	for _, j := range []string{`{"op":"=","args":[{"property":"a"},null]}`, `{"op":"like"}x`, `{"foo":1}`, `[`} {
		if e, err := ParseJSON([]byte(j)); err == nil {
			if _, _, err = Compile(e); err == nil {
				t.Errorf("%s: accepted", j)
			}
		}
	}
}

// FuzzParseText: no input panics or hangs the parser or the compiler.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{`a = 1 AND b LIKE 'x%'`, `S_DWITHIN(geometry, POINT(1 2), 3)`, `NOT (a IN (1,2)) OR b IS NOT NULL`,
		`T_DURING(t, INTERVAL('2020-01-01', '..'))`, `S_WITHIN(geometry, MULTIPOLYGON(((0 0,1 0,1 1,0 0))))`, `x BETWEEN -1e3 AND .5`,
		`S_INTERSECTS(geometry, GEOMETRYCOLLECTION(POINT(1 2), LINESTRING(0 0, 1 1)))`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if e, err := ParseText(s); err == nil {
			Compile(e)
		}
	})
}

// FuzzParseJSON: likewise for CQL2 JSON.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{`{"op":"and","args":[{"op":"=","args":[{"property":"a"},1]},{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[0,0,1,1]}]}]}`,
		`{"op":"t_intersects","args":[{"property":"t"},{"interval":["..","2020-01-01T00:00:00Z"]}]}`,
		`{"op":"in","args":[{"property":"a"},["x","y"]]}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if e, err := ParseJSON([]byte(s)); err == nil {
			Compile(e)
		}
	})
}
