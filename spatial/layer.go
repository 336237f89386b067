package spatial

import (
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/btree"
	"github.com/tidwall/rtree"
)

// layerIndex holds one layer's features: an R-tree for space and a B-tree for
// id order (paging). A RWMutex lets many readers run while one writer applies
// a batch; writers replace features, never modify them.
type layerIndex struct {
	mu      sync.RWMutex
	tree    rtree.RTreeG[*Feature]
	byID    map[string]*Feature
	order   *btree.BTreeG[string]
	version uint64
	// loading is set between BeginLoad and EndLoad: deletes then leave a
	// tombstone (id → seq) so that an older record still coming from the
	// load scan cannot bring a deleted feature back.
	loading    bool
	tombstones map[string]uint64
}

func newLayerIndex() *layerIndex {
	return &layerIndex{
		byID:  make(map[string]*Feature),
		order: btree.NewBTreeGOptions(Less, btree.Options{NoLocks: true}),
	}
}

func rect(b orb.Bound) (min, max [2]float64) {
	return [2]float64{b.Min[0], b.Min[1]}, [2]float64{b.Max[0], b.Max[1]}
}

// newer reports whether f may replace what the layer holds for its id: a
// feature applies unless the held version, or a tombstone, has a higher
// store sequence. Equal sequences apply (the same write seen twice).
func (li *layerIndex) newer(f *Feature) bool {
	if old := li.byID[f.ID]; old != nil && f.Seq < old.Seq {
		return false
	}
	if ts, ok := li.tombstones[f.ID]; ok && f.Seq < ts {
		return false
	}
	return true
}

// put inserts or replaces f unless it is older than what is held. The
// caller holds the write lock.
func (li *layerIndex) put(f *Feature) (old *Feature) {
	if !li.newer(f) {
		return nil
	}
	old = li.byID[f.ID]
	if old != nil {
		mn, mx := rect(old.Bound)
		li.tree.Delete(mn, mx, old)
	} else {
		li.order.Set(f.ID)
	}
	li.byID[f.ID] = f
	mn, mx := rect(f.Bound)
	li.tree.Insert(mn, mx, f)
	return old
}

// remove deletes the feature with the given id, unless what is held is
// newer than seq. While loading it leaves a tombstone. The caller holds the
// write lock.
func (li *layerIndex) remove(id string, seq uint64) (old *Feature) {
	if li.loading && seq > li.tombstones[id] {
		li.tombstones[id] = seq
	}
	old = li.byID[id]
	if old == nil || seq < old.Seq {
		return nil
	}
	mn, mx := rect(old.Bound)
	li.tree.Delete(mn, mx, old)
	li.order.Delete(id)
	delete(li.byID, id)
	return old
}
