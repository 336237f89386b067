package ingest

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// TestInvalidUTF8IsRefused: text that is not UTF-8 is refused with the
// feature, the field and the byte offset, never replaced by U+FFFD (two ids
// differing only in invalid bytes would collide).
func TestInvalidUTF8IsRefused(t *testing.T) {
	tests := []struct {
		name   string
		format Format
		in     string
		index  []int    // features with an encoding problem
		field  []string // their fields ("" = the id)
		where  string   // in the first message
	}{
		{"ids in a collection", GeoJSON,
			`{"type":"FeatureCollection","features":[` + pointFeat("\"a\xff\"", `{"name":"n"}`) + "," + pointFeat("\"a\xfe\"", `{"name":"n"}`) + `]}`,
			[]int{0, 1}, []string{"", ""}, "byte offset 65"},
		{"property value", GeoJSON, pointFeat(`"a"`, "{\"name\":\"Nguy\xe1n\"}"), []int{0}, []string{"name"}, "byte offset"},
		{"property key", GeoJSON, pointFeat(`"a"`, "{\"name\":\"n\",\"k\xff\":1}"), []int{0}, []string{"k\uFFFD"}, "byte offset"},
		{"lone surrogate id", GeoJSON, pointFeat(`"a\ud800"`, `{"name":"n"}`), []int{0}, []string{""}, "byte offset"},
		{"id property", NDJSON, pointFeat("", "{\"name\":\"n\",\"id\":\"a\xff\"}"), []int{0}, []string{"id"}, "column"},
		{"ndjson line", NDJSON, pointFeat(`"ok"`, `{"name":"n"}`) + "\n" + pointFeat("\"b\xc3\"", `{"name":"n"}`),
			[]int{1}, []string{""}, "column 26"},
		{"csv id", CSV, "id,name,lon,lat\na\xff,n,106,10\n", []int{0}, []string{""}, "UTF-8"},
		{"overpass", Overpass, "{\"elements\":[{\"type\":\"node\",\"id\":1,\"lat\":0,\"lon\":0,\"tags\":{\"name\":\"\xff\"}}]}", nil, nil, "byte offset 67"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// With Partial the features with bad text are rejected, the
			// rest kept.
			_, rep, _ := Prepare(layer(t, "pois"), tt.format, strings.NewReader(tt.in), Options{Partial: true})
			if rep.Accepted != rep.Read-len(tt.index) {
				t.Errorf("partial: %d of %d accepted, want %d", rep.Accepted, rep.Read, rep.Read-len(tt.index))
			}
			var e *Error
			_, _, err := Prepare(layer(t, "pois"), tt.format, strings.NewReader(tt.in), Options{})
			if !errors.As(err, &e) {
				t.Fatalf("accepted")
			}
			var index []int
			var field []string
			first := ""
			for _, p := range e.Problems {
				if p.Rule != RuleEncoding {
					continue
				}
				if first == "" {
					first = p.Message
				}
				if p.Index >= 0 {
					index = append(index, p.Index)
					field = append(field, p.Field)
				}
			}
			if first == "" {
				t.Fatalf("no encoding problem: %v", err)
			}
			if !slices.Equal(index, tt.index) || !slices.Equal(field, tt.field) {
				t.Errorf("encoding problems at %v fields %q, want %v %q", index, field, tt.index, tt.field)
			}
			if !strings.Contains(first, tt.where) {
				t.Errorf("message %q does not say %q", first, tt.where)
			}
		})
	}
}

func TestIDAlphabet(t *testing.T) {
	tests := []struct {
		name, format, in string
		ok               bool
	}{
		{"unicode", "geojson", pointFeat(`"Phường Bến Nghé/1"`, `{"name":"n"}`), true},
		{"spaces and punctuation", "geojson", pointFeat(`"a b:c#d"`, `{"name":"n"}`), true},
		{"bell", "geojson", pointFeat(`"a\u0007"`, `{"name":"n"}`), false},
		{"newline", "geojson", pointFeat(`"a\nb"`, `{"name":"n"}`), false},
		{"del", "geojson", pointFeat(`"a`+"\x7f"+`"`, `{"name":"n"}`), false},
		{"c1", "geojson", pointFeat(`"a\u0085"`, `{"name":"n"}`), false},
		{"csv tab", "csv", "id,name,lon,lat\n\"a\tb\",n,106,10\n", false},
		{"256 bytes", "geojson", pointFeat(`"`+strings.Repeat("i", 256)+`"`, `{"name":"n"}`), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, _, err := Prepare(layer(t, "pois"), Format(tt.format), strings.NewReader(tt.in), Options{})
			if tt.ok {
				if err != nil || len(fs) != 1 {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !slices.Contains(rules(err), RuleBadID) {
				t.Fatalf("rules %v, want %s (%v)", rules(err), RuleBadID, err)
			}
			if strings.ContainsAny(err.Error(), "\a\n\t\x7f\u0085") {
				t.Errorf("message carries the raw control character: %q", err.Error())
			}
		})
	}
}

// TestFormatMismatch: a body of another format than the declared one is
// refused (rule format, a 400), also with Partial, instead of being read as
// a pile of bad lines and accepted with nothing stored.
func TestFormatMismatch(t *testing.T) {
	fc := `{"type":"FeatureCollection","features":[` + pointFeat(`"a"`, `{"name":"n"}`) + `]}`
	pretty := "{\n  \"type\": \"FeatureCollection\",\n  \"features\": [\n" + pointFeat(`"a"`, `{"name":"n"}`) + "\n]}\n"
	overpass := `{"elements":[{"type":"node","id":1,"lat":0,"lon":0,"tags":{"name":"n"}}]}`
	csv := "id,name,lon,lat\na,n,106,10\n"
	tests := []struct {
		name   string
		format Format
		in     string
		rule   string // "" when accepted
	}{
		{"geojson as csv", CSV, fc, RuleFormat},
		{"feature as csv", CSV, pointFeat(`"a"`, `{"name":"n"}`), RuleFormat},
		{"collection as ndjson", NDJSON, fc, RuleFormat},
		{"pretty collection as ndjson", NDJSON, pretty, RuleFormat},
		{"overpass as ndjson", NDJSON, overpass, RuleFormat},
		{"csv as ndjson", NDJSON, csv, RuleFormat},
		{"csv as geojson", GeoJSON, csv, RuleFormat},
		{"csv as overpass", Overpass, csv, RuleFormat},
		{"geojson as overpass", Overpass, fc, RuleFormat},
		{"object without elements as overpass", Overpass, `{"version":0.6}`, RuleOverpass},
		{"collection without features", GeoJSON, `{"type":"FeatureCollection"}`, RuleJSON},
		{"ndjson as geojson is read", GeoJSON, pointFeat(`"a"`, `{"name":"n"}`) + "\n" + pointFeat(`"b"`, `{"name":"n"}`) + "\n", ""},
		{"overpass as geojson is read", GeoJSON, overpass, ""},
		{"csv with a bracketed header", CSV, "[note],id,name,lon,lat\nx,a,n,106,10\n", ""},
		{"array of features as csv", CSV, "[" + pointFeat(`"a"`, `{"name":"n"}`) + "]", RuleFormat},
		{"bom and blank lines before ndjson", NDJSON, "\xef\xbb\xbf\n\n" + pointFeat(`"a"`, `{"name":"n"}`), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, partial := range []bool{false, true} {
				fs, _, err := Prepare(layer(t, "pois"), tt.format, strings.NewReader(tt.in), Options{Partial: partial})
				if tt.rule == "" {
					if err != nil || len(fs) == 0 {
						t.Fatalf("partial=%v: %d features, %v", partial, len(fs), err)
					}
					continue
				}
				var e *Error
				if !errors.As(err, &e) || !slices.Contains(rules(err), tt.rule) || !e.Malformed() {
					t.Fatalf("partial=%v: err %v (rules %v), want %s and malformed", partial, err, rules(err), tt.rule)
				}
			}
		})
	}
}

func TestUnknownFormat(t *testing.T) {
	_, _, err := Prepare(layer(t, "pois"), "bogus", strings.NewReader("{}"), Options{})
	if !errors.Is(err, ErrUnknownFormat) || !strings.Contains(err.Error(), `"bogus"`) {
		t.Fatalf("err %v, want ErrUnknownFormat naming the format", err)
	}
	_, _, err = Prepare(layer(t, "pois"), Format(strings.Repeat("x", 10000)), strings.NewReader("{}"), Options{})
	if !errors.Is(err, ErrUnknownFormat) || len(err.Error()) > 200 {
		t.Fatalf("long name: %d bytes of error", len(err.Error()))
	}
	// Aliases of ParseFormat work in Prepare too.
	fs, _, err := Prepare(layer(t, "pois"), "JSON", strings.NewReader(pointFeat(`"a"`, `{"name":"n"}`)), Options{})
	if err != nil || len(fs) != 1 {
		t.Fatalf("alias json: %v", err)
	}
}

// TestOSMIDsKeepTheType: node, way and relation 5 are three features, with
// ids 51, 52 and 53 (id*10 + type, as planetiler encodes them).
func TestOSMIDsKeepTheType(t *testing.T) {
	doc := `{"elements":[
{"type":"node","id":1,"lat":10,"lon":106},{"type":"node","id":2,"lat":10,"lon":106.1},
{"type":"node","id":3,"lat":10.1,"lon":106.1},{"type":"node","id":4,"lat":10.1,"lon":106},
{"type":"node","id":5,"lat":10.05,"lon":106.05,"tags":{"name":"n"}},
{"type":"way","id":5,"nodes":[1,2,3,4,1],"tags":{"building":"yes","name":"w"}},
{"type":"way","id":6,"nodes":[1,2,3,4,1]},
{"type":"relation","id":5,"members":[{"type":"way","ref":6,"role":"outer"}],"tags":{"type":"multipolygon","building":"yes","name":"r"}},
{"type":"node","id":-7,"lat":10.05,"lon":106.05,"tags":{"name":"new"}}]}`
	fs, _, err := Prepare(layer(t, "assets"), Overpass, strings.NewReader(doc), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	slices.Sort(ids)
	if want := []string{"-71", "51", "52", "53"}; !slices.Equal(ids, want) {
		t.Fatalf("ids %v, want %v", ids, want)
	}
	over := `{"elements":[{"type":"node","id":922337203685477581,"lat":10,"lon":106,"tags":{"name":"n"}}]}`
	if _, _, err := Prepare(layer(t, "assets"), Overpass, strings.NewReader(over), Options{}); !slices.Contains(rules(err), RuleBadID) {
		t.Fatalf("id that overflows id*10: %v", err)
	}
}
