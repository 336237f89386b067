package spatial

import (
	"math"
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/btree"
	"github.com/tidwall/rtree"
)

// layerIndex holds one layer's features in pointer-free arenas, so that the
// garbage collector has almost nothing to scan however many features a
// layer holds:
//
//   - pts holds every coordinate of every feature, lon/lat float64 pairs
//     (orb.Point is [2]float64: the slice is one flat float64 array);
//   - my holds, parallel to pts, each point's Web Mercator y (mercator.go);
//   - rec holds per feature its id, its geometry's shape (kinds and counts,
//     see shape.go) and its properties (props.go), as bytes;
//   - slots holds per feature the offsets into both, its bound, number,
//     sequence and geometry kind;
//   - the id table (idtable.go) maps an id to its slot, the R-tree and the
//     B-tree of id order (tree.go) hold slot numbers.
//
// Arenas only grow between compactions and written bytes are never
// changed, so a view taken under the read lock stays consistent. Deleted
// and replaced features leave dead space that compact.go reclaims once it
// outweighs the live data. A RWMutex lets many readers run while one writer
// applies a batch.
type layerIndex struct {
	mu    sync.RWMutex
	slots []slot
	free  []uint32 // slots to reuse
	pts   []orb.Point
	my    []float64 // MercatorY of pts[i][1], same indexes as pts
	rec   []byte
	// deadPts and deadRec count the arena elements no live slot refers to.
	deadPts, deadRec int
	compactions      int // arena rewrites so far (tests look at it)

	table idTable
	tree  rtree.RTreeG[uint32]
	order *btree.BTreeG[orderKey]
	count int
	empty int // live features without a geometry (KindNone)
	multi int // live features of a Multi* kind (GeoJSON output promotes the rest)

	version uint64
	// loading is set between BeginLoad and EndLoad: deletes then leave a
	// tombstone (id → seq) so that an older record still coming from the
	// load scan cannot bring a deleted feature back.
	loading    bool
	tombstones map[string]uint64
}

// slot is one feature's entry. Free slots have kind kindFree.
type slot struct {
	bound    orb.Bound
	num, seq uint64
	pts      uint32 // first point in pts
	npts     uint32
	rec      uint32 // start of the record in rec: id, shape, props
	nrec     uint32
	// props is where the props part starts, from rec: property filters
	// read it for every candidate, and skipping the id and shape headers
	// there was most of a filtered scan's cost.
	props uint32
	kind  GeomKind
	numID bool // the id is the canonical decimal form of num
}

func newLayerIndex() *layerIndex {
	li := &layerIndex{}
	li.table.init()
	li.order = btree.NewBTreeGOptions(li.orderLess, btree.Options{NoLocks: true})
	return li
}

func rect(b orb.Bound) (min, max [2]float64) {
	return [2]float64{b.Min[0], b.Min[1]}, [2]float64{b.Max[0], b.Max[1]}
}

// newer reports whether f may replace what the layer holds for its id: a
// feature applies unless the held version, or a tombstone, has a higher
// store sequence. Equal sequences apply (the same write seen twice).
func (li *layerIndex) newer(f *Feature, held uint32, found bool) bool {
	if found && f.Seq < li.slots[held].seq {
		return false
	}
	if ts, ok := li.tombstones[f.ID]; ok && f.Seq < ts {
		return false
	}
	return true
}

// put inserts or replaces f unless it is older than what is held. A
// replaced feature keeps its slot (so its place in id order); its old
// arena space becomes dead. The caller holds the write lock.
func (li *layerIndex) put(f *Feature) {
	s, found := li.lookup(f.ID)
	if !li.newer(f, s, found) {
		return
	}
	if found {
		old := &li.slots[s]
		mn, mx := rect(old.bound)
		li.tree.Delete(mn, mx, s)
		li.release(old)
	} else {
		s = li.allocSlot()
	}
	li.encode(s, f)
	if !found {
		li.table.insert(li, s)
		li.order.Set(li.orderKeyOf(s))
		li.count++
	}
	mn, mx := rect(f.Bound)
	li.tree.Insert(mn, mx, s)
}

// remove deletes the feature with the given id, unless what is held is
// newer than seq, and returns it materialised. While loading it leaves a
// tombstone. The caller holds the write lock.
func (li *layerIndex) remove(id string, seq uint64) *Feature {
	if li.loading && seq > li.tombstones[id] {
		li.tombstones[id] = seq
	}
	s, found := li.lookup(id)
	if !found || seq < li.slots[s].seq {
		return nil
	}
	old := li.view(s).Feature()
	sl := &li.slots[s]
	mn, mx := rect(sl.bound)
	li.tree.Delete(mn, mx, s)
	li.order.Delete(li.orderKeyOf(s))
	li.table.remove(li, s)
	li.release(sl)
	sl.kind = kindFree
	li.free = append(li.free, s)
	li.count--
	return old
}

// allocSlot returns a free slot, reusing deleted ones first.
func (li *layerIndex) allocSlot() uint32 {
	if n := len(li.free); n > 0 {
		s := li.free[n-1]
		li.free = li.free[:n-1]
		return s
	}
	li.slots = append(li.slots, slot{kind: kindFree})
	return uint32(len(li.slots) - 1)
}

// release counts a slot's arena space as dead.
func (li *layerIndex) release(sl *slot) {
	if sl.kind == KindNone {
		li.empty--
	}
	if isMulti(sl.kind) {
		li.multi--
	}
	li.deadPts += int(sl.npts)
	li.deadRec += int(sl.nrec)
}

// encode appends f's id, shape, properties and points to the arenas and
// points slot s at them.
func (li *layerIndex) encode(s uint32, f *Feature) {
	sl := &li.slots[s]
	sl.bound, sl.num, sl.seq = f.Bound, f.Num, f.Seq
	sl.pts = uint32(len(li.pts))
	sl.rec = uint32(len(li.rec))
	li.rec = appendRecord(li.rec, f.ID, f.Geom, f.Props)
	li.pts = appendPoints(li.pts, f.Geom)
	li.my = appendMercatorY(li.my, li.pts[sl.pts:])
	if len(li.pts) > math.MaxUint32 || len(li.rec) > math.MaxUint32 {
		panic("spatial: a layer's arena outgrew 2^32 elements")
	}
	sl.npts = uint32(len(li.pts)) - sl.pts
	sl.nrec = uint32(len(li.rec)) - sl.rec
	sl.props = propsOffset(li.rec[sl.rec : sl.rec+sl.nrec])
	sl.kind = kindOf(f.Geom)
	n, ok := NumericID(f.ID)
	sl.numID = ok && n == f.Num
	if sl.kind == KindNone {
		li.empty++
	}
	if isMulti(sl.kind) {
		li.multi++
	}
}

// view returns the view of slot s.
func (li *layerIndex) view(s uint32) FeatureView {
	return FeatureView{li: li, s: s}
}
