package sim

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"bando/ingest/feeds"

	"github.com/paulmach/orb"
)

// The rules' thresholds the truth is measured against (twin.DefaultRules).
const (
	lossAfter   = 6 * time.Hour
	atSea       = 1000.0
	farFromPort = 10000.0
	gatherR     = 1000.0
	gatherMin   = 5
	together    = 2 * time.Hour
	meetR       = 500.0
	meetKn      = 2.0
	transitKn   = 5.0
	presence    = 3 * time.Hour
)

// truth measures each scripted event on the fixes as sent: when it began
// and when its rule's threshold is crossed.
func (b *builder) truth(fixes map[string][]feeds.Position) ([]Event, error) {
	var out []Event
	s := b.vs[0]
	fs := fixes[s.ID]
	i := sort.Search(len(fs), func(i int) bool { return !fs[i].T.Before(s.silent[0].from) })
	if i == 0 || i == len(fs) || b.w.PortDist(pt(fs[i-1])) < atSea {
		return nil, fmt.Errorf("sim: %s's silence does not start and end at sea", s.ID)
	}
	out = append(out, Event{Kind: SignalLoss, Objects: []string{s.ID}, Start: fs[i-1].T, Due: fs[i-1].T.Add(lossAfter)})

	o := b.vs[1]
	runs := b.w.outsideRuns(o.band, fixes[o.ID])
	if len(runs) != 1 {
		return nil, fmt.Errorf("sim: %s leaves its zone %d times, want once", o.ID, len(runs))
	}
	ofs := fixes[o.ID]
	out = append(out, Event{Kind: OutsideZone, Objects: []string{o.ID}, Start: ofs[runs[0]].T, Due: ofs[runs[0]+1].T})

	g, err := b.together(Gathering, b.vs[2:7], fixes)
	if err != nil {
		return nil, err
	}
	e, err := b.together(Encounter, b.vs[7:9], fixes)
	if err != nil {
		return nil, err
	}
	out = append(out, g, e)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Due.Before(out[j].Due) })
	return out, nil
}

func pt(p feeds.Position) orb.Point { return orb.Point{p.Lon, p.Lat} }

// together finds the first fix at which the members' latest fixes meet the
// rule: all within gatherR of their centre (gathering), or within meetR of
// each other and both slow (encounter), far from ports.
func (b *builder) together(kind string, ms []*vessel, fixes map[string][]feeds.Position) (Event, error) {
	var all []feeds.Position
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
		all = append(all, fixes[m.ID]...)
	}
	slices.Sort(ids)
	sort.SliceStable(all, func(i, j int) bool { return all[i].T.Before(all[j].T) })
	last := map[string]feeds.Position{}
	for _, f := range all {
		last[f.ID] = f
		if len(last) < len(ms) || !b.met(kind, last, f.T) {
			continue
		}
		return Event{Kind: kind, Objects: ids, Start: f.T, Due: f.T.Add(together)}, nil
	}
	return Event{}, fmt.Errorf("sim: the scripted %s never forms", kind)
}

func (b *builder) met(kind string, last map[string]feeds.Position, now time.Time) bool {
	var c orb.Point
	for _, f := range last {
		if now.Sub(f.T) > presence || b.w.PortDist(pt(f)) < farFromPort {
			return false
		}
		if kind == Encounter && f.SOG >= meetKn {
			return false
		}
		c[0] += f.Lon / float64(len(last))
		c[1] += f.Lat / float64(len(last))
	}
	for _, f := range last {
		if r := dist(c, pt(f)); kind == Gathering && r > gatherR || kind == Encounter && 2*r > meetR {
			return false
		}
	}
	return true
}

// outsideRuns lists where runs of two or more consecutive fixes lie
// outside the band a vessel may fish in, as the twin judges them: in port
// (within 1 km) is never outside, and a vessel crossing a band nearer the
// shore than its own at transit speed is passing through.
func (w *World) outsideRuns(band string, fs []feeds.Position) []int {
	var runs []int
	n := 0
	for i, f := range fs {
		if !w.outside(band, f) {
			n = 0
			continue
		}
		if n++; n == 2 {
			runs = append(runs, i-1)
		}
	}
	return runs
}

func (w *World) outside(band string, f feeds.Position) bool {
	p := pt(f)
	if w.PortDist(p) < atSea {
		return false
	}
	at, fast := w.Band(p), f.SOG >= transitKn
	switch band {
	case Coastal:
		return at != Coastal
	case Inshore:
		return at != Inshore && !(at == Coastal && fast)
	}
	return at != Offshore && !((at == Coastal || at == Inshore) && fast)
}

// check makes sure normal traffic stays in its zones: only the scripted
// vessel leaves.
func (b *builder) check(fixes map[string][]feeds.Position) error {
	for i, v := range b.vs {
		if b.cfg.Events && i == 1 {
			continue
		}
		if runs := b.w.outsideRuns(v.band, fixes[v.ID]); len(runs) > 0 {
			f := fixes[v.ID][runs[0]]
			return fmt.Errorf("sim: %s (%s) strays outside its zone at %s (%.5f %.5f)", v.ID, v.band, f.T.Format(time.RFC3339), f.Lon, f.Lat)
		}
	}
	return nil
}
