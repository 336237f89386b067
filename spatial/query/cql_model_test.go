package query

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"testing"

	"bando/layers"

	"github.com/paulmach/orb"
)

func TestLikePattern(t *testing.T) {
	tests := []struct {
		pat, s string
		want   bool
	}{
		{"o%", "on", true}, {"o%", "off", true}, {"o%", "fault", false},
		{"_n", "on", true}, {"_n", "off", false}, {"%ul%", "fault", true},
		{`a\%`, "a%", true}, {`a\%`, "ab", false}, {"a.c", "abc", false},
		{"Ph_ờng%", "Phường Bến Thành", true}, {"ON", "on", false}, {"%", "", true},
	}
	for _, tt := range tests {
		re := regexp.MustCompile(likePattern(tt.pat))
		if got := re.MatchString(tt.s); got != tt.want {
			t.Errorf("%q LIKE %q = %v, want %v", tt.s, tt.pat, got, tt.want)
		}
	}
}

// TestSortBy orders by a field (absent values last ascending, first
// descending) then id, and pages after ordering.
func TestSortBy(t *testing.T) {
	e := testEngine(t)
	for _, desc := range []bool{false, true} {
		q := Query{Layer: "houses", SortBy: []SortKey{{Field: "status", Desc: desc}, {Field: "floors"}}, Limit: 10000}
		res, err := e.Run(context.Background(), staff, q)
		if err != nil {
			t.Fatal(err)
		}
		if res.Matched != 341 || len(res.Features) != 341 {
			t.Fatalf("matched %d, got %d", res.Matched, len(res.Features))
		}
		key := func(h Hit) (any, int64) {
			return h.Feature.Props[1], h.Feature.Props[0].(int64)
		}
		for i := 1; i < len(res.Features); i++ {
			sa, fa := key(res.Features[i-1])
			sb, fb := key(res.Features[i])
			c := cmpNullsLast(sa, sb, desc)
			if c > 0 || c == 0 && fa > fb {
				t.Fatalf("desc=%v: %v/%d before %v/%d", desc, sa, fa, sb, fb)
			}
		}
		if first := res.Features[0].Feature.Props[1]; (first == nil) != desc {
			t.Errorf("desc=%v: first status %v", desc, first)
		}
		q.Offset, q.Limit = 5, 3
		page, err := e.Run(context.Background(), staff, q)
		if err != nil {
			t.Fatal(err)
		}
		for i, h := range page.Features {
			if h.Feature.ID != res.Features[5+i].Feature.ID {
				t.Errorf("page %d: %s, want %s", i, h.Feature.ID, res.Features[5+i].Feature.ID)
			}
		}
	}
	_, err := e.Run(context.Background(), layers.Anonymous, Query{Layer: "houses", SortBy: []SortKey{{Field: "poor"}}})
	if qe, ok := AsError(err); !ok || qe.Code != CodeUnknown {
		t.Errorf("sort by a hidden field: %v", err)
	}
}

// TestSpatialInFilter: a zone under or / not selects what the same zone
// as a where clause selects, combined by the logic.
func TestSpatialInFilter(t *testing.T) {
	e := testEngine(t)
	zone := orb.Polygon{{{0.05, 0.05}, {0.55, 0.05}, {0.55, 0.55}, {0.05, 0.55}, {0.05, 0.05}}}
	ids := func(q Query) []string {
		q.Layer, q.Limit = "houses", 10000
		res, err := e.Run(context.Background(), staff, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, h := range res.Features {
			out = append(out, h.Feature.ID)
		}
		slices.Sort(out)
		return out
	}
	inZone := ids(Query{Where: []Where{{Kind: KindZone, Zone: zone}}})
	if len(inZone) != 25 {
		t.Fatalf("zone holds %d houses, want 25", len(inZone))
	}
	w := &Filter{Op: "where", Where: &Where{Kind: KindZone, Zone: zone}}
	same := ids(Query{Filter: w})
	if !slices.Equal(same, inZone) {
		t.Errorf("zone as a filter: %d ids, as a clause %d", len(same), len(inZone))
	}
	floors := &Filter{Op: "=", Field: "floors", Value: json.Number("0")}
	or := ids(Query{Filter: &Filter{Op: "or", Args: []*Filter{w, floors}}})
	not := ids(Query{Filter: &Filter{Op: "not", Args: []*Filter{w}}})
	all := ids(Query{})
	var wantOr, wantNot []string
	for _, id := range all {
		in := slices.Contains(inZone, id)
		var n int
		fmt.Sscan(id, &n)
		if in || n%5 == 0 {
			wantOr = append(wantOr, id)
		}
		if !in {
			wantNot = append(wantNot, id)
		}
	}
	slices.Sort(wantOr)
	slices.Sort(wantNot)
	if !slices.Equal(or, wantOr) {
		t.Errorf("or: %d ids, want %d", len(or), len(wantOr))
	}
	if !slices.Equal(not, wantNot) {
		t.Errorf("not: %d ids, want %d", len(not), len(wantNot))
	}
}
