package indicators

// LayerChanged marks stale every indicator that reads the layer, and drops
// its tallies and the cached admin units: after a data steward changed the
// layer's declaration (its fields, their types), the figures are computed
// again from scratch rather than per changed feature.
func (e *Engine) LayerChanged(layer string) {
	e.mu.Lock()
	delete(e.units, layer)
	e.unitGen[layer]++
	touched := map[string]bool{layer: true}
	marked := false
	for _, ind := range e.cat.Indicators() {
		if !reads(ind, touched) {
			continue
		}
		if st := e.states[ind.ID]; st != nil {
			st.rebuild = true
		}
		e.stale[ind.ID], marked = true, true
	}
	e.mu.Unlock()
	if marked {
		e.poke()
	}
}
