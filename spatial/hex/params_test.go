package hex

import (
	"bytes"
	"context"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"bando/spatial"
	"github.com/paulmach/orb"
)

func getter(query string) func(string) string {
	v, _ := url.ParseQuery(query)
	return v.Get
}

func TestParseParams(t *testing.T) {
	c8 := Cell(0x88658a2b4bfffff)
	c6, _ := c8.Parent(6)
	tests := []struct {
		query string
		want  string // the parsed params, printed; or the *Error's param
		param string
	}{
		{"", "res=8 parent=- aggs=[count] h3=0 ring=0 f=json", ""},
		{"res=0&agg=count,sum:power_w&f=GeoJSON", "res=0 parent=- aggs=[count sum_power_w] h3=0 ring=0 f=geojson", ""},
		{"res=10&parent=6&agg=avg:floors&f=csv", "res=10 parent=6 aggs=[avg_floors] h3=0 ring=0 f=csv", ""},
		{"h3=" + c8.String() + "&ring=2", "res=8 parent=- aggs=[count] h3=" + c8.String() + " ring=2 f=json", ""},
		{"h3=" + c6.String() + "&res=9&parent=6", "res=9 parent=6 aggs=[count] h3=" + c6.String() + " ring=0 f=json", ""},
		{"res=16", "", "res"},
		{"res=-1", "", "res"},
		{"res=8.5", "", "res"},
		{"res=", "res=8 parent=- aggs=[count] h3=0 ring=0 f=json", ""},
		{"res=8&parent=9", "", "parent"},
		{"parent=x", "", "parent"},
		{"agg=max:x", "", "agg"},
		{"agg=sum:", "", "agg"},
		{"ring=1", "", "ring"},
		{"h3=" + c8.String() + "&ring=-1", "", "ring"},
		{"h3=" + c8.String() + "&ring=101", "", "ring"},
		{"h3=zz", "", "h3"},
		{"h3=" + c8.String() + "&res=9", "", "h3"},
		{"f=xml", "", "f"},
	}
	for _, tt := range tests {
		p, err := ParseParams(getter(tt.query))
		if tt.param != "" {
			var pe *Error
			if !errors.As(err, &pe) || pe.Param != tt.param {
				t.Errorf("%q: %v, want an *Error on %s", tt.query, err, tt.param)
			}
			continue
		}
		if err != nil || printParams(p) != tt.want {
			t.Errorf("%q: %s, %v; want %s", tt.query, printParams(p), err, tt.want)
		}
	}
}

func printParams(p Params) string {
	parent := "-"
	if p.Parent != nil {
		parent = itoa(*p.Parent)
	}
	var aggs []string
	for _, a := range p.Aggs {
		aggs = append(aggs, a.Key())
	}
	return "res=" + itoa(p.Res) + " parent=" + parent + " aggs=[" + strings.Join(aggs, " ") + "] h3=" + p.Cell.String() +
		" ring=" + itoa(p.Ring) + " f=" + string(p.Format)
}

func itoa(i int) string { return strconv.Itoa(i) }

// TestParamsRequestRing asks for the k-ring around a cell and gets exactly
// its cells, empty ones included.
func TestParamsRequestRing(t *testing.T) {
	c := mustCell(t, 106.7, 10.8, 8)
	p, err := ParseParams(getter("h3=" + c.String() + "&ring=1&agg=sum:n"))
	if err != nil {
		t.Fatal(err)
	}
	p.Aggs[0].Index = 0
	req, err := p.Request()
	if err != nil || len(req.Cells) != 7 {
		t.Fatalf("request %+v, %v", req, err)
	}
	fs := []*spatial.Feature{{ID: "1", Geom: orb.Point{106.7, 10.8}, Props: []any{int64(5)}}, {ID: "2", Geom: orb.Point{105, 21}, Props: []any{int64(1)}}}
	res, err := NewEngine(Config{}).Aggregate(context.Background(), req, slices.Values(fs))
	if err != nil || len(res.Cells) != 7 {
		t.Fatalf("ring answer %v, %v", res, err)
	}
	for _, cf := range res.Cells {
		want := int64(0)
		if cf.Cell == c {
			want = 1
		}
		if cf.Count != want || cf.Values[0] != 5*want {
			t.Errorf("cell %s: count %d sum %v, want %d", cf.Cell, cf.Count, cf.Values[0], want)
		}
	}
	var csv bytes.Buffer
	if err := res.WriteCSV(&csv); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(csv.String()), "\n")
	if len(lines) != 8 || lines[0] != "\uFEFFh3,count,sum_n" || !strings.Contains(csv.String(), c.String()+",1,5\n") {
		t.Errorf("CSV:\n%s", csv.String())
	}
}

// FuzzParseParams checks that any query string either parses to
// parameters that make a valid Request, or is refused with an *Error.
func FuzzParseParams(f *testing.F) {
	for _, s := range []string{"", "res=8", "res=16", "res=8&parent=9", "res=9&parent=5&agg=count,sum:x",
		"h3=88658a2b4bfffff&ring=3", "ring=2", "f=geojson", "res=%00", "agg=avg:t%C3%AAn", "h3=8001fffffffffff&ring=100"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		p, err := ParseParams(getter(query))
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("%q: %v is not an *Error", query, err)
			}
			return
		}
		for i := range p.Aggs {
			p.Aggs[i].Index = 0
		}
		req, err := p.Request()
		if err != nil {
			t.Fatalf("%q: parsed to %+v but the request is bad: %v", query, p, err)
		}
		if req.Res < 0 || req.Res > MaxRes || req.OutRes() > req.Res {
			t.Fatalf("%q: request %+v", query, req)
		}
	})
}

func TestEncode(t *testing.T) {
	fs := []*spatial.Feature{{ID: "1", Geom: orb.Point{106.7, 10.8}, Props: []any{int64(5)}}}
	res, err := NewEngine(Config{}).Aggregate(context.Background(), Request{Res: 9, Aggs: []Agg{{Op: Avg, Field: "n", Index: 0}}}, slices.Values(fs))
	if err != nil {
		t.Fatal(err)
	}
	c := mustCell(t, 106.7, 10.8, 9).String()
	for _, tt := range []struct {
		f          Format
		ctype, has string
	}{
		{JSON, "application/json", `{"res":9,"cells":[{"h3":"` + c + `","count":1,"avg_n":5}]}`},
		{"", "application/json", `"avg_n":5`},
		{GeoJSON, "application/geo+json", `"type":"FeatureCollection"`},
		{CSV, "text/csv; charset=utf-8", "\uFEFFh3,count,avg_n\n" + c + ",1,5\n"},
	} {
		var b bytes.Buffer
		ct, err := res.Encode(&b, tt.f)
		if err != nil || ct != tt.ctype || !strings.Contains(b.String(), tt.has) {
			t.Errorf("%q: %s, %v:\n%s", tt.f, ct, err, b.String())
		}
	}
	if _, err := res.Encode(&bytes.Buffer{}, "xml"); !errors.Is(err, ErrInvalid) {
		t.Errorf("xml: %v", err)
	}
}

func TestBind(t *testing.T) {
	schema := map[string]struct {
		idx     int
		numeric bool
		public  bool
	}{"power_w": {2, true, true}, "status": {0, false, true}, "household": {3, true, false}}
	lookup := func(anon bool) func(string) (int, bool, bool) {
		return func(f string) (int, bool, bool) {
			s, ok := schema[f]
			if !ok || anon && !s.public {
				return 0, false, false
			}
			return s.idx, s.numeric, true
		}
	}
	aggs, _ := ParseAggs("count,sum:power_w,avg:power_w")
	if err := Bind(aggs, lookup(true)); err != nil || aggs[0].Index != -1 || aggs[1].Index != 2 || aggs[2].Index != 2 {
		t.Fatalf("bound %v, %v", aggs, err)
	}
	missing, _ := ParseAggs("sum:nothing")
	hidden, _ := ParseAggs("sum:household")
	e1, e2 := Bind(missing, lookup(true)), Bind(hidden, lookup(true))
	if !errors.Is(e1, ErrInvalid) || !errors.Is(e2, ErrInvalid) ||
		strings.ReplaceAll(e1.Error(), "nothing", "X") != strings.ReplaceAll(e2.Error(), "household", "X") {
		t.Errorf("a missing and a restricted field must read alike: %q vs %q", e1, e2)
	}
	if err := Bind(hidden, lookup(false)); err != nil || hidden[0].Index != 3 {
		t.Errorf("a cleared principal: %v %v", hidden, err)
	}
	text, _ := ParseAggs("avg:status")
	if err := Bind(text, lookup(false)); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "not numeric") {
		t.Errorf("a text field: %v", err)
	}
}
