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

// put inserts or replaces f. The caller holds the write lock.
func (li *layerIndex) put(f *Feature) (old *Feature) {
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

// remove deletes the feature with the given id. The caller holds the write lock.
func (li *layerIndex) remove(id string) (old *Feature) {
	old = li.byID[id]
	if old == nil {
		return nil
	}
	mn, mx := rect(old.Bound)
	li.tree.Delete(mn, mx, old)
	li.order.Delete(id)
	delete(li.byID, id)
	return old
}
