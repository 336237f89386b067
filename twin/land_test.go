package twin

import (
	"context"

	"bando/ingest/feeds"
	"testing"
	"time"
)

func TestOnLandFarFromWaterIsImplausible(t *testing.T) {
	r := fixtureRules()
	r.Land = LandRule{Layer: "land", Coast: "coast", MarginM: 20000}
	tw := newTestTwin(t, r, nil)
	cases := []struct {
		name string
		lon  float64
		want string
	}{
		{"sea", 107.3, "accepted"},
		{"beach, 5 km from the coast", 106.955, "accepted"},
		{"15 km inland", 106.863, "accepted"},
		{"25 km inland", 106.771, "implausible_land"},
		{"deep inland", 106.3, "implausible_land"},
	}
	for i, c := range cases {
		src := c.name
		p := pos("v"+string(rune('a'+i)), time.Minute, c.lon, 10.3, 5)
		p.Source = src
		if err := tw.Positions(context.Background(), []feeds.Position{p}); err != nil {
			t.Fatal(err)
		}
		if n := tw.Counts(false)[src][c.want]; n != 1 {
			t.Errorf("%s (lon %g): %v, want one %s", c.name, c.lon, tw.Counts(false)[src], c.want)
		}
	}
	st, err := tw.State(context.Background(), t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 3 {
		t.Fatalf("state holds %d objects, want the 3 plausible ones: %+v", len(st), st)
	}
}

func TestLandRuleOff(t *testing.T) {
	tw := newTestTwin(t, fixtureRules(), nil) // Land.Layer empty: off
	p := pos("v", time.Minute, 106.3, 10.3, 5)
	if err := tw.Positions(context.Background(), []feeds.Position{p}); err != nil {
		t.Fatal(err)
	}
	if n := tw.Counts(false)["vms"]["accepted"]; n != 1 {
		t.Fatalf("with the land rule off a fix inland is accepted: %v", tw.Counts(false))
	}
}

func BenchmarkBuildLandMask(b *testing.B) {
	_, idx := fixtureIndex(b)
	r := LandRule{Layer: "land", Coast: "coast", MarginM: 20000}
	for b.Loop() {
		if m := buildLandMask(idx, r, "ports"); len(m.deep) == 0 {
			b.Fatal("no deep cells")
		}
	}
}
