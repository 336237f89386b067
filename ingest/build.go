package ingest

import (
	"fmt"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"bando/spatial"
)

// build finishes an item once its id, geometry and properties are read:
// it validates (and maybe repairs) the geometry, checks required fields and
// makes the feature when nothing is wrong. A geometry problem found while
// decoding (gpr) takes the place of validation.
func build(it *item, sch *schema, id string, g orb.Geometry, gpr *gproblem, vals []any) {
	it.id = id
	switch {
	case id == "":
		it.problem("", RuleMissingID, "feature has no id (GeoJSON \"id\", or the "+quoteName(sch.idField)+" property/column)")
	case len(id) > sch.lim.MaxIDBytes:
		// Problems carry only an excerpt of the id, so that an error never
		// echoes megabytes.
		n := len(id)
		it.id = excerpt(id)
		id = it.id
		it.problemf("", RuleTooLarge, "id of %d bytes is longer than the limit of %d bytes", n, sch.lim.MaxIDBytes)
	default:
		if why := badIDText(id); why != "" {
			it.problem("", RuleBadID, why)
		}
	}
	var reps []Repair
	if gpr == nil {
		orig := g
		g, reps, gpr = checkGeometry(sch.layer.Geometry, g)
		if sch.keep {
			if why := keepable(gpr, reps); why != nil {
				why.Index, why.Line, why.File, why.Record, why.ID, why.Field = it.index, it.line, it.file, it.record, id, "geometry"
				it.kept = append(it.kept, *why)
				g, reps, gpr = orig, nil, nil
			}
		}
	}
	if gpr != nil {
		it.problem("geometry", gpr.rule, gpr.msg)
	}
	for i := range sch.fields {
		if f := &sch.fields[i]; f.Required && vals[i] == nil {
			if sch.keep { // stored without it; completeness counts it
				it.kept = append(it.kept, Problem{Index: it.index, Line: it.line, File: it.file, Record: it.record, ID: id,
					Field: f.Name, Rule: RuleRequired, Message: "required field is missing (kept as it is)"})
				continue
			}
			it.problem(f.Name, RuleRequired, "required field is missing")
		}
	}
	for i := range it.probs {
		it.probs[i].ID = id
	}
	for i := range it.dropped {
		it.dropped[i].ID = id
	}
	if sch.admin != nil {
		sch.admin.apply(it, vals, g)
	}
	if len(it.probs) > 0 {
		return
	}
	it.repairs = reps
	it.f = &spatial.Feature{ID: id, Geom: g, Bound: g.Bound(), Props: vals}
}

func quoteName(s string) string { return "\"" + s + "\"" }

// badIDText says why id is not in the id alphabet, "" if it is: any valid
// UTF-8 without control characters (C0, DEL, C1). Invalid UTF-8 is found
// earlier with its offset (rule encoding); it is checked here again for
// callers that bypass the readers.
func badIDText(id string) string {
	for i, r := range id {
		switch {
		case r == utf8.RuneError:
			if _, n := utf8.DecodeRuneInString(id[i:]); n == 1 {
				return fmt.Sprintf("id is not valid UTF-8 (at byte %d of the id)", i)
			}
		case unicode.IsControl(r):
			return fmt.Sprintf("id contains the control character %U at byte %d; ids are UTF-8 text without control characters", r, i)
		}
	}
	return ""
}
