package ingest

import (
	"fmt"

	"github.com/paulmach/orb"
)

// maxContacts bounds the contacts collected for one polygon: past a few,
// the polygon is refused anyway and the count only costs time. A valid
// polygon has only touches between rings, at most 4 contacts (2×2 segments
// at a shared vertex) per touching pair; contactLimit leaves room for that.
const maxContacts = 64

func contactLimit(rings int) int { return maxContacts + 16*rings }

// checkPolygon validates a polygon and repairs it where that is safe (see
// the package documentation). It returns the polygon, a repaired polygon, or
// a multipolygon when a self-intersecting shell was split into its lobes.
// The input is not modified.
func checkPolygon(p orb.Polygon, repair bool) (orb.Geometry, []Repair, *gproblem) {
	if len(p) == 0 {
		return nil, nil, gprob(RuleEmpty, "polygon has no rings")
	}
	var reps []Repair
	out := p // copied on the first ring that changes
	for i, r := range p {
		if len(r) == 0 && i == 0 {
			return nil, nil, gprob(RuleEmpty, "polygon has an empty shell")
		}
		if len(r) < 4 {
			return nil, nil, gprob(RuleRingShort, "%s has %d positions, a ring needs at least 4 (3 corners and the closing position)", ringName(i), len(r))
		}
		if r[0] != r[len(r)-1] {
			return nil, nil, gprob(RuleRingClosed, "%s is not closed: first position %v, last %v", ringName(i), fmtPoint(r[0]), fmtPoint(r[len(r)-1]))
		}
		c, dups := dedupe(r)
		c, spikes := removeSpikes(c)
		if dups > 0 {
			reps = append(reps, Repair{Rule: "duplicate-points", How: fmt.Sprintf("removed %d repeated consecutive position%s from %s", dups, plural(dups), ringName(i))})
		}
		if spikes > 0 {
			reps = append(reps, Repair{Rule: "spike", How: fmt.Sprintf("removed %d zero-width spike vertex%s from %s", spikes, pluralES(spikes), ringName(i))})
		}
		if len(c) < 4 || collinear(c) {
			return nil, nil, gprob(RuleDegenerate, "%s encloses no area", ringName(i))
		}
		if dups+spikes > 0 {
			if &out[0] == &p[0] {
				out = append(orb.Polygon(nil), p...)
			}
			out[i] = c
		}
	}
	limit := contactLimit(len(out))
	cs := contacts(out, limit)
	if len(cs) >= limit {
		return nil, nil, gprob(RuleSelfCross, "rings meet each other or themselves at %d or more places, first near %v", limit, fmtPoint(cs[0].at))
	}
	var shell []contact // the shell meeting itself
	for _, c := range cs {
		switch {
		case c.ringA == 0 && c.ringB == 0:
			shell = append(shell, c)
		case c.ringA == c.ringB:
			return nil, nil, gprob(RuleSelfCross, "%s intersects itself at %v", ringName(c.ringA), fmtPoint(c.at))
		case c.kind != touch:
			return nil, nil, gprob(RuleSelfCross, "%s and %s cross near %v", ringName(min(c.ringA, c.ringB)), ringName(max(c.ringA, c.ringB)), fmtPoint(c.at))
		}
	}
	if pr := ringsTouchOnce(cs); pr != nil {
		return nil, nil, pr
	}
	if len(shell) == 0 {
		if pr := checkHoles(out); pr != nil {
			return nil, nil, pr
		}
		return out, reps, nil
	}
	x := shell[0].at
	for _, c := range shell {
		if !repair || c.kind == overlap || c.at != x {
			return nil, nil, gprob(RuleSelfCross, "shell intersects itself at %v", fmtPoint(c.at))
		}
	}
	g, how, pr := splitShell(out, shell)
	if pr != nil {
		return nil, nil, pr
	}
	return g, append(reps, Repair{Rule: "self-intersection", How: how}), nil
}

// ringsTouchOnce refuses two rings that touch at more than one point: the
// touches would cut the polygon's interior in pieces.
func ringsTouchOnce(cs []contact) *gproblem {
	if len(cs) == 0 {
		return nil
	}
	type pair struct{ a, b int }
	first := map[pair]orb.Point{}
	for _, c := range cs {
		if c.ringA == c.ringB {
			continue
		}
		k := pair{min(c.ringA, c.ringB), max(c.ringA, c.ringB)}
		if at, ok := first[k]; ok && at != c.at {
			return gprob(RuleSelfCross, "%s and %s touch at more than one point (%v and %v)", ringName(k.a), ringName(k.b), fmtPoint(at), fmtPoint(c.at))
		}
		first[k] = c.at
	}
	return nil
}

// checkHoles requires every hole inside the shell and outside every other
// hole. Rings are known not to cross, so one vertex off the other ring's
// boundary decides; a hole can only lie in a ring whose box holds its box.
func checkHoles(p orb.Polygon) *gproblem {
	if len(p) < 2 {
		return nil
	}
	bounds := make([]orb.Bound, len(p))
	for i, r := range p {
		bounds[i] = r.Bound()
	}
	for i := 1; i < len(p); i++ {
		if !containsBound(bounds[0], bounds[i]) || ringLocate(p[i], p[0]) != inside {
			return gprob(RuleHoleOutside, "%s is not inside the shell", ringName(i))
		}
		for j := 1; j < len(p); j++ {
			if j != i && containsBound(bounds[j], bounds[i]) && ringLocate(p[i], p[j]) == inside {
				return gprob(RuleHoleOutside, "%s lies inside %s", ringName(i), ringName(j))
			}
		}
	}
	return nil
}

// containsBound reports whether b lies within a (edges included).
func containsBound(a, b orb.Bound) bool {
	return a.Min[0] <= b.Min[0] && a.Min[1] <= b.Min[1] && b.Max[0] <= a.Max[0] && b.Max[1] <= a.Max[1]
}

func ringName(i int) string {
	if i == 0 {
		return "shell"
	}
	return fmt.Sprintf("hole %d", i)
}

func pluralES(n int) string {
	if n == 1 {
		return ""
	}
	return "es"
}

func fmtPoint(p orb.Point) string { return fmt.Sprintf("(%g %g)", p[0], p[1]) }

// dedupe returns r without consecutive repeated positions (a copy when any
// are removed) and the number removed.
func dedupe(r orb.Ring) (orb.Ring, int) {
	n := 0
	for i := 1; i < len(r); i++ {
		if r[i] == r[i-1] {
			n++
		}
	}
	if n == 0 {
		return r, 0
	}
	out := make(orb.Ring, 0, len(r)-n)
	for i, p := range r {
		if i > 0 && p == r[i-1] {
			continue
		}
		out = append(out, p)
	}
	return out, len(r) - len(out)
}

// removeSpikes removes, in place, vertices where a closed ring turns back on
// itself along the same line (A→B→C with C on the segment A–B or beyond A
// on the same side): such a vertex encloses no area. Removing one can expose
// another, so it repeats around the ring's closing point too.
func removeSpikes(r orb.Ring) (orb.Ring, int) {
	if len(r) < 4 || !hasSpike(r) {
		return r, 0
	}
	open := r[:len(r)-1]
	st := make([]orb.Point, 0, len(open))
	removed := 0
	push := func(p orb.Point) {
		for {
			n := len(st)
			if n > 0 && st[n-1] == p {
				return // the spike's return point meets its start
			}
			if n >= 2 && isSpike(st[n-2], st[n-1], p) {
				st = st[:n-1]
				removed++
				continue
			}
			st = append(st, p)
			return
		}
	}
	for _, p := range open {
		push(p)
	}
	for changed := true; changed && len(st) >= 3; {
		changed = false
		n := len(st)
		switch {
		case st[n-1] == st[0]:
			st = st[:n-1]
			changed = true
		case isSpike(st[n-2], st[n-1], st[0]):
			st = st[:n-1]
			removed++
			changed = true
		case isSpike(st[n-1], st[0], st[1]):
			st = st[1:]
			removed++
			changed = true
		}
	}
	if removed == 0 {
		return r, 0
	}
	out := make(orb.Ring, len(st), len(st)+1)
	copy(out, st)
	if len(out) > 0 {
		out = append(out, out[0])
	}
	return out, removed
}

// hasSpike reports whether any vertex of the closed ring r is a spike.
func hasSpike(r orb.Ring) bool {
	n := len(r) - 1 // r[n] == r[0]
	for i := range n {
		prev := r[(i+n-1)%n]
		if isSpike(prev, r[i], r[i+1]) {
			return true
		}
	}
	return false
}

// isSpike reports whether the path a→b→c turns back at b: c is collinear
// with a and b, on the same side of b as a.
func isSpike(a, b, c orb.Point) bool {
	if orient(a, b, c) != 0 {
		return false
	}
	return (a[0]-b[0])*(c[0]-b[0])+(a[1]-b[1])*(c[1]-b[1]) > 0
}

// collinear reports whether all positions of r lie on one line.
func collinear(r orb.Ring) bool {
	for i := 2; i < len(r); i++ {
		if orient(r[0], r[1], r[i]) != 0 {
			return false
		}
	}
	return true
}
