package api

import (
	"strconv"
	"testing"

	"github.com/paulmach/orb"

	"bando/ingest"
	"bando/layers"
	"bando/spatial"
)

func TestAcceptedIndexes(t *testing.T) {
	rej := func(idx ...int) []ingest.Problem {
		var ps []ingest.Problem
		for _, i := range idx {
			ps = append(ps, ingest.Problem{Index: i})
		}
		return ps
	}
	for _, tt := range []struct {
		rep  *ingest.Report
		n    int
		want []int
	}{
		{&ingest.Report{}, 3, []int{0, 1, 2}},
		{&ingest.Report{Rejected: rej(0, 2, 2)}, 2, []int{1, 3}},
		{&ingest.Report{Rejected: rej(1), RejectedOmitted: 4}, 2, []int{-1, -1}},
	} {
		got := acceptedIndexes(tt.rep, tt.n)
		if len(got) != len(tt.want) {
			t.Fatalf("%+v: %v, want %v", tt.rep, got, tt.want)
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%+v: %v, want %v", tt.rep, got, tt.want)
			}
		}
	}
}

// BenchmarkMergeHidden measures what a public writer's batch costs beyond
// parsing: the lookup of each stored feature and the merge of its hidden
// values (1,000 features that all exist).
func BenchmarkMergeHidden(b *testing.B) {
	s := newAccessServer(b)
	l, _ := s.cfg.Catalog.Get("homes")
	view, pos := layers.WriteView(layers.Principal{Name: clerk, Clearance: layers.Public}, l)
	var stored []*spatial.Feature
	for i := range 1000 {
		p := orb.Point{106 + float64(i)/1e4, 10}
		stored = append(stored, &spatial.Feature{ID: strconv.Itoa(i), Geom: p, Bound: p.Bound(), Props: []any{"x", int64(i), true}})
	}
	s.cfg.Index.Put(l.ID, 1, stored)
	b.ReportAllocs()
	for b.Loop() {
		feats := make([]*spatial.Feature, len(stored))
		for i, f := range stored {
			feats[i] = &spatial.Feature{ID: f.ID, Geom: f.Geom, Bound: f.Bound, Props: make([]any, len(view.Fields))}
		}
		unlock := s.writes.lock(l, len(feats), func(i int) string { return feats[i].ID })
		if _, err := s.mergeHidden(l, pos, feats, &ingest.Report{Accepted: len(feats)}, false); err != nil {
			b.Fatal(err)
		}
		unlock()
	}
}
