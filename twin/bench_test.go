package twin

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"bando/ingest/feeds"
	"bando/spatial"
	"bando/store"

	"github.com/paulmach/orb"
)

// benchFleet is the benchmark of the issue: 10,000 live vessels, 1,000
// zone polygons (a geofence layer of 40 × 25 squares over the fixture
// sea) besides the three permitted-zone bands, and every rule on.
const benchVessels, benchZones = 10000, 1000

func benchTwin(b testing.TB, st *store.Pebble) (*Twin, []feeds.Position) {
	r := fixtureRules()
	r.Geofences = []Geofence{{Layer: "zones", Enter: true, Exit: true}}
	cat, idx := fixtureIndex(b)
	var zs []*spatial.Feature
	for i := range benchZones {
		x, y := 107.0+float64(i%40)*0.05, 9.0+float64(i/40)*0.08
		p := orb.Polygon{{{x, y}, {x + 0.04, y}, {x + 0.04, y + 0.07}, {x, y + 0.07}, {x, y}}}
		zs = append(zs, &spatial.Feature{ID: fmt.Sprint(i), Geom: p, Bound: p.Bound()})
	}
	idx.Put("zones", 1, zs)
	tw, err := New(context.Background(), Config{Catalog: cat, Index: idx, Store: st, Rules: r, FeedClock: true})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var reg []feeds.Vessel
	ps := make([]feeds.Position, benchVessels)
	for i := range ps {
		id := fmt.Sprintf("VN-%05d", i)
		reg = append(reg, feeds.Vessel{ID: id, LengthM: 6 + rng.Float64()*20, HomeProvince: "79"})
		ps[i] = feeds.Position{ID: id, Lon: 107.05 + rng.Float64()*1.9, Lat: 9.05 + rng.Float64()*1.9,
			SOG: rng.Float64() * 10, COG: rng.Float64() * 360, Source: "ais"}
	}
	if err := tw.Vessels(context.Background(), reg); err != nil {
		b.Fatal(err)
	}
	return tw, ps
}

// runFleet sends n position updates in batches of batch: every vessel in
// turn, one minute later each round, a few hundred metres on.
func runFleet(b testing.TB, tw *Twin, ps []feeds.Position, n, batch int) {
	ctx := context.Background()
	buf := make([]feeds.Position, 0, batch)
	round := 0
	for sent := 0; sent < n; {
		for i := range ps {
			p := &ps[i]
			p.T = t0.Add(time.Duration(round) * time.Minute)
			p.Lon += 0.002
			if p.Lon > 108.95 {
				p.Lon = 107.05
			}
			buf = append(buf, *p)
			if len(buf) == batch || sent+len(buf) == n {
				if err := tw.Positions(ctx, buf); err != nil {
					b.Fatal(err)
				}
				sent += len(buf)
				buf = buf[:0]
				if sent == n {
					return
				}
			}
		}
		round++
	}
}

func benchPositions(b *testing.B, durable bool) {
	var st *store.Pebble
	if durable {
		var err error
		if st, err = store.OpenPebble(b.TempDir(), nil); err != nil {
			b.Fatal(err)
		}
		defer st.Close()
	}
	tw, ps := benchTwin(b, st)
	runFleet(b, tw, ps, benchVessels, 1000) // every vessel placed once
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	runFleet(b, tw, ps, b.N, 1000)
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "positions/s")
}

// BenchmarkPositions is in-process updates with every rule on, in memory.
func BenchmarkPositions(b *testing.B) { benchPositions(b, false) }

// BenchmarkPositionsDurable adds the store: every batch of 1,000 is on
// disk (fsync) before the call returns.
func BenchmarkPositionsDurable(b *testing.B) { benchPositions(b, true) }

// BenchmarkTrackWeek reads one vessel's week at one fix a minute (10,080
// fixes) from the store.
func BenchmarkTrackWeek(b *testing.B) {
	st, err := store.OpenPebble(b.TempDir(), nil)
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	tw := newTestTwin(b, fixtureRules(), st)
	ctx := context.Background()
	// Two vessels interleaved, so the week is not the whole keyspace.
	for day := range 7 {
		var ps []feeds.Position
		for m := range 24 * 60 {
			at := time.Duration(day*24*60+m) * time.Minute
			ps = append(ps, pos("a", at, 107.6+float64(day*24*60+m)*1e-5, 10, 5), pos("b", at, 107.7, 10.1, 5))
		}
		if err := tw.Positions(ctx, ps); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		n := 0
		err := tw.Track(ctx, "a", t0, t0.Add(7*24*time.Hour), func(store.TrackPoint) error { n++; return nil })
		if err != nil || n != 7*24*60 {
			b.Fatalf("%d fixes, %v", n, err)
		}
	}
}
