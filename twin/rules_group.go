package twin

import (
	"fmt"
	"slices"
	"time"
)

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

// encounters tracks pairs of slow vessels together at sea and raises an
// encounter once a pair has lasted the rule's duration.
func (t *Twin) encounters(o *object) {
	r := t.cfg.Rules.Encounter
	if r.Duration <= 0 {
		return
	}
	ok := func(x *object) bool { return x.sogBelow(r.MaxSOG) && x.portDist >= r.PortDistM }
	now := o.last.T
	for w, since := range o.pairs {
		d := haversine(o.last.Lon, o.last.Lat, w.last.Lon, w.last.Lat)
		if !ok(o) || !ok(w) || d > r.DistanceM || absDur(now.Sub(w.last.T)) > t.cfg.Rules.Presence {
			t.endPair(o, w, now)
			continue
		}
		// Two members of one gathering are that gathering, not an
		// encounter of their own: the gathering alert covers them.
		if o.group != nil && o.group == w.group {
			continue
		}
		if now.Sub(since) >= r.Duration {
			a, b := pairOrder(o, w)
			t.alerts.raise(&Alert{Kind: KindEncounter, Level: "red", Objects: []string{a.id, b.id}, Layer: o.layer,
				OpenedAt: now, Evidence: []Evidence{fixEvidence(a.id, a.last), fixEvidence(b.id, b.last)},
				Subject: a.id + "|" + b.id})
		}
	}
	if !ok(o) {
		return
	}
	t.grid.near(o, o.last.Lon, o.last.Lat, r.DistanceM, func(w *object, _ float64) {
		if _, paired := o.pairs[w]; paired || !ok(w) || absDur(now.Sub(w.last.T)) > t.cfg.Rules.Presence {
			return
		}
		if o.pairs == nil {
			o.pairs = map[*object]time.Time{}
		}
		if w.pairs == nil {
			w.pairs = map[*object]time.Time{}
		}
		o.pairs[w], w.pairs[o] = now, now
	})
}

func pairOrder(o, w *object) (*object, *object) {
	if w.id < o.id {
		return w, o
	}
	return o, w
}

func (t *Twin) endPair(o, w *object, at time.Time) {
	delete(o.pairs, w)
	delete(w.pairs, o)
	a, b := pairOrder(o, w)
	t.alerts.resolve(KindEncounter, a.id+"|"+b.id, at)
}

// gathering is a place where many vessels are together.
type gathering struct {
	subject  string
	lon, lat float64
	since    time.Time
	members  []*object
	alert    *Alert
}

// gatherings keeps groups of at least MinVessels vessels within RadiusM
// of their centre, far from ports, and raises a gathering once a group has
// lasted the rule's duration.
func (t *Twin) gatherings(o *object) {
	r := t.cfg.Rules.Gathering
	if r.Duration <= 0 {
		return
	}
	now := o.last.T
	if g := o.group; g != nil {
		t.recount(g, now)
		return
	}
	fm := flatAt(o.last.Lat)
	for _, g := range t.groups {
		if fm.dist2(g.lon, g.lat, o.last.Lon, o.last.Lat) <= r.RadiusM*r.RadiusM {
			t.recount(g, now)
			return
		}
	}
	if !t.gatherable(o, now) || t.grid.atMost(o.last.Lon, o.last.Lat, r.RadiusM) < r.MinVessels {
		return
	}
	n, lon, lat := 1, o.last.Lon, o.last.Lat
	t.grid.near(o, o.last.Lon, o.last.Lat, r.RadiusM, func(w *object, _ float64) {
		if t.gatherable(w, now) {
			n++
			lon += w.last.Lon
			lat += w.last.Lat
		}
	})
	if n < r.MinVessels {
		return
	}
	t.nextGrp++
	g := &gathering{subject: fmt.Sprintf("g%d", t.nextGrp), lon: lon / float64(n), lat: lat / float64(n), since: now}
	t.groups = append(t.groups, g)
	t.recount(g, now)
}

func (t *Twin) gatherable(o *object, now time.Time) bool {
	return o.portDist >= t.cfg.Rules.Gathering.PortDistM && absDur(now.Sub(o.last.T)) <= t.cfg.Rules.Presence
}

// recount finds the group's members around its centre, moves the centre to
// their mean, and raises, extends or dissolves the group.
func (t *Twin) recount(g *gathering, now time.Time) {
	r := t.cfg.Rules.Gathering
	var members []*object
	var lon, lat float64
	t.grid.near(nil, g.lon, g.lat, r.RadiusM, func(w *object, _ float64) {
		if t.gatherable(w, now) {
			members = append(members, w)
			lon += w.last.Lon
			lat += w.last.Lat
		}
	})
	for _, m := range g.members {
		m.group = nil
	}
	if len(members) < r.MinVessels {
		t.groups = slices.DeleteFunc(t.groups, func(x *gathering) bool { return x == g })
		t.alerts.resolve(KindGathering, g.subject, now)
		return
	}
	g.members = members
	g.lon, g.lat = lon/float64(len(members)), lat/float64(len(members))
	for _, m := range members {
		m.group = g
	}
	if g.alert == nil {
		if now.Sub(g.since) < r.Duration {
			return
		}
		ids, ev := t.memberEvidence(members)
		g.alert = t.alerts.raise(&Alert{Kind: KindGathering, Level: "yellow", Objects: ids, Layer: members[0].layer,
			OpenedAt: now, Zone: "", Evidence: ev, Subject: g.subject})
		return
	}
	grew := false
	for _, m := range members {
		if !slices.Contains(g.alert.Objects, m.id) {
			g.alert.Objects = append(g.alert.Objects, m.id)
			grew = true
		}
	}
	if grew && g.alert.State != Resolved {
		slices.Sort(g.alert.Objects)
		t.alerts.touch(g.alert)
	}
}

func (t *Twin) memberEvidence(ms []*object) ([]string, []Evidence) {
	ms = slices.Clone(ms)
	slices.SortFunc(ms, func(a, b *object) int {
		if a.id < b.id {
			return -1
		}
		if a.id > b.id {
			return 1
		}
		return 0
	})
	ids := make([]string, len(ms))
	ev := make([]Evidence, len(ms))
	for i, m := range ms {
		ids[i] = m.id
		ev[i] = fixEvidence(m.id, m.last)
	}
	return ids, ev
}
