package ingest

import (
	"fmt"

	"github.com/paulmach/orb"
)

// splitShell repairs a shell that meets itself at exactly one point x,
// either crossing itself there (a bow-tie) or touching itself (a pinched
// ring). The shell is cut at x into two lobes. Lobes side by side become
// the two polygons of a multipolygon; a lobe inside the other becomes its
// hole. Under the even-odd rule both readings cover exactly the area the
// input ring outlines, which is what makes the repair safe. The result is
// validated again, without repair, and refused if it is not valid.
func splitShell(p orb.Polygon, cs []contact) (orb.Geometry, string, *gproblem) {
	x, r := cs[0].at, p[0]
	refuse := func(why string) (orb.Geometry, string, *gproblem) {
		return nil, "", gprob(RuleSelfCross, "shell intersects itself at %v and cannot be split safely: %s", fmtPoint(x), why)
	}
	insert := make(map[int]bool, 2) // segments whose interior holds x
	for _, c := range cs {
		for _, s := range [2]int{c.segA, c.segB} {
			if r[s] != x && r[s+1] != x {
				insert[s] = true
			}
		}
	}
	seq := make([]orb.Point, 0, len(r)+len(insert))
	for i := 0; i+1 < len(r); i++ {
		seq = append(seq, r[i])
		if insert[i] {
			seq = append(seq, x)
		}
	}
	var at []int
	for i, q := range seq {
		if q == x {
			at = append(at, i)
		}
	}
	if len(at) != 2 {
		return refuse(fmt.Sprintf("the shell passes through that point %d times", len(at)))
	}
	a := append(orb.Ring(nil), seq[at[0]:at[1]+1]...)
	b := append(orb.Ring(nil), seq[at[1]:]...)
	b = append(b, seq[:at[0]+1]...)
	for _, l := range []orb.Ring{a, b} {
		if len(l) < 4 || collinear(l) {
			return refuse("a lobe encloses no area")
		}
	}
	for _, c := range contacts([]orb.Ring{a, b}, maxContacts) {
		if c.kind != touch || c.at != x {
			return refuse("the lobes meet elsewhere")
		}
	}
	var polys orb.MultiPolygon
	verb := "touches"
	if cs[0].kind == cross {
		verb = "crosses"
	}
	how := fmt.Sprintf("split the shell, which %s itself at %v, into ", verb, fmtPoint(x))
	switch la, lb := ringLocate(a, b), ringLocate(b, a); {
	case la == outside && lb == outside:
		polys = orb.MultiPolygon{{a}, {b}}
		how += "2 polygons"
	case la == inside:
		polys = orb.MultiPolygon{{b, a}}
		how += "a shell and a hole"
	case lb == inside:
		polys = orb.MultiPolygon{{a, b}}
		how += "a shell and a hole"
	default:
		return refuse("the lobes overlap")
	}
	for _, h := range p[1:] {
		placed := false
		for i := range polys {
			if ringLocate(h, polys[i][0]) == inside {
				polys[i] = append(polys[i], h)
				placed = true
				break
			}
		}
		if !placed {
			return refuse("a hole lies in neither lobe")
		}
	}
	for _, q := range polys {
		if _, _, pr := checkPolygon(q, false); pr != nil {
			return refuse(pr.msg)
		}
	}
	if len(polys) == 1 {
		return polys[0], how, nil
	}
	return polys, how, nil
}
