package query

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// TestTallyFollowsRun: after rounds of random writes and deletes, each
// tally's figures equal Run's for the same question (float sums within
// rounding), group by group.
func TestTallyFollowsRun(t *testing.T) {
	cat, ix, w := newWorld(t, 7, 3000, 300, 300)
	e := New(ix, cat, Limits{})
	ctx := context.Background()
	questions := []string{
		`{"layer":"pts","group_by":["admin:communes"],"aggregate":[{"op":"count"}]}`,
		`{"layer":"pts","filter":{"field":"status","op":"=","value":"fault"},"group_by":["admin:communes"],"aggregate":[{"op":"sum","field":"power_w"}]}`,
		`{"layer":"pts","group_by":["admin:communes"],"aggregate":[{"op":"avg","field":"floors"}]}`,
		`{"layer":"lns","group_by":["admin:communes"],"aggregate":[{"op":"length_m"}]}`,
		`{"layer":"pgs","filter":{"field":"floors","op":">=","value":3},"group_by":["admin:communes"],"aggregate":[{"op":"area_m2"}]}`,
	}
	tallies := make([]*Tally, len(questions))
	for i, body := range questions {
		q, err := Parse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if tallies[i], err = e.NewTally(ctx, layers.Anonymous, q); err != nil {
			t.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(8, 8))
	version := uint64(1)
	for round := range 6 {
		changed := map[string][]string{}
		for _, l := range []string{"pts", "lns", "pgs"} {
			fs := w.feats[l]
			var put []*spatial.Feature
			var del []string
			for range 40 {
				f := fs[rng.IntN(len(fs))]
				switch rng.IntN(3) {
				case 0: // moved to another commune's box
					c := w.communes[rng.IntN(len(w.communes))].Bound.Center()
					d := orb.Point{c[0] - f.Bound.Center()[0], c[1] - f.Bound.Center()[1]}
					g := moved(f.Geom, d)
					put = append(put, &spatial.Feature{ID: f.ID, Geom: g, Bound: g.Bound(), Props: f.Props})
				case 1: // new values
					put = append(put, &spatial.Feature{ID: f.ID, Geom: f.Geom, Bound: f.Bound,
						Props: []any{int64(rng.IntN(10)), []string{"on", "off", "fault"}[rng.IntN(3)], float64(rng.IntN(500))}})
				default:
					del = append(del, f.ID)
				}
			}
			// A new feature too, and a deleted id written back.
			nf := &spatial.Feature{ID: fmt.Sprintf("new-%d", round), Geom: fs[0].Geom, Bound: fs[0].Bound, Props: fs[0].Props}
			put = append(put, nf)
			version++
			ix.Put(l, version, put)
			version++
			ix.Delete(l, version, del)
			for _, f := range put {
				changed[l] = append(changed[l], f.ID)
			}
			changed[l] = append(changed[l], del...)
		}
		for i, body := range questions {
			tl := tallies[i]
			if err := tl.Update(ctx, changed[tl.pl.layer.ID]); err != nil {
				t.Fatal(err)
			}
			q, _ := Parse([]byte(body))
			want, err := e.Run(ctx, layers.Anonymous, q)
			if err != nil {
				t.Fatal(err)
			}
			sameGroups(t, fmt.Sprintf("round %d, %s", round, body), tl.Result(), want)
		}
	}
}

func moved(g orb.Geometry, d orb.Point) orb.Geometry {
	mv := func(p orb.Point) orb.Point { return orb.Point{p[0] + d[0], p[1] + d[1]} }
	switch g := g.(type) {
	case orb.Point:
		return mv(g)
	case orb.LineString:
		out := orb.LineString{}
		for _, p := range g {
			out = append(out, mv(p))
		}
		return out
	case orb.Polygon:
		out := orb.Polygon{}
		for _, r := range g {
			nr := orb.Ring{}
			for _, p := range r {
				nr = append(nr, mv(p))
			}
			out = append(out, nr)
		}
		return out
	}
	return g
}

func sameGroups(t *testing.T, what string, got, want *Result) {
	t.Helper()
	if len(got.Groups) != len(want.Groups) {
		t.Fatalf("%s: %d groups, want %d", what, len(got.Groups), len(want.Groups))
	}
	same := func(a, b any) bool {
		x, okx := a.(float64)
		y, oky := b.(float64)
		if okx && oky {
			return math.Abs(x-y) <= 1e-9*math.Max(1, math.Abs(y))
		}
		return a == b
	}
	for i := range want.Groups {
		g, h := got.Groups[i], want.Groups[i]
		if g.Key[0] != h.Key[0] || !same(g.Figures[0], h.Figures[0]) {
			t.Fatalf("%s: group %d is %v %v, want %v %v", what, i, g.Key, g.Figures, h.Key, h.Figures)
		}
	}
	if !same(got.Total.Figures[0], want.Total.Figures[0]) || got.Matched != want.Matched {
		t.Fatalf("%s: total %v (%d), want %v (%d)", what, got.Total.Figures, got.Matched, want.Total.Figures, want.Matched)
	}
}

// TestTallyRefuses: min and max cannot be taken apart, nor a question
// not grouped by one admin layer; a written admin layer makes it stale.
func TestTallyRefuses(t *testing.T) {
	cat, ix, w := newWorld(t, 9, 100, 0, 0)
	e := New(ix, cat, Limits{})
	ctx := context.Background()
	for _, body := range []string{
		`{"layer":"pts","group_by":["admin:communes"],"aggregate":[{"op":"max","field":"floors"}]}`,
		`{"layer":"pts","group_by":["field:status"],"aggregate":[{"op":"count"}]}`,
		`{"layer":"pts","group_by":["admin:communes","field:status"],"aggregate":[{"op":"count"}]}`,
	} {
		q, err := Parse([]byte(body))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.NewTally(ctx, layers.Anonymous, q); err != ErrNotIncremental {
			t.Errorf("%s: %v, want ErrNotIncremental", body, err)
		}
	}
	q, _ := Parse([]byte(`{"layer":"pts","group_by":["admin:communes"],"aggregate":[{"op":"count"}]}`))
	tl, err := e.NewTally(ctx, layers.Anonymous, q)
	if err != nil {
		t.Fatal(err)
	}
	ix.Put("communes", 2, w.communes[:1])
	if err := tl.Update(ctx, nil); err != ErrTallyStale {
		t.Errorf("after a commune write: %v, want ErrTallyStale", err)
	}
}
