package twin

import (
	"math"
	"slices"
	"time"

	"bando/spatial"

	"github.com/paulmach/orb"
)

// applyFix makes f the object's state and runs every rule a fix drives, in
// observation time.
func (t *Twin) applyFix(o *object, f fix, sp *spot) {
	if o.has {
		t.signalGap(o, f)
	}
	o.last, o.has = f, true
	o.portDist = sp.port
	t.grid.move(o)
	t.geofences(o, sp)
	t.permitted(o, sp)
	t.encounters(o)
	t.gatherings(o)
}

// signalGap resolves an open signal_loss with the fix that ends it, or
// raises and resolves at once the one a gap the clock did not see (a
// replay between ticks) owed: its opening time is the same either way.
func (t *Twin) signalGap(o *object, f fix) {
	r := t.cfg.Rules.SignalLoss
	if t.alerts.isOpen(KindSignalLoss, o.id) == nil {
		if r.After <= 0 || f.T.Sub(o.last.T) <= r.After || o.portDist < r.AtSeaFrom {
			return
		}
		t.raiseSignalLoss(o, f.T)
	}
	t.alerts.resolve(KindSignalLoss, o.id, f.T)
}

// geofences raises enter and exit alerts for every configured polygon layer.
func (t *Twin) geofences(o *object, sp *spot) {
	for i, g := range t.cfg.Rules.Geofences {
		now := sp.fences[i]
		if o.inside == nil {
			o.inside = map[string][]string{}
		}
		before := o.inside[g.Layer]
		for _, z := range now {
			if !slices.Contains(before, z) {
				subj := o.id + "|" + g.Layer + "/" + z
				t.alerts.resolve(KindGeofenceExit, subj, o.last.T)
				if g.Enter {
					t.raiseObject(KindGeofenceEnter, "yellow", o, subj, g.Layer+"/"+z)
				}
			}
		}
		for _, z := range before {
			if !slices.Contains(now, z) {
				subj := o.id + "|" + g.Layer + "/" + z
				t.alerts.resolve(KindGeofenceEnter, subj, o.last.T)
				if g.Exit {
					t.raiseObject(KindGeofenceExit, "yellow", o, subj, g.Layer+"/"+z)
				}
			}
		}
		o.inside[g.Layer] = now
	}
}

// zonesAt returns the sorted ids of the features of layer that hold pt and
// pass keep (nil keeps all).
func (t *Twin) zonesAt(layer string, pt orb.Point, keep func(*spatial.Feature) bool) []string {
	var ids []string
	t.cfg.Index.SearchBound(layer, pt.Bound(), func(f *spatial.Feature) bool {
		if (keep == nil || keep(f)) && contains(f.Geom, pt) {
			ids = append(ids, f.ID)
		}
		return true
	})
	slices.Sort(ids)
	return ids
}

// permitted raises outside_permitted_zone after Consecutive fixes outside
// the zone the vessel's length allows (Decree 26/2019 Art. 43). Vessels of
// unknown length, and vessels in port, are not judged.
func (t *Twin) permitted(o *object, sp *spot) {
	z := t.cfg.Rules.Zones
	v := o.vessel
	if v == nil || v.LengthM <= 0 {
		return
	}
	layer, in, shoreward := z.Coastal, false, false
	switch {
	case v.LengthM >= 15:
		layer, in, shoreward = z.Offshore, sp.offshore, sp.inshore || len(sp.coastal) > 0
	case v.LengthM >= 12:
		layer, in, shoreward = z.Inshore, sp.inshore, len(sp.coastal) > 0
	default:
		for _, prov := range sp.coastal {
			in = in || prov == "" || v.HomeProvince == "" || prov == v.HomeProvince
		}
	}
	if layer == "" {
		return
	}
	if z.Layer != "" {
		layer = z.Layer + ":" + layer // the band's class in the one zone layer
	}
	transit := shoreward && !o.sogBelow(z.TransitKn) && !math.IsNaN(o.last.SOG)
	in = in || transit || o.portDist < t.cfg.Rules.SignalLoss.AtSeaFrom
	if in {
		o.outside = 0
		t.alerts.resolve(KindOutsideZone, o.id, o.last.T)
		return
	}
	o.outside++
	if o.outside >= z.Consecutive {
		t.raiseObject(KindOutsideZone, "red", o, o.id, layer)
	}
}

func (t *Twin) anyZoneAt(layer string, pt orb.Point, keep func(*spatial.Feature) bool) bool {
	found := false
	t.cfg.Index.SearchBound(layer, pt.Bound(), func(f *spatial.Feature) bool {
		if (keep == nil || keep(f)) && contains(f.Geom, pt) {
			found = true
			return false
		}
		return true
	})
	return found
}

// raiseObject opens an alert about one object at its last fix.
func (t *Twin) raiseObject(kind, level string, o *object, subject, zone string) {
	t.alerts.raise(&Alert{Kind: kind, Level: level, Objects: []string{o.id}, Layer: o.layer,
		OpenedAt: o.last.T, Zone: zone, Evidence: []Evidence{fixEvidence(o.id, o.last)}, Subject: subject})
}

// raiseSignalLoss opens the signal_loss alert of o at the moment its
// silence crossed the threshold, red if by now it is past RedAfter.
func (t *Twin) raiseSignalLoss(o *object, now time.Time) {
	r := t.cfg.Rules.SignalLoss
	level := "yellow"
	if r.RedAfter > 0 && now.Sub(o.last.T) > r.RedAfter {
		level = "red"
	}
	t.alerts.raise(&Alert{Kind: KindSignalLoss, Level: level, Objects: []string{o.id}, Layer: o.layer,
		OpenedAt: o.last.T.Add(r.After), Evidence: []Evidence{fixEvidence(o.id, o.last)}, Subject: o.id})
}
