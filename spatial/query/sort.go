package query

import (
	"context"
	"slices"

	"bando/spatial"
)

// sortField is a compiled sort key: the field's index and direction.
type sortField struct {
	i    int
	desc bool
}

// compileSort checks the sort keys against the fields p may see (a hidden
// field is an unknown one).
func (e *Engine) compileSort(pl *plan) error {
	if len(pl.q.SortBy) == 0 {
		return nil
	}
	if pl.q.Grouped() {
		return errf(CodeInvalid, "sortby", "a grouped question is ordered by its groups")
	}
	if pl.nearest != nil {
		return errf(CodeInvalid, "sortby", "a nearest question is ordered by distance")
	}
	for k, s := range pl.q.SortBy {
		i, err := field(pl.p, pl.layer, index("sortby", k), s.Field)
		if err != nil {
			return err
		}
		pl.sort = append(pl.sort, sortField{i: i, desc: s.Desc})
	}
	return nil
}

// sorted answers a sorted question: every match with its sort values,
// ordered by them then by id, and the page of it.
func sorted(ctx context.Context, e *Engine, pl *plan, lv spatial.LayerView, res *Result) error {
	type row struct {
		h    Hit
		vals []any
	}
	var rows []row
	add := func(f *feat) {
		vals := make([]any, len(pl.sort))
		for k, s := range pl.sort {
			vals[k] = sortValue(f.v.Prop(s.i), propKind(pl.layer.Fields[s.i].Type))
		}
		rows = append(rows, row{newHit(f.v), vals})
	}
	var err error
	if pl.bounded || pl.empty {
		err = e.scan(ctx, pl, lv, 1, func(_ int, f *feat) { add(f) })
	} else {
		n := 0
		f := newFeat(lv)
		lv.Ascend(0, func(v spatial.FeatureView) bool {
			if err = checkCtx(ctx, n); err != nil {
				return false
			}
			n++
			if f.view(v); pl.match(f) {
				add(f)
			}
			return true
		})
	}
	if err != nil {
		return err
	}
	slices.SortFunc(rows, func(a, b row) int {
		for k, s := range pl.sort {
			if c := cmpNullsLast(a.vals[k], b.vals[k], s.desc); c != 0 {
				return c
			}
		}
		return cmpID(a.h, b.h)
	})
	res.Matched = len(rows)
	for _, r := range rows[min(len(rows), pl.q.Offset):min(len(rows), pl.q.Offset+pl.q.Limit)] {
		res.Features = append(res.Features, r.h)
	}
	return nil
}

// sortValue is a stored value boxed for sorting, nil when absent or not of
// the field's kind.
func sortValue(v spatial.Value, want spatial.PropKind) any {
	k := v.Kind()
	if k == spatial.PropNull || k != want && !(want == spatial.PropTrue && k == spatial.PropFalse) {
		return nil
	}
	switch k {
	case spatial.PropString:
		return v.Str()
	case spatial.PropInt:
		return v.Int()
	case spatial.PropFloat:
		return v.Float()
	case spatial.PropTime:
		return v.Time()
	}
	return v.Bool()
}

// cmpNullsLast orders a before b ascending with nil after every value, as
// PostgreSQL does; descending reverses both.
func cmpNullsLast(a, b any, desc bool) int {
	c := 0
	switch {
	case a == nil && b == nil:
	case a == nil:
		c = 1
	case b == nil:
		c = -1
	default:
		c = compare(a, b)
	}
	if desc {
		return -c
	}
	return c
}
