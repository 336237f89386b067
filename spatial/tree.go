package spatial

import (
	"github.com/paulmach/orb"
)

// orderKey is one entry of the B-tree of id order (paging): canonical
// integer ids carry their value, so most comparisons need no arena access;
// other ids compare by their bytes in the arena. B-tree nodes hold these
// keys by value, so the tree has one pointer per node of 32 keys or so,
// not one per feature.
type orderKey struct {
	n    uint64
	slot uint32
	num  bool
}

func (li *layerIndex) orderKeyOf(s uint32) orderKey {
	n, ok := NumericID(li.idOf(s))
	return orderKey{n: n, slot: s, num: ok}
}

// orderLess is Less on the ids of two keys.
func (li *layerIndex) orderLess(a, b orderKey) bool {
	switch {
	case a.num && b.num:
		return a.n < b.n
	case a.num != b.num:
		return a.num
	}
	return li.idOf(a.slot) < li.idOf(b.slot)
}

// ascend calls fn for the slots in id order from the offset-th on, until
// fn returns false.
func (li *layerIndex) ascend(offset int, fn func(s uint32) bool) {
	if offset >= li.order.Len() {
		return
	}
	start, ok := li.order.GetAt(offset)
	if !ok {
		return
	}
	li.order.Ascend(start, func(k orderKey) bool { return fn(k.slot) })
}

// search calls fn for the slots whose bounding box intersects b, until fn
// returns false.
func (li *layerIndex) search(b orb.Bound, fn func(s uint32) bool) {
	mn, mx := rect(b)
	li.tree.Search(mn, mx, func(_, _ [2]float64, s uint32) bool { return fn(s) })
}

// extent returns the bounding box of the layer's features.
func (li *layerIndex) extent() (orb.Bound, bool) {
	if li.tree.Len() == 0 {
		return orb.Bound{}, false
	}
	mn, mx := li.tree.Bounds()
	return orb.Bound{Min: orb.Point{mn[0], mn[1]}, Max: orb.Point{mx[0], mx[1]}}, true
}
