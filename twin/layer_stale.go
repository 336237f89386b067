package twin

import (
	"context"
	"time"
)

// KindLayerStale is the alert of a catalog layer not written within its
// update interval (package quality measures it; a live sensor's silence is
// KindStale).
const KindLayerStale = "layer_stale"

// LayerStale raises (stale) or resolves the layer_stale alert of a layer,
// durably, like the rules' alerts: one open alert per layer, its subject
// the layer, its evidence the time of the last write. It implements
// quality.Alerter; a call for an alert already in that state does nothing.
func (t *Twin) LayerStale(ctx context.Context, layer string, stale bool, last time.Time, every time.Duration, now time.Time) error {
	subject := "layer:" + layer
	u := t.newUpdate()
	t.mu.Lock()
	switch {
	case stale && t.alerts.isOpen(KindLayerStale, subject) == nil:
		t.alerts.raise(&Alert{Kind: KindLayerStale, Level: "yellow", Objects: []string{layer}, Layer: layer,
			OpenedAt: last.Add(every).UTC(), Evidence: []Evidence{{ID: layer, T: last.UTC()}}, Subject: subject})
	case !stale:
		t.alerts.resolve(KindLayerStale, subject, now)
	}
	err := u.apply(t)
	t.mu.Unlock()
	return u.finish(t, err)
}
