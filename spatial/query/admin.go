package query

import (
	"strings"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// unitSet is an admin layer prepared for questions: its units in id order
// with their prepared areas, and a grid that finds the unit holding a
// point. It is built once per layer version and shared.
type unitSet struct {
	version uint64
	layer   *layers.Layer
	list    []*unit
	byCode  map[string]*unit
	grid    *unitGrid
}

type unit struct {
	ord            int
	id, code, name string
	folded, short  string // Fold(name), and without the unit type word
	geom           orb.Geometry
	area           *spatial.Area
}

// unitTypes are the words that open Vietnamese unit names, folded, longest
// first: "Xã Phú Hòa Đông" is also found as "Phú Hòa Đông".
var unitTypes = []string{"thanh pho ", "thi tran ", "dac khu ", "phuong ", "thi xa ", "huyen ", "quan ", "tinh ", "xa "}

func shortName(folded string) string {
	for _, t := range unitTypes {
		if s, ok := strings.CutPrefix(folded, t); ok {
			return s
		}
	}
	return folded
}

// units returns the prepared units of admin layer id for p, or the
// unknown-layer error when p may not see it or it holds no polygons.
func (e *Engine) unitSet(p layers.Principal, path, id string) (*unitSet, *Error) {
	l, er := e.layer(p, path, id)
	if er != nil {
		return nil, er
	}
	if l.Geometry != layers.GeomPolygon {
		return nil, errf(CodeInvalid, path, "layer %q holds %s features, not admin units (polygons)", id, l.Geometry)
	}
	v := e.src.version(id)
	// Built under the lock: concurrent first questions wait for one build
	// instead of each making its own.
	e.mu.Lock()
	defer e.mu.Unlock()
	us := e.units[id]
	if us == nil || us.version != v || us.layer != l {
		us = e.buildUnits(l, v)
		e.units[id] = us
	}
	return us, nil
}

func (e *Engine) buildUnits(l *layers.Layer, v uint64) *unitSet {
	us := &unitSet{version: v, layer: l, byCode: map[string]*unit{}}
	codeAt, nameAt := l.FieldIndex("code"), l.FieldIndex("name")
	text := func(v spatial.FeatureView, i int) string {
		if i < 0 {
			return ""
		}
		return v.Prop(i).Str() // "" unless a string
	}
	e.src.read(l.ID, func(lv spatial.LayerView) {
		f := newFeat(lv)
		lv.Ascend(0, func(v spatial.FeatureView) bool {
			if f.view(v); !f.polygonal() {
				return true
			}
			// Copies: the units outlive the read lock.
			u := &unit{ord: len(us.list), id: strings.Clone(v.ID()), code: strings.Clone(text(v, codeAt)),
				name: strings.Clone(text(v, nameAt)), geom: f.geom()}
			if u.code == "" {
				u.code = u.id
			}
			u.folded = Fold(u.name)
			u.short = shortName(u.folded)
			us.list = append(us.list, u)
			return true
		})
	})
	for _, u := range us.list {
		u.area = spatial.NewArea(u.geom)
		if _, dup := us.byCode[u.code]; !dup {
			us.byCode[u.code] = u
		}
	}
	us.grid = newUnitGrid(us.list)
	return us
}

// adminUnit resolves an admin reference to one unit: by code, or by name
// without diacritics and case (the full name first, then the name without
// its unit type word). An unknown code or name, or an ambiguous name, is
// an error; an ambiguous one lists the candidates.
func (e *Engine) adminUnit(p layers.Principal, path string, ref AdminRef) (*unit, error) {
	us, er := e.unitSet(p, join(path, "layer"), ref.Layer)
	if er != nil {
		return nil, er
	}
	if ref.Code != "" {
		u := us.byCode[ref.Code]
		if u == nil {
			return nil, errf(CodeUnknown, join(path, "code"), "layer %q has no unit with code %q", ref.Layer, ref.Code)
		}
		return u, nil
	}
	q := Fold(ref.Name)
	for _, short := range []bool{false, true} {
		var hits []*unit
		for _, u := range us.list {
			if !short && u.folded == q || short && u.short == q {
				hits = append(hits, u)
			}
		}
		switch {
		case len(hits) == 1:
			return hits[0], nil
		case len(hits) > 1:
			err := errf(CodeAmbiguous, join(path, "name"), "%q names %d units of layer %q; give the code of one", ref.Name, len(hits), ref.Layer)
			for _, u := range hits {
				err.Candidates = append(err.Candidates, Candidate{Code: u.code, Name: u.name})
			}
			return nil, err
		}
	}
	return nil, errf(CodeUnknown, join(path, "name"), "layer %q has no unit named %q", ref.Layer, ref.Name)
}
