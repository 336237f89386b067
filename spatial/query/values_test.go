package query

import (
	"net/url"
	"strings"
	"testing"
)

func TestParseValues(t *testing.T) {
	v, _ := url.ParseQuery("layer=houses&lon=106.7&lat=10.78&radius=500&bbox=106,10,107,11&admin=communes:26734&group_by=admin:communes,field:status&agg=count,sum:power_w&limit=5")
	q, err := ParseValues(v)
	if err != nil {
		t.Fatal(err)
	}
	if q.Layer != "houses" || len(q.Where) != 3 || q.Where[0].Kind != KindRadius || q.Where[0].M != 500 ||
		q.Where[1].Kind != KindBBox || q.Where[2].Admin.Code != "26734" || len(q.GroupBy) != 2 ||
		q.Aggregate[1].Name() != "sum_power_w" || q.Limit != 5 {
		t.Fatalf("%+v", q)
	}
	v, _ = url.ParseQuery("layer=h&lon=1&lat=2&k=3")
	if q, err := ParseValues(v); err != nil || q.Where[0].Kind != KindNearest || q.Where[0].K != 3 {
		t.Fatalf("nearest: %+v %v", q, err)
	}
	bad := []struct{ query, path, msg string }{
		{"layer=h&lon=1&lat=2&radius=-1", "radius", "must not be negative"},
		{"layer=h&lon=1&lat=2&radius=abc", "radius", "out of range"},
		{"layer=h&lon=1&lat=2&k=0", "k", "at least 1"},
		{"layer=h&lon=500&lat=2&radius=1", "lon", "outside"},
		{"layer=h&radius=5", "lon", "need lon and lat"},
		{"layer=h&bbox=1,2,3", "bbox", "got 3 numbers"},
		{"layer=h&admin=communes", "admin", "LAYER:CODE"},
		{"layer=h&agg=median:x", "agg", "unknown aggregate"},
		{"layer=h&filter={", "filter", "malformed"},
		{"layer=h&zoom=3", "zoom", "unknown parameter"},
		{"lon=1&lat=2", "layer", "required"},
	}
	for _, b := range bad {
		v, _ := url.ParseQuery(b.query)
		_, err := ParseValues(v)
		qe, ok := AsError(err)
		if !ok || qe.Path != b.path || !strings.Contains(qe.Message, b.msg) {
			t.Errorf("%s: %v, want %s: %s", b.query, err, b.path, b.msg)
		}
	}
}
