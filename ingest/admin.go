package ingest

import (
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"bando/layers"
)

// AdminCodes converts the commune codes of before the 2025 reform to 2025
// codes (package ingest/admincode has the crosswalk). Options.AdminField
// names the field that holds them. It must be safe for concurrent use.
type AdminCodes interface {
	// Recode maps old, a pre-2025 commune code, to its 2025 code. g is the
	// feature's geometry in WGS84 (nil when it has none): an old commune
	// split between several new ones is placed by it.
	Recode(old string, g orb.Geometry) AdminRecode
}

// How an old code was converted (AdminRecode.How).
const (
	AdminMapped     = "mapped"      // the old unit went whole, or only, into one new unit
	AdminSpatial    = "spatial"     // a split unit, placed by the feature's geometry
	AdminNoGeometry = "no-geometry" // a split unit, and the feature has no geometry to place it
	AdminOutside    = "outside"     // a split unit, and the geometry is in none of its new units
	AdminUnknown    = "unknown"     // not a pre-2025 commune code
)

// AdminRecode is the outcome of one conversion: Code is the 2025 code (""
// when unresolved); Candidates are the new units of a split old unit.
type AdminRecode struct {
	Code       string
	How        string
	Candidates []string
}

// AdminReport says what Options.AdminField conversion did.
type AdminReport struct {
	Field string `json:"field"`
	// Mapped counts accepted features whose code converted one-to-one;
	// Spatial those of a split unit placed by their geometry.
	Mapped  int `json:"mapped"`
	Spatial int `json:"spatial"`
	// Unresolved lists the features whose code kept its old value: split
	// units without a geometry (or outside every candidate), unknown codes.
	Unresolved        []AdminUnresolved `json:"unresolved,omitempty"`
	UnresolvedOmitted int               `json:"unresolved_omitted,omitempty"`
}

// AdminUnresolved is a feature whose old code was not converted.
type AdminUnresolved struct {
	Index      int      `json:"index"`
	ID         string   `json:"id,omitempty"`
	Code       string   `json:"code"`
	Reason     string   `json:"reason"`
	Candidates []string `json:"candidates,omitempty"`
	// Rejected says the feature was refused for another reason (listed
	// in Report.Rejected), e.g. it has no geometry.
	Rejected bool `json:"rejected,omitempty"`
}

// adminOutcome is what the conversion did to one item.
type adminOutcome struct {
	old string
	r   AdminRecode
}

// adminPlan is the conversion of one input: the field and the crosswalk.
type adminPlan struct {
	field int
	codes AdminCodes
	isInt bool
}

// planAdmin resolves Options.AdminField against the layer; a field that
// is not there, or no crosswalk, refuses the input.
func planAdmin(l *layers.Layer, opt Options) (*adminPlan, string) {
	if opt.AdminField == "" {
		return nil, ""
	}
	i := l.FieldIndex(opt.AdminField)
	switch {
	case i < 0:
		return nil, fmt.Sprintf("the admin field %s is not a field of layer %s", quoteExcerpt(opt.AdminField), l.ID)
	case l.Fields[i].Type != layers.TypeString && l.Fields[i].Type != layers.TypeInt:
		return nil, fmt.Sprintf("the admin field %s is a %s field; commune codes are text (or integers)", opt.AdminField, l.Fields[i].Type)
	case opt.AdminCodes == nil:
		return nil, "no administrative code crosswalk to convert " + opt.AdminField + " with"
	}
	return &adminPlan{field: i, codes: opt.AdminCodes, isInt: l.Fields[i].Type == layers.TypeInt}, ""
}

// apply converts the item's code in vals, recording the outcome.
func (p *adminPlan) apply(it *item, vals []any, g orb.Geometry) {
	var old string
	switch v := vals[p.field].(type) {
	case string:
		old = v
	case int64:
		old = fmt.Sprintf("%05d", v) // commune codes are 5 digits; a numeric column drops the zeros
	default:
		return
	}
	r := p.codes.Recode(old, g)
	it.admin = &adminOutcome{old: old, r: r}
	if r.Code == "" {
		return
	}
	if !p.isInt {
		vals[p.field] = r.Code
	} else if n, err := strconv.ParseInt(r.Code, 10, 64); err == nil {
		vals[p.field] = n
	}
}

// adminReport sums the outcomes of the items.
func (c *collector) adminReport() *AdminReport {
	if c.sch.admin == nil {
		return nil
	}
	rep := &AdminReport{Field: c.opt.AdminField}
	for i := range c.items {
		it := &c.items[i]
		o := it.admin
		if o == nil {
			continue
		}
		accepted := len(it.probs) == 0 && it.f != nil
		switch {
		case o.r.How == AdminMapped && accepted:
			rep.Mapped++
		case o.r.How == AdminSpatial && accepted:
			rep.Spatial++
		case o.r.Code == "":
			if len(rep.Unresolved) >= MaxProblems {
				rep.UnresolvedOmitted++
				continue
			}
			rep.Unresolved = append(rep.Unresolved, AdminUnresolved{Index: it.index, ID: it.id, Code: o.old,
				Reason: adminReason(o.r), Candidates: o.r.Candidates, Rejected: !accepted})
		}
	}
	return rep
}

func adminReason(r AdminRecode) string {
	switch r.How {
	case AdminNoGeometry:
		return "the old commune was split between several 2025 communes and the feature has no geometry to place it"
	case AdminOutside:
		return "the old commune was split between several 2025 communes and the feature lies in none of them (or their polygons are not known)"
	case AdminUnknown:
		return "not a pre-2025 commune code"
	}
	return r.How
}

// planAdmin sets up the conversion; it returns why it cannot be done.
func (c *collector) planAdmin() string {
	p, msg := planAdmin(c.layer, c.opt)
	c.sch.admin = p
	return msg
}
