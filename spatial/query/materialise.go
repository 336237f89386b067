package query

import (
	"runtime"

	"bando/spatial"
)

// materialise fills in the hits' features from lv, under the same read
// lock that produced them; the ids then point to the copies.
//
// A page of up to 1,000 features is most of a radius or zone question's
// cost (BenchmarkZone's profile: two thirds of it in FeatureView.Feature,
// four to six allocations a feature). So the page is built from slabs:
// one array of Features, one of property values, and one string holding
// every id and text value (substrings of it); a text value repeated in a
// field ("on", "fault") is boxed once per page.
func materialise(lv spatial.LayerView, hits []Hit) {
	if len(hits) == 0 {
		return
	}
	fs := make([]spatial.Feature, len(hits))
	// First pass: the text, so that one string holds it all.
	text := make([]byte, 0, 24*len(hits))
	nprops := 0
	for i := range hits {
		if i%touchGroup == 0 {
			g := hits[i:min(i+touchGroup, len(hits))]
			touchSlots(lv, g)
			touchRecords(lv, g)
		}
		v := lv.View(hits[i].ref)
		text = append(text, v.ID()...)
		ps := v.Props()
		nprops += ps.Len()
		for ps.Next() {
			if pv := ps.Value(); pv.Kind() == spatial.PropString {
				text = append(text, pv.Str()...)
			}
		}
	}
	all := string(text)
	props := make([]any, nprops)
	var boxes textBoxes
	at := 0
	for i := range hits {
		h := &hits[i]
		v := lv.View(h.ref)
		f := &fs[i]
		id := v.ID()
		f.ID, at = all[at:at+len(id)], at+len(id)
		f.Num, f.Seq, f.Bound = v.Num(), v.Seq(), v.Bound()
		if pts := v.Points(); v.Kind() == spatial.KindPoint && len(pts) == 1 {
			f.Geom = pts[0] // what Geometry builds, without decoding the shape
		} else {
			f.Geom = v.Geometry()
		}
		ps := v.Props()
		if n := ps.Len(); n > 0 {
			f.Props, props = props[:n:n], props[n:]
			for ps.Next() {
				pv := ps.Value()
				if pv.Kind() != spatial.PropString {
					f.Props[ps.Index()] = pv.Any()
					continue
				}
				s := all[at : at+len(pv.Str())]
				at += len(s)
				f.Props[ps.Index()] = boxes.box(ps.Index(), s)
			}
		}
		h.Feature, h.id = f, f.ID
	}
}

// textBoxes remembers, per field, the last few text values boxed as
// interfaces: boxing a string allocates, and a page's status or kind
// field repeats a handful of values.
type textBoxes struct {
	fields [8][4]any
	next   [8]uint8
}

func (t *textBoxes) box(field int, s string) any {
	if field >= len(t.fields) {
		return s
	}
	row := &t.fields[field]
	for _, b := range row {
		if b != nil && b.(string) == s {
			return b
		}
	}
	var b any = s
	row[t.next[field]%uint8(len(row))] = b
	t.next[field]++
	return b
}

// touchSlots and touchRecords load the slots, then the records and
// points, of a group of hits, so that their cache misses overlap instead
// of coming one after the other (the loads are independent). What they
// read is kept alive, so that the loads are not optimised away.
func touchSlots(lv spatial.LayerView, hs []Hit) {
	var sink uint64
	for i := range hs {
		sink += lv.View(hs[i].ref).Num()
	}
	runtime.KeepAlive(sink)
}

func touchRecords(lv spatial.LayerView, hs []Hit) {
	var sink uint64
	for i := range hs {
		v := lv.View(hs[i].ref)
		sink += uint64(len(v.ID()))
		if ps := v.Points(); len(ps) > 0 {
			sink += uint64(ps[0][0])
		}
	}
	runtime.KeepAlive(sink)
}
