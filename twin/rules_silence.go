package twin

import "time"

// signalLoss raises signal_loss for every vessel silent past the rule's
// threshold whose last fix was at sea, and escalates it to red past
// RedAfter. It runs on the clock, not on the next message.
func (t *Twin) signalLoss(now time.Time) {
	r := t.cfg.Rules.SignalLoss
	if r.After <= 0 {
		return
	}
	for _, o := range t.objects {
		if !o.has || now.Sub(o.last.T) <= r.After {
			continue
		}
		if a := t.alerts.isOpen(KindSignalLoss, o.id); a != nil {
			if a.Level != "red" && r.RedAfter > 0 && now.Sub(o.last.T) > r.RedAfter {
				a.Level = "red"
				t.alerts.touch(a)
			}
			continue
		}
		if o.portDist >= r.AtSeaFrom {
			t.raiseSignalLoss(o, now)
		}
	}
}

// staleSensors raises stale for every sensor silent longer than its
// layer's update interval (or the rule's default).
func (t *Twin) staleSensors(now time.Time) {
	r := t.cfg.Rules.Stale
	if r.Off {
		return
	}
	for _, s := range t.sensors {
		every := t.interval(s.layer)
		if every <= 0 || s.last.IsZero() || now.Sub(s.last) <= every || t.alerts.isOpen(KindStale, s.id) != nil {
			continue
		}
		t.alerts.raise(&Alert{Kind: KindStale, Level: "yellow", Objects: []string{s.id}, Layer: s.layer,
			OpenedAt: s.last.Add(every), Evidence: []Evidence{{ID: s.id, T: s.last}}, Subject: s.id})
	}
}

func (t *Twin) interval(layer string) time.Duration {
	if d, ok := t.staleEvery[layer]; ok {
		return d
	}
	d := t.cfg.Rules.Stale.Default
	if t.cfg.Catalog != nil {
		if l, err := t.cfg.Catalog.Get(layer); err == nil && l.Update > 0 {
			d = l.Update
		}
	}
	d += time.Duration(float64(d) * max(0, t.cfg.Rules.Stale.Grace))
	t.staleEvery[layer] = d
	return d
}
