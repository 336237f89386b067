package query

// compileSpatialFilter compiles a spatial clause that sits inside the
// filter (under or / not, as CQL2 allows) with compileWhere, so a clause
// means the same wherever it appears. It does not narrow the plan's
// region: under or / not it cannot.
func (e *Engine) compileSpatialFilter(pl *plan, path string, w *Where) (func(*feat) tri, error) {
	if w == nil {
		return nil, errf(CodeInvalid, path, "a spatial filter needs a clause")
	}
	if w.Kind == KindNearest {
		return nil, errf(CodeInvalid, path, "nearest cannot be combined inside a filter")
	}
	sub := &plan{q: pl.q, p: pl.p, layer: pl.layer}
	if err := e.compileWhere(sub, path, w); err != nil {
		return nil, err
	}
	pl.repairs = append(pl.repairs, sub.repairs...)
	test := sub.clauses[0].test
	return func(f *feat) tri { return triOf(test(f)) }, nil
}
