package spatial

import (
	"encoding/binary"

	"github.com/paulmach/orb"
)

// FeatureView reads one stored feature in place, without building orb
// values or copying properties. A view, and every slice, string and Value
// obtained from it, is valid only inside the callback that handed it out
// (the layer's read lock is held there); it must not be modified. Use
// Feature or Geometry to keep a copy.
type FeatureView struct {
	li *layerIndex
	s  uint32
}

func (v FeatureView) slot() *slot { return &v.li.slots[v.s] }

// record splits the feature's record into its shape and props parts.
func (v FeatureView) record() (shape, props []byte) {
	sl := v.slot()
	b := v.li.rec[sl.rec : sl.rec+sl.nrec]
	n, w := binary.Uvarint(b)
	b = b[w+int(n):]
	n, w = binary.Uvarint(b)
	return b[w : w+int(n)], b[w+int(n):]
}

// propsOffset is where the props part of a record starts (see record).
func propsOffset(rec []byte) uint32 {
	n, w := binary.Uvarint(rec)
	off := w + int(n)
	n, w = binary.Uvarint(rec[off:])
	return uint32(off + w + int(n))
}

// Ref identifies the feature within its layer while the read lock is held
// (LayerView.View turns it back into a view).
func (v FeatureView) Ref() uint32 { return v.s }

// ID returns the feature id (valid only inside the callback).
func (v FeatureView) ID() string { return v.li.idOf(v.s) }

// NumericID is NumericID(v.ID()), answered from the slot without reading
// the record when the feature's Num is its id (the store's rule).
func (v FeatureView) NumericID() (uint64, bool) {
	if sl := v.slot(); sl.numID {
		return sl.num, true
	}
	return NumericID(v.ID())
}

// Num returns the feature's integer id (Feature.Num).
func (v FeatureView) Num() uint64 { return v.slot().num }

// Seq returns the store sequence of the feature's version (Feature.Seq).
func (v FeatureView) Seq() uint64 { return v.slot().seq }

// Bound returns the feature's bounding box (Feature.Bound).
func (v FeatureView) Bound() orb.Bound { return v.slot().bound }

// Kind returns the kind of the feature's geometry.
func (v FeatureView) Kind() GeomKind { return v.slot().kind }

// Points returns every point of the geometry in storage order (see
// Parts for its structure). The slice is the store's memory: read only.
func (v FeatureView) Points() []orb.Point {
	sl := v.slot()
	return v.li.pts[sl.pts : sl.pts+sl.npts : sl.pts+sl.npts]
}

// MercatorY returns MercatorY of the latitude of every point of Points,
// same indexes, as prepared when the feature was written (read only).
func (v FeatureView) MercatorY() []float64 {
	sl := v.slot()
	return v.li.my[sl.pts : sl.pts+sl.npts : sl.pts+sl.npts]
}

// Parts returns an iterator over the geometry's primitives.
func (v FeatureView) Parts() Parts {
	shape, _ := v.record()
	return Parts{r: shapeReader{shape: shape, pts: v.Points()}, my: v.MercatorY()}
}

// Props returns an iterator over the property values in schema order.
func (v FeatureView) Props() Props {
	sl := v.slot()
	b := v.li.rec[sl.rec+sl.props : sl.rec+sl.nrec]
	n, w := binary.Uvarint(b)
	return Props{b: b[w:], n: int(n)}
}

// Prop returns the value of the i-th field (null when absent).
func (v FeatureView) Prop(i int) Value {
	ps := v.Props()
	for ps.Next() {
		if ps.Index() == i {
			return ps.Value()
		}
	}
	return Value{}
}

// PropAny returns the value of the i-th field as Feature.Props holds it.
func (v FeatureView) PropAny(i int) any { return v.Prop(i).Any() }

// Geometry materialises the geometry as new orb values.
func (v FeatureView) Geometry() orb.Geometry {
	shape, _ := v.record()
	r := shapeReader{shape: shape, pts: v.Points()}
	return r.geometry()
}

// Feature materialises the whole feature as a new *Feature.
func (v FeatureView) Feature() *Feature {
	sl := v.slot()
	f := &Feature{ID: string([]byte(v.ID())), Num: sl.num, Seq: sl.seq, Bound: sl.bound, Geom: v.Geometry()}
	ps := v.Props()
	if ps.Len() > 0 {
		f.Props = make([]any, ps.Len())
		for ps.Next() {
			f.Props[ps.Index()] = ps.Value().Any()
		}
	}
	return f
}

// Intersects reports whether the geometry intersects the closed
// rectangle b, exactly as IntersectsBound does on the materialised
// geometry (boundary contact counts, as in PostGIS ST_Intersects).
func (v FeatureView) Intersects(b orb.Bound) bool {
	bound := v.Bound()
	if !bound.Intersects(b) {
		return false
	}
	if b.Contains(bound.Min) && b.Contains(bound.Max) && len(v.Points()) > 0 {
		return true // every point lies in the bound, so in b
	}
	var rings [][]orb.Point
	var buf [8][]orb.Point
	ps := v.Parts()
	for ps.Next() {
		p := ps.Part()
		switch p.Kind {
		case KindPoint:
			if b.Contains(p.Points[0]) {
				return true
			}
		case KindLineString:
			if lineHitsBound(p.Points, b) {
				return true
			}
		case KindBound:
			if p.Bound().Intersects(b) {
				return true
			}
		default: // rings of a polygon
			rings = p.Rings(buf[:0])
			if ringsHitBound(rings, b) {
				return true
			}
		}
	}
	return false
}

// LayerView gives access to one layer while its read lock is held (see
// Index.ReadLayer).
type LayerView struct{ li *layerIndex }

// Scan calls fn for every feature whose bounding box intersects b.
func (lv LayerView) Scan(b orb.Bound, fn func(FeatureView) bool) {
	if lv.li == nil {
		return
	}
	lv.li.search(b, func(s uint32) bool { return fn(lv.li.view(s)) })
}

// ScanBound is Scan handing fn each feature's bounding box as well, read
// from the R-tree's leaf: a caller that needs only the box (points, the
// band a feature belongs to) does not touch the feature's slot, a cache
// miss per feature on a big layer.
func (lv LayerView) ScanBound(b orb.Bound, fn func(v FeatureView, bound orb.Bound) bool) {
	if lv.li == nil {
		return
	}
	mn, mx := rect(b)
	lv.li.tree.Search(mn, mx, func(lo, hi [2]float64, s uint32) bool {
		return fn(FeatureView{li: lv.li, s: s}, orb.Bound{Min: lo, Max: hi})
	})
}

// HasEmpty reports whether some feature of the layer has no geometry
// (KindNone): when it does not, a box that is a point is a point feature's
// box, or a degenerate geometry's, without reading the feature's kind.
func (lv LayerView) HasEmpty() bool { return lv.li != nil && lv.li.empty > 0 }

// Intersecting calls fn for every feature whose geometry intersects b.
func (lv LayerView) Intersecting(b orb.Bound, fn func(FeatureView) bool) {
	lv.Scan(b, func(v FeatureView) bool {
		if !v.Intersects(b) {
			return true
		}
		return fn(v)
	})
}

// View returns the view of a feature by its Ref.
func (lv LayerView) View(ref uint32) FeatureView { return lv.li.view(ref) }

// Count returns the number of features.
func (lv LayerView) Count() int {
	if lv.li == nil {
		return 0
	}
	return lv.li.count
}

// Ascend calls fn with a view of the features in id order, starting at the
// offset-th, until fn returns false (Index.Ascend without materialising).
func (lv LayerView) Ascend(offset int, fn func(FeatureView) bool) {
	if lv.li == nil {
		return
	}
	lv.li.ascend(offset, func(s uint32) bool { return fn(lv.li.view(s)) })
}

// Extent returns the bounding box of all features, and false for an
// empty layer (Index.Extent under the lock already held).
func (lv LayerView) Extent() (orb.Bound, bool) {
	if lv.li == nil {
		return orb.Bound{}, false
	}
	return lv.li.extent()
}

// Find returns the view of the feature with the given id, and false when
// the layer holds none (an incremental figure re-reads the features a
// change names).
func (lv LayerView) Find(id string) (FeatureView, bool) {
	if lv.li == nil || len(lv.li.table.cells) == 0 {
		return FeatureView{}, false
	}
	s, ok := lv.li.lookup(id)
	if !ok {
		return FeatureView{}, false
	}
	return lv.li.view(s), true
}
