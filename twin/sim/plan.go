package sim

import (
	"math"
	"math/rand/v2"
	"time"

	"bando/ingest/feeds"

	"github.com/paulmach/orb"
)

// metresPerSecond is one knot.
const metresPerSecond = 1852.0 / 3600

type legKind int

const (
	stay   legKind = iota
	line           // a → b at kn
	circle         // around a at radius r, from bearing phase, clockwise
	trawl          // a → b → a … at kn
)

// leg is one piece of a vessel's motion over [t0, t1].
type leg struct {
	kind       legKind
	t0, t1     time.Time
	a, b       orb.Point
	r, phase   float64
	kn         float64
	fishingLeg bool
}

// at is the position, speed (kn) and course (°) at t within the leg.
func (l leg) at(t time.Time) (orb.Point, float64, float64) {
	dt := t.Sub(l.t0).Seconds()
	switch l.kind {
	case line:
		f := 1.0
		if d := l.t1.Sub(l.t0).Seconds(); d > 0 {
			f = min(1, max(0, dt/d))
		}
		return lerp(l.a, l.b, f), l.kn, bearing(l.a, l.b)
	case circle:
		deg := l.phase + dt*l.kn*metresPerSecond/l.r*180/math.Pi
		return offset(l.a, l.r, deg), l.kn, math.Mod(deg+90, 360)
	case trawl:
		length := dist(l.a, l.b)
		s := math.Mod(dt*l.kn*metresPerSecond, 2*length)
		if s < length {
			return lerp(l.a, l.b, s/length), l.kn, bearing(l.a, l.b)
		}
		return lerp(l.b, l.a, s/length-1), l.kn, bearing(l.b, l.a)
	}
	return l.a, 0, 0
}

// plan is a vessel's motion: contiguous legs from the start.
type plan struct {
	legs []leg
	t    time.Time // the end of the last leg
	pos  orb.Point // the position there
}

func (p *plan) add(l leg) {
	p.legs = append(p.legs, l)
	p.t = l.t1
	p.pos, _, _ = l.at(l.t1)
}

// stayUntil keeps the vessel where it is (in port) until t.
func (p *plan) stayUntil(t time.Time) {
	if t.After(p.t) {
		p.add(leg{kind: stay, t0: p.t, t1: t, a: p.pos})
	}
}

// sail goes straight to b at kn.
func (p *plan) sail(b orb.Point, kn float64) {
	d := time.Duration(dist(p.pos, b) / (kn * metresPerSecond) * float64(time.Second))
	p.add(leg{kind: line, t0: p.t, t1: p.t.Add(d), a: p.pos, b: b, kn: kn})
}

// loop circles centre c at radius r for d, from the vessel's bearing off c.
func (p *plan) loop(c orb.Point, r, kn float64, d time.Duration) {
	p.add(leg{kind: circle, t0: p.t, t1: p.t.Add(d), a: c, r: r, phase: bearing(c, p.pos), kn: kn, fishingLeg: true})
}

// tow trawls between the vessel's position and b for d.
func (p *plan) tow(b orb.Point, kn float64, d time.Duration) {
	p.add(leg{kind: trawl, t0: p.t, t1: p.t.Add(d), a: p.pos, b: b, kn: kn, fishingLeg: true})
}

// drift goes on bearing deg at a slow kn for d (lying to, transhipping).
func (p *plan) drift(deg, kn float64, d time.Duration) {
	b := offset(p.pos, kn*metresPerSecond*d.Seconds(), deg)
	p.add(leg{kind: line, t0: p.t, t1: p.t.Add(d), a: p.pos, b: b, kn: kn})
}

// at evaluates the plan at t (the last leg's end after it).
func (p *plan) at(t time.Time) (orb.Point, float64, float64) {
	for i := range p.legs {
		if !t.After(p.legs[i].t1) {
			return p.legs[i].at(t)
		}
	}
	return p.pos, 0, 0
}

// window is a time range [from, to) in which a vessel sends nothing.
type window struct{ from, to time.Time }

// fixes samples the plan every ~every (±20 %) over [from, to), skipping
// the silent windows, rounded as a VMS unit reports: whole seconds, 1e-6°,
// 0.1 kn, 1°.
func (p *plan) fixes(rng *rand.Rand, id string, every time.Duration, from, to time.Time, silent []window) []feeds.Position {
	var out []feeds.Position
	jit := func() time.Duration { return time.Duration((0.8 + 0.4*rng.Float64()) * float64(every)) }
	for t := from.Add(time.Duration(rng.Float64() * float64(every))); t.Before(to); t = t.Add(jit()) {
		t = t.Truncate(time.Second)
		pt, sog, cog := p.at(t)
		if sog > 0 {
			sog = max(0.1, sog+0.2*(rng.Float64()*2-1))
		}
		quiet := false
		for _, w := range silent {
			quiet = quiet || !t.Before(w.from) && t.Before(w.to)
		}
		if quiet {
			continue
		}
		out = append(out, feeds.Position{ID: id, T: t, Lon: round(pt[0], 1e6), Lat: round(pt[1], 1e6),
			SOG: round(sog, 10), COG: math.Mod(math.Round(cog), 360), Source: "vms"})
	}
	return out
}

func round(v, scale float64) float64 { return math.Round(v*scale) / scale }
