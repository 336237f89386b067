package ingest

import (
	"errors"
	"strings"
	"testing"
)

func pointFeat(id, props string) string {
	return feat(id, `{"type":"Point","coordinates":[106.7,10.7]}`, props)
}

func ring(n int) string {
	pts := make([]string, 0, n)
	for i := range n - 1 {
		pts = append(pts, "["+itoa(i%3)+","+itoa(i%2)+"]")
	}
	return "[" + strings.Join(append(pts, "[0,0]"), ",") + "]"
}

// TestLimits checks each limit on each reader: an input just over it is
// refused with too-large (even with Partial), TooLarge is true, the message
// is short, and the same input passes with the limit lifted.
func TestLimits(t *testing.T) {
	big := strings.Repeat("x", 2000)
	tests := []struct {
		name, layer string
		format      Format
		in          string
		lim         Limits
		lifted      Limits // a limit under which in is accepted (or refused for another reason)
	}{
		{name: "input bytes geojson", layer: "pois", format: GeoJSON, in: pointFeat(`"a"`, `{"name":"`+big+`"}`),
			lim: Limits{MaxInputBytes: 1000}, lifted: Limits{MaxInputBytes: -1}},
		{name: "input bytes ndjson", layer: "pois", format: NDJSON, in: strings.Repeat(pointFeat(`"a"`, `{"name":"n"}`)+"\n", 30),
			lim: Limits{MaxInputBytes: 1000}, lifted: Limits{MaxInputBytes: 1 << 20}},
		{name: "input bytes csv", layer: "pois", format: CSV, in: "id,name,lon,lat\n" + strings.Repeat("a,n,106,10\n", 200),
			lim: Limits{MaxInputBytes: 1000}},
		{name: "input bytes after gzip", layer: "pois", format: CSV, in: string(gz(t, "id,name,lon,lat\n"+strings.Repeat("a,n,106,10\n", 200))),
			lim: Limits{MaxInputBytes: 1000}},
		{name: "input bytes overpass", layer: "pois", format: Overpass, in: `{"elements":[` + strings.Repeat(`{"type":"node","id":1,"lat":0,"lon":0},`, 40) + `{}]}`,
			lim: Limits{MaxInputBytes: 1000}},
		{name: "ratio", layer: "pois", format: CSV, in: string(gz(t, "id,name,lon,lat\n"+strings.Repeat("a,nnnnnnnnnnnnnnnnnnnnnnnnnnnnnn,106,10\n", 60000))),
			lim: Limits{MaxRatio: 10}},
		{name: "ndjson line", layer: "pois", format: NDJSON, in: pointFeat(`"a"`, `{"name":"`+big+`"}`) + "\n" + pointFeat(`"b"`, `{"name":"n"}`),
			lim: Limits{MaxLineBytes: 1000}},
		{name: "ndjson line without newline", layer: "pois", format: NDJSON, in: strings.Repeat("{", 100000),
			lim: Limits{MaxLineBytes: 70000}},
		{name: "csv record", layer: "pois", format: CSV, in: "id,name,lon,lat\na,\"" + strings.Repeat("n\n", 1000) + "\",106,10\n",
			lim: Limits{MaxLineBytes: 1000}},
		{name: "csv columns", layer: "pois", format: CSV, in: "id,name,lon,lat" + strings.Repeat(",", 50) + "\na,n,106,10\n",
			lim: Limits{MaxProperties: 20}},
		{name: "csv columns in a row", layer: "pois", format: CSV, in: "id,name,lon,lat\na,n,106,10" + strings.Repeat(",", 50) + "\n",
			lim: Limits{MaxProperties: 20}},
		{name: "csv cell", layer: "pois", format: CSV, in: "id,name,lon,lat\na," + big + ",106,10\n",
			lim: Limits{MaxFieldBytes: 1000}, lifted: Limits{MaxFieldBytes: 4000}},
		{name: "csv header cell", layer: "pois", format: CSV, in: "id,name,lon,lat," + big + "\na,n,106,10,1\n",
			lim: Limits{MaxFieldBytes: 1000}},
		{name: "json string", layer: "pois", format: GeoJSON, in: pointFeat(`"a"`, `{"name":"`+big+`"}`),
			lim: Limits{MaxFieldBytes: 1000}, lifted: Limits{MaxFieldBytes: 4000}},
		{name: "json string in ndjson", layer: "pois", format: NDJSON, in: pointFeat(`"a"`, `{"name":"`+big+`"}`) + "\n" + pointFeat(`"b"`, `{"name":"n"}`),
			lim: Limits{MaxFieldBytes: 1000}, lifted: Limits{MaxFieldBytes: 4000}},
		{name: "json number", layer: "pois", format: GeoJSON, in: pointFeat(strings.Repeat("1", 2000), `{"name":"n"}`),
			lim: Limits{MaxFieldBytes: 1000}},
		{name: "id", layer: "pois", format: GeoJSON, in: pointFeat(`"`+strings.Repeat("i", 300)+`"`, `{"name":"n"}`),
			lifted: Limits{MaxIDBytes: -1}},
		{name: "csv id", layer: "pois", format: CSV, in: "id,name,lon,lat\n" + strings.Repeat("i", 300) + ",n,106,10\n",
			lifted: Limits{MaxIDBytes: 300}},
		{name: "vertices", layer: "parcels", format: GeoJSON, in: feat(`"a"`, poly(ring(11)), `{"parcel_no":"A"}`),
			lim: Limits{MaxVertices: 10}},
		{name: "empty rings", layer: "parcels", format: GeoJSON, in: feat(`"a"`, `{"type":"MultiPolygon","coordinates":[`+strings.Repeat("[],", 20)+`[]]}`, `{"parcel_no":"A"}`),
			lim: Limits{MaxVertices: 10}},
		{name: "collection members", layer: "assets", format: GeoJSON, in: feat(`"a"`, `{"type":"GeometryCollection","geometries":[`+strings.Repeat(`{"type":"Point","coordinates":[1,1]},`, 20)+`{"type":"Point","coordinates":[1,1]}]}`, `{}`),
			lim: Limits{MaxVertices: 10}},
		{name: "wkt vertices", layer: "assets", format: CSV, in: "id,wkt\na,\"LINESTRING(" + strings.Repeat("0 0,1 1,", 10) + "2 2)\"\n",
			lim: Limits{MaxVertices: 10}, lifted: Limits{MaxVertices: 100}},
		{name: "overpass way nodes", layer: "roads", format: Overpass, in: `{"elements":[{"type":"way","id":1,"nodes":[` + strings.Repeat("1,", 20) + `1],"tags":{"highway":"primary"}}]}`,
			lim: Limits{MaxVertices: 10}},
		{name: "depth", layer: "parcels", format: GeoJSON, in: feat(`"a"`, `{"type":"Polygon","coordinates":`+strings.Repeat("[", 100)+strings.Repeat("]", 100)+`}`, `{}`),
			lim: Limits{MaxDepth: 20}},
		{name: "depth in a foreign member", layer: "pois", format: NDJSON, in: `{"type":"Feature","x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
			lim: Limits{MaxDepth: 20}},
		{name: "properties", layer: "pois", format: GeoJSON, in: pointFeat(`"a"`, `{`+strings.Repeat(`"k":1,`, 20)+`"name":"n"}`),
			lim: Limits{MaxProperties: 10}, lifted: Limits{MaxProperties: 100}},
		{name: "overpass tags", layer: "pois", format: Overpass, in: `{"elements":[{"type":"node","id":1,"lat":0,"lon":0,"tags":{` + strings.Repeat(`"k":"v",`, 20) + `"name":"n"}}]}`,
			lim: Limits{MaxProperties: 10}, lifted: Limits{MaxProperties: 100}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := layer(t, tt.layer)
			for _, partial := range []bool{false, true} {
				fs, _, err := Prepare(l, tt.format, strings.NewReader(tt.in), Options{Partial: partial, Limits: tt.lim})
				var e *Error
				if !errors.As(err, &e) || !e.TooLarge() || fs != nil {
					t.Fatalf("partial=%v: got %d features, err %v, want too-large", partial, len(fs), err)
				}
				if !slicesContain(rules(err), RuleTooLarge) && !slicesContain(rules(err), RuleTooMany) {
					t.Errorf("rules %v", rules(err))
				}
				if len(e.Error()) > 400 {
					t.Errorf("message of %d bytes: %.200s", len(e.Error()), e.Error())
				}
				for _, p := range e.Problems {
					if len(p.ID) > 100 || len(p.Message) > 300 {
						t.Errorf("problem echoes too much: id %d bytes, message %d bytes", len(p.ID), len(p.Message))
					}
				}
			}
			if tt.lifted == (Limits{}) {
				return
			}
			_, _, err := Prepare(l, tt.format, strings.NewReader(tt.in), Options{Limits: tt.lifted})
			var e *Error
			if errors.As(err, &e) && e.TooLarge() {
				t.Errorf("with %+v still too large: %v", tt.lifted, err)
			}
		})
	}
}

func slicesContain(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestInputOfExactlyTheLimit: a body of exactly MaxInputBytes is read, one
// byte more is refused.
func TestInputOfExactlyTheLimit(t *testing.T) {
	in := pointFeat(`"a"`, `{"name":"n"}`)
	l := layer(t, "pois")
	if _, _, err := Prepare(l, GeoJSON, strings.NewReader(in), Options{Limits: Limits{MaxInputBytes: int64(len(in))}}); err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	_, _, err := Prepare(l, GeoJSON, strings.NewReader(in+" "), Options{Limits: Limits{MaxInputBytes: int64(len(in))}})
	var e *Error
	if !errors.As(err, &e) || !e.TooLarge() {
		t.Fatalf("one byte over: %v", err)
	}
}

func TestExcerpt(t *testing.T) {
	long := strings.Repeat("é", 100) // 200 bytes
	tests := []struct{ in, want, quoted string }{
		{"abc", "abc", `"abc"`},
		{strings.Repeat("a", 64), strings.Repeat("a", 64), `"` + strings.Repeat("a", 64) + `"`},
		{strings.Repeat("a", 65), strings.Repeat("a", 64) + "…(65 bytes)", `"` + strings.Repeat("a", 64) + `"…(65 bytes)`},
		{long, strings.Repeat("é", 32) + "…(200 bytes)", `"` + strings.Repeat("é", 32) + `"…(200 bytes)`},
		{"a" + long, "a" + strings.Repeat("é", 31) + "…(201 bytes)", `"a` + strings.Repeat("é", 31) + `"…(201 bytes)`},
	}
	for _, tt := range tests {
		if got := excerpt(tt.in); got != tt.want {
			t.Errorf("excerpt(%d bytes) = %q, want %q", len(tt.in), got, tt.want)
		}
		if got := quoteExcerpt(tt.in); got != tt.quoted {
			t.Errorf("quoteExcerpt(%d bytes) = %s, want %s", len(tt.in), got, tt.quoted)
		}
	}
}
