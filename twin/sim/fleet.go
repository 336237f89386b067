package sim

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"time"

	"bando/ingest/feeds"

	"github.com/paulmach/orb"
)

// Config says what to simulate.
type Config struct {
	N     int       // vessels
	Seed  uint64    // the same seed gives the same fleet, byte for byte
	Start time.Time // the fleet starts in port at Start
	Hours float64
	// Events scripts the IUU events (needs N ≥ Scripted and Hours ≥
	// MinEventHours).
	Events bool
}

// Scripted is how many vessels the scripted events take: one silent, one
// outside its zone, five gathering, two meeting.
const Scripted = 9

// MinEventHours is the shortest run that holds every scripted event and
// the scripted vessels' return to port.
const MinEventHours = 24

// Fleet is a simulation's output.
type Fleet struct {
	Registry  []feeds.Vessel
	Positions []feeds.Position // by time, then id
	Truth     []Event
}

// Event is one scripted IUU event. Start is when it begins (the last fix
// before the silence, the first fix outside the zone, the moment the
// vessels are together); Due is when the twin's rule should raise it.
type Event struct {
	Kind    string    `json:"kind"`
	Objects []string  `json:"objects"`
	Start   time.Time `json:"start"`
	Due     time.Time `json:"due"`
}

// vessel is one simulated vessel while it is built.
type vessel struct {
	feeds.Vessel
	band   string
	home   Port
	every  time.Duration
	plan   plan
	silent []window
	g      *ground
}

type builder struct {
	w   *World
	cfg Config
	rng *rand.Rand
	lay *layout
	end time.Time
	vs  []*vessel
}

// Generate sails the fleet.
func Generate(w *World, cfg Config) (*Fleet, error) {
	if cfg.N < 1 || cfg.Hours <= 0 {
		return nil, fmt.Errorf("sim: need at least one vessel and a positive duration")
	}
	if cfg.Events && (cfg.N < Scripted || cfg.Hours < MinEventHours) {
		return nil, fmt.Errorf("sim: the scripted events need at least %d vessels and %d hours", Scripted, MinEventHours)
	}
	b := &builder{w: w, cfg: cfg, rng: rand.New(rand.NewPCG(cfg.Seed, 0x5eed)), lay: &layout{w: w},
		end: cfg.Start.Add(time.Duration(cfg.Hours * float64(time.Hour)))}
	for i := range cfg.N {
		b.vs = append(b.vs, b.newVessel(i))
	}
	var truth []Event
	if cfg.Events {
		if err := b.script(); err != nil {
			return nil, err
		}
	}
	for _, v := range b.vs {
		if err := b.trips(v, time.Duration(b.rng.Float64()*4*float64(time.Hour))); err != nil {
			return nil, err
		}
	}
	f := &Fleet{}
	fixes := map[string][]feeds.Position{}
	for _, v := range b.vs {
		f.Registry = append(f.Registry, v.Vessel)
		fixes[v.ID] = v.plan.fixes(b.rng, v.ID, v.every, cfg.Start, b.end, v.silent)
		f.Positions = append(f.Positions, fixes[v.ID]...)
	}
	sort.SliceStable(f.Positions, func(i, j int) bool {
		a, c := f.Positions[i], f.Positions[j]
		return a.T.Before(c.T) || a.T.Equal(c.T) && a.ID < c.ID
	})
	if cfg.Events {
		var err error
		if truth, err = b.truth(fixes); err != nil {
			return nil, err
		}
	}
	if err := b.check(fixes); err != nil {
		return nil, err
	}
	f.Truth = truth
	return f, nil
}

// newVessel draws a vessel's class and port. The scripted ones come first:
// 0 silent (offshore), 1 outside (coastal class), 2–8 offshore.
func (b *builder) newVessel(i int) *vessel {
	r := b.rng
	length := 15 + 13*r.Float64()
	switch {
	case b.cfg.Events && i == 1:
		length = 8 + 3*r.Float64()
	case b.cfg.Events && i < Scripted:
	case r.Float64() < 0.35:
		length = 6 + 5.5*r.Float64()
	case r.Float64() < 0.4:
		length = 12 + 2.8*r.Float64()
	}
	band := Offshore
	switch {
	case length < 12:
		band = Coastal
	case length < 15:
		band = Inshore
	}
	every := time.Duration(1+9*r.Float64()) * time.Minute
	if b.cfg.Events && i < Scripted {
		every = time.Duration(120+60*r.Float64()) * time.Second // scripted: close fixes, sharp truth
	}
	home := b.w.Home[r.IntN(len(b.w.Home))]
	v := &vessel{band: band, home: home, every: every,
		Vessel: feeds.Vessel{ID: fmt.Sprintf("sim-%03d", i+1), MMSI: uint32(574990001 + i),
			Registration: fmt.Sprintf("SIM-79%03d-TS", i+1), Name: fmt.Sprintf("SIM %03d (synthetic)", i+1),
			LengthM: round(length, 10), HomeProvince: "79", Kind: "fishing"}}
	v.plan = plan{t: b.cfg.Start, pos: home.At}
	return v
}

// trips sends v fishing on its ground, trip after trip, from rest after
// its plan's end, while a whole trip fits before the end; then it stays
// in port.
func (b *builder) trips(v *vessel, rest time.Duration) error {
	r := b.rng
	if v.g == nil {
		g, err := b.pickHome(v)
		if err != nil && len(v.plan.legs) > 0 {
			v.plan.stayUntil(b.end) // a scripted vessel back from its event, with no room left off its port
			return nil
		}
		if err != nil {
			return err
		}
		v.g = &g
	}
	for {
		kn, fish := 7+3*r.Float64(), 2.5+1.3*r.Float64()
		hours := time.Duration((5 + 5*r.Float64()) * float64(time.Hour))
		leg := v.home.out() + dist(v.home.Offing, v.g.at) + 2*v.g.disc().ext
		est := time.Duration(2*leg/(kn*metresPerSecond)*float64(time.Second)) + hours + 30*time.Minute
		dep := v.plan.t.Add(rest)
		if dep.Add(est).After(b.end) {
			break
		}
		v.plan.stayUntil(dep)
		b.fishTrip(v, *v.g, kn, fish, hours)
		rest = time.Duration((4 + 6*r.Float64()) * float64(time.Hour))
	}
	v.plan.stayUntil(b.end)
	return nil
}

// pickHome picks v's ground, from another home port if its own has no room
// or no straight way out (only while v is still in its first port).
func (b *builder) pickHome(v *vessel) (ground, error) {
	g, err := b.lay.pick(b.rng, v.home, v.band, v.band)
	if err == nil || len(v.plan.legs) > 0 {
		return g, err
	}
	for _, i := range b.rng.Perm(len(b.w.Home)) {
		if g, err = b.lay.pick(b.rng, b.w.Home[i], v.band, v.band); err == nil {
			v.home = b.w.Home[i]
			v.plan = plan{t: b.cfg.Start, pos: v.home.At}
			return g, nil
		}
	}
	return g, err
}

// out is the length of the way from the port to its offing.
func (p Port) out() float64 { return dist(p.At, p.Gate) + dist(p.Gate, p.Offing) }

// fishTrip sails out, fishes for d and comes home; it returns when
// fishing began.
func (b *builder) fishTrip(v *vessel, g ground, kn, fish float64, d time.Duration) time.Time {
	p := &v.plan
	p.sail(v.home.Gate, kn)
	p.sail(v.home.Offing, kn)
	p.sail(g.at, kn)
	began := p.t
	if g.trawl {
		p.tow(g.to, fish, d)
	} else {
		p.loop(g.to, g.r, fish, d)
	}
	b.home(v, kn, g.at)
	return began
}

// home sails back to port through via (the point the way out was checked
// to: a straight line from elsewhere on the grounds might cross a cape or
// an island) and the offing.
func (b *builder) home(v *vessel, kn float64, via ...orb.Point) {
	for _, p := range via {
		v.plan.sail(p, kn)
	}
	v.plan.sail(v.home.Offing, kn)
	v.plan.sail(v.home.Gate, kn)
	v.plan.sail(v.home.At, kn)
}
