package sim

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/paulmach/orb"
)

// disc is a reserved sea area: a fishing ground or an event's place.
type disc struct {
	c   orb.Point
	ext float64
}

// layout keeps the fleet's grounds apart: normal vessels fish > 1 km from
// each other (the gathering rule's radius) with a margin, and no normal
// vessel passes near a scripted gathering, which would join it.
type layout struct {
	w         *World
	reserved  []disc
	protected []disc // places no other vessel may pass through
}

const (
	groundGap  = 1500.0 // between the edges of two grounds (rule: 1 km)
	protectGap = 3000.0 // between a transit line and a protected place
)

// ground is where and how a vessel fishes.
type ground struct {
	at    orb.Point // where fishing starts
	trawl bool
	to    orb.Point // the trawl's far end, or the loop's centre
	r     float64   // the loop's radius
}

func (g ground) disc() disc {
	if g.trawl {
		return disc{lerp(g.at, g.to, 0.5), dist(g.at, g.to) / 2}
	}
	return disc{g.to, g.r}
}

// allowed are the bands a vessel of a band may sail through from its port:
// shoreward bands in transit, its own band to fish in.
func allowed(band string) []string {
	switch band {
	case Coastal:
		return []string{Coastal}
	case Inshore:
		return []string{Coastal, Inshore}
	}
	return []string{Coastal, Inshore, Offshore}
}

// reach is the distance range from the gate at which a band's grounds lie.
func reach(band string) (lo, hi float64) {
	switch band {
	case Coastal:
		return 1000, 14000
	case Inshore:
		return 12000, 40000
	}
	return 55000, 90000
}

// pathIn reports whether the straight line a → b lies in the bands,
// sampled every 300 m.
func (w *World) pathIn(a, b orb.Point, bands []string) bool {
	n := int(dist(a, b)/300) + 1
	for i := 0; i <= n; i++ {
		pt := lerp(a, b, float64(i)/float64(n))
		if !slices.Contains(bands, w.Band(pt)) {
			return false
		}
	}
	return true
}

// clear reports whether d keeps its distance from every reserved ground.
func (l *layout) clear(d disc, gap float64) bool {
	for _, r := range l.reserved {
		if dist(d.c, r.c) < d.ext+r.ext+gap {
			return false
		}
	}
	return true
}

// passable reports whether every line from a to a point within ext of b
// keeps off protected places (a vessel sails home from anywhere on its
// ground).
func (l *layout) passable(a, b orb.Point, ext float64) bool {
	for _, p := range l.protected {
		if segDist(p.c, a, b) < p.ext+protectGap+ext {
			return false
		}
	}
	return true
}

// pick finds a ground for a vessel of band sailing from home, fishing in
// fish (its own band, or another for a scripted zone violation), and
// reserves it.
func (l *layout) pick(rng *rand.Rand, home Port, band, fish string) (ground, error) {
	lo, hi := reach(fish)
	through := allowed(band)
	if !slices.Contains(through, fish) {
		through = append(through, fish)
	}
	for try := 0; try < 600; try++ {
		at := offset(home.Offing, lo+rng.Float64()*(hi-lo), rng.Float64()*360)
		g := ground{at: at}
		if rng.IntN(2) == 0 {
			g.trawl, g.to = true, offset(at, 2000+2000*rng.Float64(), rng.Float64()*360)
		} else {
			g.r = 500 + 700*rng.Float64()
			g.to = offset(at, g.r, rng.Float64()*360)
		}
		d := g.disc()
		if !l.clear(d, groundGap) || !l.passable(home.Offing, d.c, d.ext) || !l.w.fits(d, fish) || !l.w.patternIn(g, fish) ||
			!l.w.pathIn(home.Offing, at, through) || (fish != Coastal && l.w.PortDist(d.c) < 12000+d.ext) {
			continue
		}
		l.reserved = append(l.reserved, d)
		return g, nil
	}
	return ground{}, fmt.Errorf("sim: no room for another %s ground off %s: use fewer vessels", fish, home.Name)
}

// patternIn reports whether the fishing track itself lies in the band:
// the trawl line, or the loop sampled every 10°.
func (w *World) patternIn(g ground, band string) bool {
	if g.trawl {
		return w.pathIn(g.at, g.to, []string{band})
	}
	for a := 0.0; a < 360; a += 10 {
		if !w.In(band, offset(g.to, g.r, a)) {
			return false
		}
	}
	return true
}

// fits reports whether the disc lies in the band (its centre and rim).
func (w *World) fits(d disc, band string) bool {
	if !w.In(band, d.c) {
		return false
	}
	for a := 0.0; a < 360; a += 30 {
		if !w.In(band, offset(d.c, d.ext+200, a)) {
			return false
		}
	}
	return true
}

// place finds an offshore event place reachable from every port in homes
// (one per member), far from ports, and reserves it; protect keeps every
// later vessel's transit off it (a passer would join a gathering).
func (l *layout) place(rng *rand.Rand, homes []Port, ext float64, protect bool) (orb.Point, error) {
	lo, hi := 55000.0, 80000.0
	for try := 0; try < 600; try++ {
		at := offset(homes[0].Offing, lo+rng.Float64()*(hi-lo), rng.Float64()*360)
		d := disc{at, ext}
		if !l.clear(d, protectGap+groundGap) || !l.w.fits(d, Offshore) || l.w.PortDist(at) < 20000 {
			continue
		}
		ok := true
		for _, h := range homes {
			ok = ok && l.w.pathIn(h.Offing, at, allowed(Offshore)) && l.passable(h.Offing, at, ext)
		}
		if !ok {
			continue
		}
		l.reserved = append(l.reserved, d)
		if protect {
			l.protected = append(l.protected, d)
		}
		return at, nil
	}
	return orb.Point{}, fmt.Errorf("sim: no offshore place for a scripted event off %s", homes[0].Name)
}
