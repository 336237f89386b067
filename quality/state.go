package quality

import (
	"strings"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

// layerState holds one layer's records and running counts. It is owned by
// the engine's refresh (one at a time) and read only through summaries.
type layerState struct {
	l           *layers.Layer
	expected    []int // field indexes of the expected fields, bit order
	commune     int   // index of the commune_code field, -1 when none
	overlaps    bool  // compare polygons for overlaps
	checkRegion bool  // count features outside the region
	region      *orb.Bound

	feats   map[string]*feat
	invalid int
	outside int
	missing []int          // per expected field, features lacking it
	hashes  map[uint64]int // features per geometry hash
	dups    int            // features whose hash is shared
	pairs   int            // overlapping pairs
	within  int            // pairs where one covers the other
	updated time.Time      // last write, zero when unknown
}

// communeField is the field that puts a parcel in its commune: overlaps
// are looked for within one commune.
const communeField = "commune_code"

func newLayerState(l *layers.Layer) *layerState {
	ls := &layerState{l: l, expected: l.Expected(), commune: l.FieldIndex(communeField)}
	ls.overlaps = l.Geometry == layers.GeomPolygon || l.Geometry == layers.GeomAny
	// Sea, fishing zones and vessels lie off the land by nature.
	ls.checkRegion = l.Kind != layers.KindMaritime && l.Kind != layers.KindVessel
	ls.reset()
	return ls
}

func (ls *layerState) reset() {
	ls.feats = map[string]*feat{}
	ls.invalid, ls.outside, ls.dups, ls.pairs, ls.within = 0, 0, 0, 0, 0
	ls.missing = make([]int, len(ls.expected))
	ls.hashes = map[uint64]int{}
}

// remove takes a feature's record out of the counts and out of its
// partners' records.
func (ls *layerState) remove(id string) {
	f := ls.feats[id]
	if f == nil {
		return
	}
	delete(ls.feats, id)
	if f.problem != nil {
		ls.invalid--
	}
	if f.outside {
		ls.outside--
	}
	for bit := range ls.expected {
		if f.missing&(1<<bit) != 0 {
			ls.missing[bit]--
		}
	}
	switch n := ls.hashes[f.hash]; {
	case n <= 1:
		delete(ls.hashes, f.hash)
	case n == 2:
		ls.dups -= 2
		ls.hashes[f.hash] = 1
	default:
		ls.dups--
		ls.hashes[f.hash] = n - 1
	}
	for p := range f.overlaps {
		delete(ls.feats[p].overlaps, id)
		ls.pairs--
	}
	for p := range f.within {
		delete(ls.feats[p].within, id)
		ls.within--
	}
}

// add examines the feature as the index holds it now and counts it; its
// overlaps are looked for among the recorded features near it (a partner
// not yet recorded finds this one when it is added).
func (ls *layerState) add(lv spatial.LayerView, v spatial.FeatureView) {
	id := strings.Clone(v.ID())
	f := ls.examine(v)
	ls.feats[id] = f
	if f.problem != nil {
		ls.invalid++
	}
	if f.outside {
		ls.outside++
	}
	for bit := range ls.expected {
		if f.missing&(1<<bit) != 0 {
			ls.missing[bit]++
		}
	}
	switch n := ls.hashes[f.hash]; n {
	case 0:
	case 1:
		ls.dups += 2
	default:
		ls.dups++
	}
	ls.hashes[f.hash]++
	if f.area != nil {
		ls.relate(lv, id, f)
	}
}

// relate finds f's overlap and containment partners through the R-tree.
func (ls *layerState) relate(lv spatial.LayerView, id string, f *feat) {
	lv.Scan(f.bound, func(w spatial.FeatureView) bool {
		wid := w.ID()
		if wid == id {
			return true
		}
		o := ls.feats[wid]
		if o == nil || o.area == nil || f.commune != "" && o.commune != "" && f.commune != o.commune {
			return true
		}
		r := spatial.Relate(f.area, o.area)
		switch {
		case r.Overlaps():
			link(&f.overlaps, &o.overlaps, id, wid)
			ls.pairs++
		case r.ACoveredByB || r.BCoveredByA:
			link(&f.within, &o.within, id, wid)
			ls.within++
		}
		return true
	})
}

// link records a pair in both partners' sets.
func link(a, b *map[string]struct{}, ida, idb string) {
	if *a == nil {
		*a = map[string]struct{}{}
	}
	if *b == nil {
		*b = map[string]struct{}{}
	}
	idb = strings.Clone(idb)
	(*a)[idb] = struct{}{}
	(*b)[ida] = struct{}{}
}
