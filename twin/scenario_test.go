package twin

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"bando/ingest/feeds"
)

// sail is a vessel's fixes every `every` from `from` for `dur`, starting
// at (lon, lat) and moving dlon degrees east per fix.
func sail(id string, from, dur, every time.Duration, lon, lat, dlon, sog float64) []feeds.Position {
	var ps []feeds.Position
	for at, i := from, 0; at <= from+dur; at, i = at+every, i+1 {
		ps = append(ps, pos(id, at, lon+float64(i)*dlon, lat, sog))
	}
	return ps
}

// drift is a vessel staying near (lon, lat), wobbling by up to ~100 m.
func drift(id string, from, dur, every time.Duration, lon, lat, sog float64) []feeds.Position {
	var ps []feeds.Position
	for at, i := from, 0; at <= from+dur; at, i = at+every, i+1 {
		w := float64(i%3-1) * 0.0008
		ps = append(ps, pos(id, at, lon+w, lat-w, sog))
	}
	return ps
}

func obs(sensor string, at time.Duration, v float64) feeds.Observation {
	return feeds.Observation{Sensor: sensor, Quantity: "pm25", T: t0.Add(at), Value: v, Unit: "µg/m³", Source: "http"}
}

type scenario struct {
	name     string
	registry []feeds.Vessel
	ps       []feeds.Position
	os       []feeds.Observation
	until    time.Duration // the feed clock's last tick
	want     []string      // "kind objects level" per alert, in opening order
}

// normal is ordinary traffic: offshore vessels of 20 m steaming at 8 kn
// (about 2.5 km per 10 min), fixes every 10 minutes for dur.
func normal(dur time.Duration) []feeds.Position {
	var ps []feeds.Position
	for i := range 8 {
		ps = append(ps, sail(fmt.Sprintf("n%d", i), 0, dur, 10*time.Minute, 107.5, 9.5+0.1*float64(i), 0.0023, 8)...)
	}
	return ps
}

func big(id string) feeds.Vessel {
	return feeds.Vessel{ID: id, LengthM: 20, HomeProvince: "79", Kind: "fishing"}
}
func small(id string) feeds.Vessel {
	return feeds.Vessel{ID: id, LengthM: 10, HomeProvince: "79", Kind: "fishing"}
}

func TestScenarios(t *testing.T) {
	var bigs []feeds.Vessel
	for i := range 8 {
		bigs = append(bigs, big(fmt.Sprintf("n%d", i)))
	}
	gatherers := func(sog float64) []feeds.Position {
		var ps []feeds.Position
		for i := range 6 {
			ps = append(ps, drift(fmt.Sprintf("g%d", i), 0, 3*time.Hour, 10*time.Minute, 107.8+0.002*float64(i), 10.2, sog)...)
		}
		return ps
	}
	cases := []scenario{
		{name: "normal traffic", registry: bigs, ps: normal(12 * time.Hour), until: 12 * time.Hour},
		{name: "signal loss at sea", registry: bigs,
			ps:    append(normal(12*time.Hour), sail("x", 0, 2*time.Hour, 10*time.Minute, 107.6, 10.5, 0.002, 7)...),
			until: 12 * time.Hour, want: []string{"signal_loss [x] yellow"}},
		{name: "signal loss escalates to red", registry: bigs,
			ps:    sail("x", 0, time.Hour, 10*time.Minute, 107.6, 10.5, 0.002, 7),
			until: 11 * 24 * time.Hour, want: []string{"signal_loss [x] red"}},
		{name: "silence in port is no signal loss",
			ps:    sail("x", 0, time.Hour, 10*time.Minute, 107.001, 10.0, 0, 0),
			until: 12 * time.Hour},
		{name: "outside permitted zone", registry: append(bigs, big("z")),
			ps: append(normal(4*time.Hour), append(sail("z", 0, 2*time.Hour, 10*time.Minute, 107.7, 10.8, 0.0023, 8),
				sail("z", 3*time.Hour, 30*time.Minute, 10*time.Minute, 107.3, 10.8, 0, 3)...)...),
			until: 4 * time.Hour, want: []string{"outside_permitted_zone [z] red"}},
		{name: "small vessel in its coastal band", registry: registry(small("c")),
			ps:    sail("c", 0, 2*time.Hour, 10*time.Minute, 107.05, 10.5, 0, 3),
			until: 2 * time.Hour},
		{name: "encounter", registry: bigs,
			ps: append(normal(3*time.Hour), append(drift("e1", 0, 3*time.Hour, 10*time.Minute, 108.0, 10.6, 1),
				drift("e2", 5*time.Minute, 3*time.Hour, 10*time.Minute, 108.002, 10.6, 1.5)...)...),
			until: 3 * time.Hour, want: []string{"encounter [e1 e2] red"}},
		{name: "gathering", registry: bigs, ps: append(normal(3*time.Hour), gatherers(3)...), until: 3 * time.Hour,
			want: []string{"gathering [g0 g1 g2 g3 g4 g5] yellow"}},
		{name: "slow gathering is no set of encounters", registry: bigs, ps: append(normal(3*time.Hour), gatherers(1)...),
			until: 3 * time.Hour, want: []string{"gathering [g0 g1 g2 g3 g4 g5] yellow"}},
		{name: "big vessel steaming out through the inshore band", registry: registry(big("t")),
			ps:    sail("t", 0, 3*time.Hour, 10*time.Minute, 107.02, 10.5, 0.0035, 10),
			until: 3 * time.Hour},
		{name: "big vessel fishing in the inshore band", registry: registry(big("f")),
			ps:    drift("f", 0, time.Hour, 10*time.Minute, 107.25, 10.5, 3),
			until: time.Hour, want: []string{"outside_permitted_zone [f] red"}},
		{name: "four is no gathering", ps: gatherers(3)[:4*19], until: 3 * time.Hour},
		{name: "pm25 with hysteresis",
			os: []feeds.Observation{obs("s1", 0, 40), obs("s1", 10*time.Minute, 130), obs("s1", 20*time.Minute, 100),
				obs("s1", 30*time.Minute, 60), obs("s1", 40*time.Minute, 50), obs("s1", 50*time.Minute, 140)},
			until: 50 * time.Minute, want: []string{"threshold [s1] red", "threshold [s1] red"}},
		{name: "stale sensor",
			os:    []feeds.Observation{obs("s1", 0, 10), obs("s1", 30*time.Minute, 12)},
			until: 3 * time.Hour, want: []string{"stale [s1] yellow"}},
		{name: "an hourly sensor a little late is not stale",
			os:    []feeds.Observation{obs("s1", 0, 10), obs("s1", time.Hour+20*time.Second, 12), obs("s1", 2*time.Hour+40*time.Second, 11)},
			until: 2*time.Hour + time.Minute},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tw := newTestTwin(t, fixtureRules(), nil)
			play(t, tw, c)
			var got []string
			for _, a := range tw.AllAlerts() {
				got = append(got, fmt.Sprintf("%s %v %s", a.Kind, a.Objects, a.Level))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("alerts:\n got %q\nwant %q", got, c.want)
			}
		})
	}
}

// play feeds a scenario in event time, one value per call as a live feed
// would, then advances the feed clock to until.
func play(t testing.TB, tw *Twin, c scenario) {
	ctx := context.Background()
	if err := tw.Vessels(ctx, c.registry); err != nil {
		t.Fatal(err)
	}
	ps := slices.Clone(c.ps)
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].T.Before(ps[j].T) })
	i, j := 0, 0
	for i < len(ps) || j < len(c.os) {
		if j >= len(c.os) || i < len(ps) && ps[i].T.Before(c.os[j].T) {
			if err := tw.Positions(ctx, ps[i:i+1]); err != nil {
				t.Fatal(err)
			}
			i++
			continue
		}
		if err := tw.Observations(ctx, c.os[j:j+1]); err != nil {
			t.Fatal(err)
		}
		j++
	}
	if err := tw.Tick(ctx, t0.Add(c.until)); err != nil {
		t.Fatal(err)
	}
}

func TestSignalLossOpensAtThreshold(t *testing.T) {
	tw := newTestTwin(t, fixtureRules(), nil)
	play(t, tw, scenario{ps: sail("x", 0, time.Hour, 10*time.Minute, 107.6, 10.5, 0.002, 7), until: 8 * time.Hour})
	as := tw.AllAlerts()
	if len(as) != 1 || !as[0].OpenedAt.Equal(t0.Add(7*time.Hour)) || as[0].ResolvedAt != nil {
		t.Fatalf("want one open signal_loss opened at the last fix + 6 h, got %+v", as)
	}
	// The next fix resolves it at its own time.
	if err := tw.Positions(context.Background(), []feeds.Position{pos("x", 9*time.Hour, 107.7, 10.5, 5)}); err != nil {
		t.Fatal(err)
	}
	as = tw.AllAlerts()
	if as[0].State != Resolved || !as[0].ResolvedAt.Equal(t0.Add(9*time.Hour)) {
		t.Fatalf("want resolved at the next fix, got %+v", as[0])
	}
}

func TestImplausibleKeptOutOfRules(t *testing.T) {
	tw := newTestTwin(t, fixtureRules(), nil)
	ctx := context.Background()
	ps := []feeds.Position{
		pos("v", 0, 107.6, 10.5, 5),
		pos("v", 10*time.Minute, 107.61, 10.5, 5),
		pos("v", 10*time.Minute, 107.61, 10.5, 5), // duplicate
		pos("v", 5*time.Minute, 107.605, 10.5, 5), // out of order
		pos("v", 20*time.Minute, 0, 0, 5),         // null island
		pos("v", 25*time.Minute, 181, 91, 5),      // AIS "not available"
		pos("v", 30*time.Minute, 108.5, 10.5, 5),  // ~120 km in 20 min
	}
	ps[6].Source = "ais"
	if err := tw.Positions(ctx, ps); err != nil {
		t.Fatal(err)
	}
	c := tw.Counts(false)
	want := map[string]map[string]uint64{
		"vms": {"accepted": 2, "duplicate": 1, "out_of_order": 1, "implausible_null": 2},
		"ais": {"implausible_jump": 1},
	}
	for src, m := range want {
		for k, n := range m {
			if c[src][k] != n {
				t.Errorf("%s %s = %d, want %d (all %v)", src, k, c[src][k], n, c)
			}
		}
	}
	st, err := tw.State(ctx, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(st) != 1 || st[0].Lon != 107.61 {
		t.Fatalf("state = %+v, want the last plausible fix", st)
	}
	if f, ok := tw.cfg.Index.Get("vessels", "v"); !ok || f.Bound.Min[0] != 107.61 {
		t.Fatalf("index holds %+v", f)
	}
}

func TestParseRulesDefaults(t *testing.T) {
	r, err := ParseRules([]byte("rules:\n  signal_loss: {after: 3h}\n  permitted_zones: {offshore: khoi}\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r.SignalLoss.After != 3*time.Hour || r.SignalLoss.RedAfter != 240*time.Hour || r.Zones.Offshore != "khoi" ||
		r.Gathering.MinVessels != 5 || r.Zones.Consecutive != 2 {
		t.Fatalf("rules = %+v", r)
	}
	if _, err := ParseRules([]byte("rules:\n  thresholds: [{quantity: x, raise: 1, clear: 2}]\n")); err == nil ||
		!strings.Contains(err.Error(), "clear") {
		t.Fatalf("want a clear-above-raise error, got %v", err)
	}
}

// TestOneZoneLayer runs the permitted-zone rule on one layer whose band
// field names the zones.
func TestOneZoneLayer(t *testing.T) {
	r := DefaultRules()
	r.Zones = PermittedZones{Layer: "fishing_zones", ClassField: "band", Coastal: "ven_bo", Inshore: "long",
		Offshore: "khoi", ProvinceField: "province", Consecutive: 2, TransitKn: 5}
	for _, c := range []scenario{
		{name: "big vessel offshore", registry: registry(big("a")), ps: drift("a", 0, time.Hour, 10*time.Minute, 107.6, 10.5, 3)},
		{name: "small vessel in its province's band", registry: registry(small("b")), ps: drift("b", 0, time.Hour, 10*time.Minute, 107.05, 10.5, 3)},
		{name: "small vessel inshore", registry: registry(small("c")), ps: drift("c", 0, time.Hour, 10*time.Minute, 107.2, 10.5, 3),
			want: []string{"outside_permitted_zone [c] red fishing_zones:ven_bo"}},
		{name: "small vessel of another province", registry: registry(feeds.Vessel{ID: "d", LengthM: 9, HomeProvince: "77"}),
			ps: drift("d", 0, time.Hour, 10*time.Minute, 107.05, 10.5, 3), want: []string{"outside_permitted_zone [d] red fishing_zones:ven_bo"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			tw := newTestTwin(t, r, nil)
			c.until = time.Hour
			play(t, tw, c)
			var got []string
			for _, a := range tw.AllAlerts() {
				got = append(got, fmt.Sprintf("%s %v %s %s", a.Kind, a.Objects, a.Level, a.Zone))
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("alerts %q, want %q", got, c.want)
			}
		})
	}
	r.Zones.ClassField = "nope"
	cat, idx := fixtureIndex(t)
	if _, err := New(context.Background(), Config{Catalog: cat, Index: idx, Rules: r}); err == nil {
		t.Error("a class field the layer lacks must be refused")
	}
}
