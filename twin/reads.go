package twin

// Reads returns the layers whose declarations the twin read at start (the
// live objects', the sensors', the zones' and the coast's): it keeps their
// field positions, so a change to their fields waits for a restart.
func (t *Twin) Reads() []string {
	var out []string
	for _, id := range []string{t.cfg.Layer, t.cfg.SensorLayer, t.cfg.Rules.Zones.Layer, t.cfg.Rules.Zones.Coastal} {
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}
