package spatial

// AdoptLayer moves the layer id of src into x, in place of what x held
// for it: readers see the old layer or the new one, never a mix. It is how
// a layer whose schema changed is rebuilt aside (each feature's properties
// follow the schema's field order) while the old one goes on serving. src
// no longer holds the layer after.
func (x *Index) AdoptLayer(id string, src *Index) {
	src.mu.Lock()
	li := src.layers[id]
	delete(src.layers, id)
	src.mu.Unlock()
	x.mu.Lock()
	defer x.mu.Unlock()
	if li == nil {
		delete(x.layers, id)
		return
	}
	x.layers[id] = li
}

// DropLayer removes a layer and every feature it holds (a retired layer).
func (x *Index) DropLayer(id string) {
	x.mu.Lock()
	defer x.mu.Unlock()
	delete(x.layers, id)
}
