package quality

import (
	"math/bits"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"

	"github.com/tidwall/btree"
)

// layerState holds one layer's records, running counts and the sets of
// features with a problem, so that a refresh costs what changed and a
// summary what is wrong, not the layer's size. It is owned by the engine's
// refresh (one at a time).
type layerState struct {
	l           *layers.Layer
	expected    []int // field indexes of the expected fields, bit order
	commune     int   // index of the commune_code field, -1 when none
	overlaps    bool  // compare polygons for overlaps
	checkRegion bool  // count features outside the region
	region      *orb.Bound
	tolerance   float64 // m²: an overlap no larger is not counted

	feats     map[string]*feat
	invalid   map[string]struct{}
	outside   map[string]struct{}
	paired    map[string]struct{}            // features with an overlap or a containment
	missing   []int                          // per expected field, features lacking it
	single    map[uint64]string              // the one feature of a geometry hash
	dupGroups map[uint64]map[string]struct{} // the features of a shared hash
	dups      int                            // features whose hash is shared
	pairs     int                            // overlapping pairs
	within    int                            // pairs where one covers the other
	updated   time.Time                      // last write, zero when unknown

	// masks are the expected fields each clearance level sees; worst holds,
	// per level, the incomplete features ranked worst first.
	masks [len(clearances)]uint64
	worst [len(clearances)]*btree.BTreeG[ranked]

	// areas holds the prepared polygons met during one refresh.
	areas map[string]*spatial.Area
}

// completenessFields are the fields completeness counts: the expected
// ones, and the required ones, which ingest normally guarantees but which
// a feature stored before the field became required, written with
// invalid=keep or straight into PostGIS may lack. At most
// layers.MaxExpected, expected fields first.
func completenessFields(l *layers.Layer) []int {
	out := l.Expected()
	for i := range l.Fields {
		if l.Fields[i].Required && len(out) < layers.MaxExpected {
			out = append(out, i)
		}
	}
	slices.Sort(out)
	return out
}

// communeField is the field that puts a parcel in its commune: overlaps
// are looked for within one commune.
const communeField = "commune_code"

func newLayerState(l *layers.Layer) *layerState {
	ls := &layerState{l: l, expected: completenessFields(l), commune: l.FieldIndex(communeField)}
	ls.overlaps = l.Geometry == layers.GeomPolygon || l.Geometry == layers.GeomAny
	// Sea, fishing zones and vessels lie off the land by nature.
	ls.checkRegion = l.Kind != layers.KindMaritime && l.Kind != layers.KindVessel
	for i, c := range clearances {
		ls.masks[i] = ls.mask(layers.Principal{Name: "quality", Clearance: c})
	}
	ls.reset()
	return ls
}

func (ls *layerState) reset() {
	ls.feats = map[string]*feat{}
	ls.invalid, ls.outside, ls.paired = map[string]struct{}{}, map[string]struct{}{}, map[string]struct{}{}
	ls.dups, ls.pairs, ls.within = 0, 0, 0
	ls.missing = make([]int, len(ls.expected))
	ls.single, ls.dupGroups = map[uint64]string{}, map[uint64]map[string]struct{}{}
	for i := range ls.worst {
		ls.worst[i] = btree.NewBTreeGOptions(better, btree.Options{NoLocks: true})
	}
}

// remove takes a feature's record out of the counts and out of its
// partners' records.
func (ls *layerState) remove(id string) {
	f := ls.feats[id]
	if f == nil {
		return
	}
	delete(ls.feats, id)
	delete(ls.invalid, id)
	delete(ls.outside, id)
	delete(ls.paired, id)
	for bit := range ls.expected {
		if f.missing&(1<<bit) != 0 {
			ls.missing[bit]--
		}
	}
	for i, m := range ls.masks {
		if k := bits.OnesCount64(f.missing & m); k > 0 {
			ls.worst[i].Delete(ranked{id, k})
		}
	}
	if g := ls.dupGroups[f.hash]; g != nil {
		delete(g, id)
		ls.dups--
		if len(g) == 1 {
			for last := range g {
				ls.single[f.hash] = last
			}
			delete(ls.dupGroups, f.hash)
			ls.dups--
		}
	} else {
		delete(ls.single, f.hash)
	}
	for p := range f.overlaps {
		ls.unlink(p, id, false)
		ls.pairs--
	}
	for p := range f.within {
		ls.unlink(p, id, true)
		ls.within--
	}
}

// unlink drops id from partner p's set, and p from the paired features
// when that was its last pair.
func (ls *layerState) unlink(p, id string, within bool) {
	o := ls.feats[p]
	if within {
		delete(o.within, id)
	} else {
		delete(o.overlaps, id)
	}
	if len(o.overlaps) == 0 && len(o.within) == 0 {
		delete(ls.paired, p)
	}
}

// add examines the feature as the index holds it now and counts it; its
// overlaps are looked for among the recorded features near it (a partner
// not yet recorded finds this one when it is added).
func (ls *layerState) add(lv spatial.LayerView, v spatial.FeatureView) {
	id := strings.Clone(v.ID())
	f, area := ls.examine(v)
	ls.feats[id] = f
	if f.problem != nil {
		ls.invalid[id] = struct{}{}
	}
	if f.outside {
		ls.outside[id] = struct{}{}
	}
	for bit := range ls.expected {
		if f.missing&(1<<bit) != 0 {
			ls.missing[bit]++
		}
	}
	for i, m := range ls.masks {
		if k := bits.OnesCount64(f.missing & m); k > 0 {
			ls.worst[i].Set(ranked{id, k})
		}
	}
	if g := ls.dupGroups[f.hash]; g != nil {
		g[id] = struct{}{}
		ls.dups++
	} else if other, ok := ls.single[f.hash]; ok {
		delete(ls.single, f.hash)
		ls.dupGroups[f.hash] = map[string]struct{}{other: {}, id: {}}
		ls.dups += 2
	} else {
		ls.single[f.hash] = id
	}
	if area != nil {
		ls.areas[id] = area
		ls.relate(lv, id, v, f, area)
	}
}

// relate finds f's overlap and containment partners through the R-tree.
func (ls *layerState) relate(lv spatial.LayerView, id string, v spatial.FeatureView, f *feat, area *spatial.Area) {
	commune := ls.communeOf(v)
	lv.Scan(v.Bound(), func(w spatial.FeatureView) bool {
		wid := w.ID()
		if wid == id {
			return true
		}
		o := ls.feats[wid]
		if o == nil || !o.compare {
			return true
		}
		if c := ls.communeOf(w); commune != "" && c != "" && c != commune {
			return true
		}
		oa := ls.areas[wid]
		if oa == nil {
			oa = spatial.NewArea(w.Geometry())
			ls.areas[strings.Clone(wid)] = oa
		}
		r := spatial.Relate(area, oa)
		switch {
		case r.Overlaps() && ls.sliver(area, oa):
			// within the tolerance: not counted
		case r.Overlaps():
			ls.link(&f.overlaps, &o.overlaps, id, wid)
			ls.pairs++
		case r.ACoveredByB || r.BCoveredByA:
			ls.link(&f.within, &o.within, id, wid)
			ls.within++
		}
		return true
	})
}

// sliver reports whether two overlapping polygons share at most the
// tolerance's area. When the area cannot be measured (neither polygon is
// convex) the overlap counts.
func (ls *layerState) sliver(a, b *spatial.Area) bool {
	if ls.tolerance <= 0 {
		return false
	}
	m2, ok := overlapArea(a.Polygons(), b.Polygons())
	return ok && m2 <= ls.tolerance
}

// link records a pair in both partners' sets.
func (ls *layerState) link(a, b *map[string]struct{}, ida, idb string) {
	if *a == nil {
		*a = map[string]struct{}{}
	}
	if *b == nil {
		*b = map[string]struct{}{}
	}
	idb = strings.Clone(idb)
	(*a)[idb] = struct{}{}
	(*b)[ida] = struct{}{}
	ls.paired[ida] = struct{}{}
	ls.paired[idb] = struct{}{}
}
