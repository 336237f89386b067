package ingest

import (
	"github.com/paulmach/orb"

	"bando/spatial"
)

// build finishes an item once its id, geometry and properties are read:
// it validates (and maybe repairs) the geometry, checks required fields and
// makes the feature when nothing is wrong. A geometry problem found while
// decoding (gpr) takes the place of validation.
func build(it *item, sch *schema, id string, g orb.Geometry, gpr *gproblem, vals []any) {
	it.id = id
	if id == "" {
		it.problem("", RuleMissingID, "feature has no id (GeoJSON \"id\", or the "+quoteName(sch.idField)+" property/column)")
	}
	var reps []Repair
	if gpr == nil {
		g, reps, gpr = checkGeometry(sch.layer.Geometry, g)
	}
	if gpr != nil {
		it.problem("geometry", gpr.rule, gpr.msg)
	}
	for i := range sch.fields {
		if f := &sch.fields[i]; f.Required && vals[i] == nil {
			it.problem(f.Name, RuleRequired, "required field is missing")
		}
	}
	for i := range it.probs {
		it.probs[i].ID = id
	}
	for i := range it.dropped {
		it.dropped[i].ID = id
	}
	if len(it.probs) > 0 {
		return
	}
	it.repairs = reps
	it.f = &spatial.Feature{ID: id, Geom: g, Bound: g.Bound(), Props: vals}
}

func quoteName(s string) string { return "\"" + s + "\"" }
