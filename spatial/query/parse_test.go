package query

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	q, err := Parse([]byte(`{"layer":"lights","where":[
		{"radius":{"lon":106.7,"lat":10.78,"m":500}},
		{"admin":{"layer":"communes","name":"Phu Hoa Dong"},"predicate":"within"},
		{"zone":{"type":"Polygon","coordinates":[[[106,10],[107,10],[107,11],[106,10]]]}},
		{"bbox":[106,10,107,11]},
		{"point":{"lon":106.7,"lat":10.7}},
		{"nearest":{"lon":106.7,"lat":10.7,"k":5,"max_m":1000}}],
		"filter":{"and":[{"field":"status","op":"in","value":["fault","off"]},{"not":{"field":"power_w","op":"is_null"}}]},
		"group_by":["admin:communes","field:status"],
		"aggregate":[{"op":"count"},{"op":"sum","field":"power_w"}],
		"limit":10,"offset":20}`))
	if err != nil {
		t.Fatal(err)
	}
	if q.Layer != "lights" || len(q.Where) != 6 || q.Limit != 10 || q.Offset != 20 {
		t.Fatalf("%+v", q)
	}
	w := q.Where
	if w[0].Kind != KindRadius || w[0].M != 500 || w[0].At[0] != 106.7 {
		t.Errorf("radius %+v", w[0])
	}
	if w[1].Kind != KindAdmin || w[1].Admin.Name != "Phu Hoa Dong" || w[1].Predicate != Within {
		t.Errorf("admin %+v", w[1])
	}
	if w[2].Kind != KindZone || w[2].Zone.GeoJSONType() != "Polygon" {
		t.Errorf("zone %+v", w[2])
	}
	if w[5].K != 5 || w[5].MaxM != 1000 {
		t.Errorf("nearest %+v", w[5])
	}
	if q.Filter.Op != "and" || len(q.Filter.Args) != 2 || q.Filter.Args[1].Args[0].Op != "is_null" {
		t.Errorf("filter %+v", q.Filter)
	}
	if q.GroupBy[0].AdminLayer != "communes" || q.GroupBy[1].Field != "status" || q.Aggregate[1].Name() != "sum_power_w" {
		t.Errorf("groups %+v %+v", q.GroupBy, q.Aggregate)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		body, path, msg string
		code            Code
	}{
		{`{"layer":`, "", "malformed JSON", CodeSyntax},
		{`[1]`, "", "want an object, got an array", CodeInvalid},
		{`{"layer":"a"} x`, "", "unexpected data", CodeSyntax},
		{`{}`, "layer", "is required", CodeInvalid},
		{`{"layer":3}`, "layer", "want a string, got a number", CodeInvalid},
		{`{"layer":"a","bogus":1}`, "bogus", "unknown key", CodeInvalid},
		{`{"layer":"a","where":{}}`, "where", "want an array", CodeInvalid},
		{`{"layer":"a","where":[{}]}`, "where[0]", "needs one of", CodeInvalid},
		{`{"layer":"a","where":[{"radius":{"lon":1,"lat":2}}]}`, "where[0].radius.m", "is required", CodeInvalid},
		{`{"layer":"a","where":[{"radius":{"lon":1,"lat":2,"m":-1}}]}`, "where[0].radius.m", "must not be negative", CodeInvalid},
		{`{"layer":"a","where":[{"radius":{"lon":181,"lat":2,"m":1}}]}`, "where[0].radius.lon", "outside [-180, 180]", CodeInvalid},
		{`{"layer":"a","where":[{"radius":{"lon":1,"lat":-91,"m":1}}]}`, "where[0].radius.lat", "outside [-90, 90]", CodeInvalid},
		{`{"layer":"a","where":[{"radius":{"lon":"1","lat":2,"m":1}}]}`, "where[0].radius.lon", "want a number, got a string", CodeInvalid},
		{`{"layer":"a","where":[{"nearest":{"lon":1,"lat":2,"k":0}}]}`, "where[0].nearest.k", "at least 1", CodeInvalid},
		{`{"layer":"a","where":[{"nearest":{"lon":1,"lat":2,"k":1.5}}]}`, "where[0].nearest.k", "non-negative integer", CodeInvalid},
		{`{"layer":"a","where":[{"nearest":{"lon":1,"lat":2,"k":1}},{"nearest":{"lon":1,"lat":2,"k":1}}]}`, "where[1]", "only one nearest", CodeInvalid},
		{`{"layer":"a","where":[{"bbox":[1,2,3]}]}`, "where[0].bbox", "got 3 numbers", CodeInvalid},
		{`{"layer":"a","where":[{"bbox":[3,2,1,4]}]}`, "where[0].bbox", "west > east", CodeInvalid},
		{`{"layer":"a","where":[{"bbox":[1,2,3,4],"predicate":"within"}]}`, "where[0].predicate", "only zone and admin", CodeInvalid},
		{`{"layer":"a","where":[{"zone":{"type":"Point","coordinates":[1,2]}}]}`, "where[0].zone.type", "Polygon or MultiPolygon", CodeInvalid},
		{`{"layer":"a","where":[{"zone":{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,200],[1,2]]]}}]}`, "where[0].zone.coordinates", "outside", CodeInvalid},
		{`{"layer":"a","where":[{"zone":{"type":"Polygon","coordinates":"x"}}]}`, "where[0].zone.coordinates", "not a GeoJSON Polygon", CodeInvalid},
		{`{"layer":"a","where":[{"zone":{"type":"Polygon","coordinates":[]}},"predicate":"inside"}]}`, "", "malformed", CodeSyntax},
		{`{"layer":"a","where":[{"zone":{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,2],[1,2]]]},"predicate":"inside"}]}`, "where[0].predicate", "unknown predicate", CodeInvalid},
		{`{"layer":"a","where":[{"admin":{"layer":"c"}}]}`, "where[0].admin", "one of code or name", CodeInvalid},
		{`{"layer":"a","where":[{"point":{"lon":1,"lat":2},"bbox":[1,2,3,4]}]}`, "where[0]", "one kind per clause", CodeInvalid},
		{`{"layer":"a","filter":{"field":"x","op":"~","value":1}}`, "filter.op", "unknown operator", CodeInvalid},
		{`{"layer":"a","filter":{"field":"x","op":"="}}`, "filter.value", "is required", CodeInvalid},
		{`{"layer":"a","filter":{"field":"x","op":"is_null","value":1}}`, "filter.value", "takes no value", CodeInvalid},
		{`{"layer":"a","filter":{"field":"x","op":"in","value":3}}`, "filter.value", "want an array", CodeInvalid},
		{`{"layer":"a","filter":{"field":"x","op":"between","value":[1]}}`, "filter.value", "[low, high]", CodeInvalid},
		{`{"layer":"a","filter":{"and":[]}}`, "filter.and", "at least one", CodeInvalid},
		{`{"layer":"a","filter":{"or":[{"field":"x","op":"=","value":{}}]}}`, "filter.or[0].value", "got an object", CodeInvalid},
		{`{"layer":"a","filter":{"not":{"field":"x"}}}`, "filter.not.op", "is required", CodeInvalid},
		{`{"layer":"a","group_by":["status"]}`, "group_by[0]", "field:<name>", CodeInvalid},
		{`{"layer":"a","group_by":["h3:8"]}`, "group_by[0]", "unknown grouping", CodeInvalid},
		{`{"layer":"a","aggregate":[{"op":"median","field":"x"}]}`, "aggregate[0].op", "unknown aggregate", CodeInvalid},
		{`{"layer":"a","aggregate":[{"op":"sum"}]}`, "aggregate[0].field", "needs a field", CodeInvalid},
		{`{"layer":"a","limit":-1}`, "limit", "non-negative integer", CodeInvalid},
		{`{"layer":"a","filter":` + strings.Repeat(`{"not":`, 40) + `{"field":"x","op":"is_null"}` + strings.Repeat("}", 40) + `}`, "", "deeper than", CodeLimit},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.body))
		e, ok := AsError(err)
		if !ok {
			t.Errorf("%s: err = %v, want *Error", tt.body, err)
			continue
		}
		if e.Code != tt.code || tt.path != "" && e.Path != tt.path || !strings.Contains(e.Message, tt.msg) {
			t.Errorf("%s:\n got %s %q: %s\nwant %s %q: …%s…", tt.body, e.Code, e.Path, e.Message, tt.code, tt.path, tt.msg)
		}
	}
}

// FuzzParse: Parse never panics, errors are *Error with a message, and an
// accepted query is accepted again after a round trip through its parts.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		`{"layer":"a","where":[{"radius":{"lon":1,"lat":2,"m":3}}]}`,
		`{"layer":"a","where":[{"zone":{"type":"MultiPolygon","coordinates":[[[[1,2],[3,4],[5,2],[1,2]]]]},"predicate":"within"}]}`,
		`{"layer":"a","filter":{"or":[{"field":"x","op":"between","value":[1,2]},{"not":{"field":"y","op":"prefix","value":"Phú"}}]}}`,
		`{"layer":"a","group_by":["admin:c","field:s"],"aggregate":[{"op":"avg","field":"x"}],"limit":5}`,
		`{"layer":"a","where":[{"nearest":{"lon":1,"lat":2,"k":3,"max_m":9}},{"admin":{"layer":"c","code":"1"}}]}`,
		`{"layer":"a","where":[{"bbox":[1,2,3,4]},{"point":{"lon":1,"lat":2,"tolerance_m":5}}],"properties":["x"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := Parse(b)
		if err != nil {
			e, ok := AsError(err)
			if !ok || e.Message == "" || e.Status() < 400 {
				t.Fatalf("bad error %#v", err)
			}
			return
		}
		if q.Layer == "" {
			t.Fatal("accepted a query without a layer")
		}
		if !json.Valid(b) {
			t.Fatal("accepted invalid JSON")
		}
		for _, w := range q.Where {
			if w.At[0] < -180 || w.At[0] > 180 || w.At[1] < -90 || w.At[1] > 90 || w.M < 0 {
				t.Fatalf("accepted a bad clause %+v", w)
			}
			if w.Kind == KindNearest && w.K < 1 {
				t.Fatalf("accepted k=%d", w.K)
			}
		}
	})
}
