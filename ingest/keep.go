package ingest

// keptRules are the validity rules Options.KeepInvalid lets a geometry
// break: the geometry is still a well-formed value (PostGIS stores it too,
// and ST_IsValid says false). The rest — no geometry, a wrong type, a
// coordinate that is not a number or out of range, a ring not closed or of
// fewer than four positions — are refused even then: nothing could be
// drawn or measured from them.
var keptRules = map[string]bool{
	RuleSelfCross:   true,
	RuleHoleOutside: true,
	RuleDegenerate:  true,
	RuleLineShort:   true,
}

// keepable says why a geometry checkGeometry refused (pr) or reshaped
// (reps) is kept as it is under Options.KeepInvalid, or nil when it is not
// (valid, repaired only of repeated positions, or not keepable). The
// caller fills in where the feature is.
func keepable(pr *gproblem, reps []Repair) *Problem {
	if pr != nil {
		if !keptRules[pr.rule] {
			return nil
		}
		return &Problem{Rule: pr.rule, Message: pr.msg + " (kept as it is)"}
	}
	for _, r := range reps {
		if r.Rule != "duplicate-points" {
			return &Problem{Rule: r.Rule, Message: "kept as it is, unrepaired (a repair would have " + r.How + ")"}
		}
	}
	return nil
}
