package sim

import (
	"fmt"
	"time"

	"github.com/paulmach/orb"
)

// Event kinds, as the twin's rules name their alerts.
const (
	SignalLoss  = "signal_loss"
	OutsideZone = "outside_permitted_zone"
	Gathering   = "gathering"
	Encounter   = "encounter"
)

// The scripted events' timing, past the rules' thresholds with a margin:
// 7.5 h of silence (rule: 6 h), 4 h together for the gathering and 3 h for
// the encounter (rule: 2 h), 1 kn for the encounter (rule: < 2 kn), loops
// of 150–250 m for the gathering (rule: within 1 km), 150 m apart for the
// encounter (rule: 500 m).
const (
	silence      = 7*time.Hour + 30*time.Minute
	gatherFor    = 4 * time.Hour
	meetFor      = 3 * time.Hour
	driftKn      = 1.0
	meetApart    = 150.0
	gatherAt     = 7 * time.Hour // after the start
	meetAt       = 7*time.Hour + 30*time.Minute
	scriptedKnLo = 8.5
)

func (b *builder) script() error {
	if err := b.gathering(b.vs[2:7]); err != nil {
		return err
	}
	if err := b.encounter(b.vs[7], b.vs[8]); err != nil {
		return err
	}
	b.silentTrip(b.vs[0])
	return b.outsideTrip(b.vs[1])
}

func (b *builder) knots() float64 { return scriptedKnLo + b.rng.Float64() }

// gathering sends five vessels to one place, arriving 8 minutes apart, to
// circle it for gatherFor, then home.
func (b *builder) gathering(ms []*vessel) error {
	c, err := b.placeFor(ms, 1000, true)
	if err != nil {
		return err
	}
	arrive := b.cfg.Start.Add(gatherAt)
	leave := arrive.Add(time.Duration(len(ms))*8*time.Minute + gatherFor)
	for i, m := range ms {
		r := 150 + 100*b.rng.Float64()
		at := offset(c, r, b.rng.Float64()*360)
		kn := b.knots()
		if err := b.sailToArrive(m, at, kn, arrive.Add(time.Duration(i)*8*time.Minute)); err != nil {
			return err
		}
		// They leave 20 minutes apart: the first to go leaves four, no
		// longer a gathering, and none sails home in another's company.
		m.plan.loop(c, r, 2.8+0.6*b.rng.Float64(), leave.Add(time.Duration(i)*20*time.Minute).Sub(m.plan.t))
		b.home(m, kn, c)
	}
	return nil
}

// encounter brings two vessels side by side, meetApart metres apart,
// drifting at driftKn for meetFor, then home.
func (b *builder) encounter(x, y *vessel) error {
	c, err := b.placeFor([]*vessel{x, y}, 4000, false)
	if err != nil {
		return err
	}
	course := b.rng.Float64() * 360
	drift := driftKn * metresPerSecond * (meetFor + 15*time.Minute).Seconds()
	start := offset(c, drift/2, course+180)
	meet := b.cfg.Start.Add(meetAt)
	kx, ky := b.knots(), b.knots()
	if err := b.sailToArrive(x, start, kx, meet.Add(-15*time.Minute)); err != nil {
		return err
	}
	x.plan.drift(course, driftKn, meetFor+15*time.Minute)
	side := offset(offset(start, driftKn*metresPerSecond*15*60, course), meetApart, course+90)
	if err := b.sailToArrive(y, side, ky, meet); err != nil {
		return err
	}
	y.plan.drift(course, driftKn, meetFor)
	b.home(x, kx, c)
	b.home(y, ky, c)
	return nil
}

// placeFor finds an event place the members can sail to straight from
// their ports, moving them to other home ports until one is found (some
// ports face a bay with no straight way out to the offshore band).
func (b *builder) placeFor(ms []*vessel, ext float64, protect bool) (orb.Point, error) {
	var err error
	for try := 0; try < 40; try++ {
		homes := make([]Port, len(ms))
		for i, m := range ms {
			homes[i] = m.home
		}
		var c orb.Point
		if c, err = b.lay.place(b.rng, homes, ext, protect); err == nil {
			return c, nil
		}
		for _, m := range ms {
			m.home = b.w.Home[b.rng.IntN(len(b.w.Home))]
			m.plan = plan{t: b.cfg.Start, pos: m.home.At}
		}
	}
	return orb.Point{}, err
}

// sailToArrive leaves port in time to reach at by when.
func (b *builder) sailToArrive(v *vessel, at orb.Point, kn float64, when time.Time) error {
	d := v.home.out() + dist(v.home.Offing, at)
	dep := when.Add(-time.Duration(d / (kn * metresPerSecond) * float64(time.Second)))
	if dep.Before(v.plan.t) {
		return fmt.Errorf("sim: %s cannot reach its scripted place in time", v.ID)
	}
	v.plan.stayUntil(dep)
	v.plan.sail(v.home.Gate, kn)
	v.plan.sail(v.home.Offing, kn)
	v.plan.sail(at, kn)
	return nil
}

// silentTrip fishes offshore and goes silent an hour after it began.
func (b *builder) silentTrip(v *vessel) {
	g, err := b.pickHome(v)
	if err != nil {
		return // no ground: trips reports it
	}
	v.g = &g
	v.plan.stayUntil(b.cfg.Start.Add(time.Duration(b.rng.Float64() * float64(30*time.Minute))))
	began := b.fishTrip(v, g, b.knots(), 3, silence+2*time.Hour)
	from := began.Add(time.Hour)
	v.silent = []window{{from, from.Add(silence)}}
}

// outsideTrip takes a coastal-class vessel out to the inshore band to fish.
func (b *builder) outsideTrip(v *vessel) error {
	g, err := b.lay.pick(b.rng, v.home, Coastal, Inshore)
	for _, i := range b.rng.Perm(len(b.w.Home)) {
		if err == nil {
			break
		}
		v.home = b.w.Home[i]
		v.plan = plan{t: b.cfg.Start, pos: v.home.At}
		g, err = b.lay.pick(b.rng, v.home, Coastal, Inshore)
	}
	if err != nil {
		return err
	}
	v.plan.stayUntil(b.cfg.Start.Add(30*time.Minute + time.Duration(b.rng.Float64()*float64(30*time.Minute))))
	b.fishTrip(v, g, b.knots(), 3, 4*time.Hour)
	return nil
}
