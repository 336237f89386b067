package spatial

import (
	"sync"

	"github.com/paulmach/orb"
)

// Index is the in-memory engine over all layers. It is safe for concurrent
// use: queries take a layer's read lock, batches of writes its write lock.
type Index struct {
	mu     sync.RWMutex
	layers map[string]*layerIndex
}

// NewIndex returns an empty index.
func NewIndex() *Index { return &Index{layers: make(map[string]*layerIndex)} }

func (x *Index) layer(id string, create bool) *layerIndex {
	x.mu.RLock()
	li := x.layers[id]
	x.mu.RUnlock()
	if li != nil || !create {
		return li
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if li = x.layers[id]; li == nil {
		li = newLayerIndex()
		x.layers[id] = li
	}
	return li
}

// Put inserts or replaces features of one layer as one batch and sets the
// layer version. Readers see either none or all of the batch.
func (x *Index) Put(layer string, version uint64, fs []*Feature) {
	li := x.layer(layer, true)
	li.mu.Lock()
	defer li.mu.Unlock()
	for _, f := range fs {
		li.put(f)
	}
	if version > li.version {
		li.version = version
	}
	li.maybeCompact()
}

// Delete removes features of one layer by id and returns those that existed.
// It is DeleteSeq with sequence 0, for callers outside the store.
func (x *Index) Delete(layer string, version uint64, ids []string) []*Feature {
	return x.DeleteSeq(layer, version, 0, ids)
}

// DeleteSeq removes features of one layer by id, as the store write with
// sequence seq did, and returns those that existed. A feature held with a
// higher sequence is kept (it was written after the delete).
func (x *Index) DeleteSeq(layer string, version, seq uint64, ids []string) []*Feature {
	li := x.layer(layer, true)
	li.mu.Lock()
	defer li.mu.Unlock()
	var gone []*Feature
	for _, id := range ids {
		if f := li.remove(id, seq); f != nil {
			gone = append(gone, f)
		}
	}
	if version > li.version {
		li.version = version
	}
	li.maybeCompact()
	return gone
}

// BeginLoad marks a layer as being loaded from the store while live writes
// may already arrive: until EndLoad, deletes leave tombstones so that the
// load scan, which reads an older snapshot, cannot resurrect what a live
// write deleted, and Put's sequence check keeps live upserts over older
// scanned records.
func (x *Index) BeginLoad(layer string) {
	li := x.layer(layer, true)
	li.mu.Lock()
	defer li.mu.Unlock()
	li.loading = true
	li.tombstones = make(map[string]uint64)
}

// EndLoad ends BeginLoad, drops the tombstones and gives the layer's
// arenas the size they need (the load grew them by appending).
func (x *Index) EndLoad(layer string) {
	li := x.layer(layer, true)
	li.mu.Lock()
	defer li.mu.Unlock()
	li.loading = false
	li.tombstones = nil
	li.trim()
}

// Get returns one feature by id, as a new *Feature.
func (x *Index) Get(layer, id string) (*Feature, bool) {
	li := x.layer(layer, false)
	if li == nil {
		return nil, false
	}
	li.mu.RLock()
	defer li.mu.RUnlock()
	s, ok := li.lookup(id)
	if !ok {
		return nil, false
	}
	return li.view(s).Feature(), true
}

// Count returns the number of features in a layer.
func (x *Index) Count(layer string) int {
	li := x.layer(layer, false)
	if li == nil {
		return 0
	}
	li.mu.RLock()
	defer li.mu.RUnlock()
	return li.count
}

// HasMulti reports whether a layer holds a MultiPoint, MultiLineString or
// MultiPolygon: GeoJSON answers then give every feature of that family as
// Multi*, so that GIS clients see one geometry type per layer.
func (x *Index) HasMulti(layer string) bool {
	li := x.layer(layer, false)
	if li == nil {
		return false
	}
	li.mu.RLock()
	defer li.mu.RUnlock()
	return li.multi > 0
}

// Version returns the layer version last applied.
func (x *Index) Version(layer string) uint64 {
	li := x.layer(layer, false)
	if li == nil {
		return 0
	}
	li.mu.RLock()
	defer li.mu.RUnlock()
	return li.version
}

// Extent returns the bounding box of all features of a layer, and false for
// an empty layer.
func (x *Index) Extent(layer string) (orb.Bound, bool) {
	li := x.layer(layer, false)
	if li == nil {
		return orb.Bound{}, false
	}
	li.mu.RLock()
	defer li.mu.RUnlock()
	return li.extent()
}

// SearchBound calls fn for every feature of the layer whose bounding box
// intersects b, in no particular order, until fn returns false. fn runs under
// the layer's read lock and must not call back into writes. Each feature is
// materialised (a new *Feature); Scan reads them in place.
func (x *Index) SearchBound(layer string, b orb.Bound, fn func(*Feature) bool) {
	x.Scan(layer, b, func(v FeatureView) bool { return fn(v.Feature()) })
}

// Intersecting calls fn for every feature of the layer whose geometry
// intersects the rectangle b (boundary contact counts, as in PostGIS
// ST_Intersects), until fn returns false. Each feature is materialised;
// ScanIntersecting reads them in place.
func (x *Index) Intersecting(layer string, b orb.Bound, fn func(*Feature) bool) {
	x.ScanIntersecting(layer, b, func(v FeatureView) bool { return fn(v.Feature()) })
}

// Ascend calls fn for the features of the layer in id order, starting at the
// offset-th, until fn returns false. Each feature is materialised.
func (x *Index) Ascend(layer string, offset int, fn func(*Feature) bool) {
	x.ReadLayer(layer, func(lv LayerView) {
		if lv.li == nil {
			return
		}
		lv.li.ascend(offset, func(s uint32) bool { return fn(lv.li.view(s).Feature()) })
	})
}

// Scan calls fn with a view of every feature of the layer whose bounding
// box intersects b, in no particular order, until fn returns false. It
// allocates nothing per feature (one 24-byte closure per call, which the
// R-tree's callback API makes escape). fn runs under the layer's read
// lock: it must not call back into the index (a waiting writer would
// deadlock a second read lock), and the view is valid only inside fn.
func (x *Index) Scan(layer string, b orb.Bound, fn func(FeatureView) bool) {
	x.ReadLayer(layer, func(lv LayerView) { lv.Scan(b, fn) })
}

// ScanIntersecting is Scan restricted to the features whose geometry
// intersects b exactly, as Intersecting selects them.
func (x *Index) ScanIntersecting(layer string, b orb.Bound, fn func(FeatureView) bool) {
	x.ReadLayer(layer, func(lv LayerView) { lv.Intersecting(b, fn) })
}

// ReadLayer calls fn with a view of the layer under its read lock, for
// work that selects features and then revisits them (a tile sorts what it
// selected before encoding it): views and refs obtained through lv are
// valid until fn returns. An unknown layer gives an empty view. fn must not
// call back into the index.
func (x *Index) ReadLayer(layer string, fn func(lv LayerView)) {
	li := x.layer(layer, false)
	if li == nil {
		fn(LayerView{})
		return
	}
	li.mu.RLock()
	defer li.mu.RUnlock()
	fn(LayerView{li: li})
}
