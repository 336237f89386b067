package layers

// Access is a layer's access class.
type Access string

// Sensitivity is a field's sensitivity; it uses the same three levels.
type Sensitivity = Access

// Access classes, from most to least open.
const (
	Public     Access = "public"
	Internal   Access = "internal"
	Restricted Access = "restricted"
)

func (a Access) valid() bool { return a == Public || a == Internal || a == Restricted }

func (a Access) rank() int {
	switch a {
	case Public:
		return 0
	case Internal:
		return 1
	}
	return 2 // restricted, and anything unknown, is the most closed
}

// Principal is who is asking: anonymous, or an authenticated token with a
// clearance level.
type Principal struct {
	Name      string
	Clearance Access // Public for anonymous requests
}

// Anonymous is the principal of a request without credentials.
var Anonymous = Principal{Name: "anonymous", Clearance: Public}

// IsAnonymous reports whether p carries no credentials.
func (p Principal) IsAnonymous() bool { return p.Name == "" || p.Name == Anonymous.Name }

// clears reports whether p may see something of class a. It is the single
// rule behind every access decision: a principal sees what is at or below its
// clearance; an empty or unknown clearance counts as public.
func (p Principal) clears(a Access) bool {
	c := p.Clearance
	if !c.valid() {
		c = Public
	}
	return a.rank() <= c.rank()
}

// CanSee reports whether p may see layer l at all. Every surface (collections,
// items, tiles, TileJSON, questions, exports) asks this before anything else.
func CanSee(p Principal, l *Layer) bool { return l != nil && p.clears(l.Access) }

// CanSeeField reports whether p may see the raw values of field f of layer l.
func CanSeeField(p Principal, l *Layer, f *Field) bool {
	return CanSee(p, l) && p.clears(f.Sensitivity)
}

// VisibleFields returns the indexes into l.Fields that p may see.
func VisibleFields(p Principal, l *Layer) []int {
	if !CanSee(p, l) {
		return nil
	}
	out := make([]int, 0, len(l.Fields))
	for i := range l.Fields {
		if CanSeeField(p, l, &l.Fields[i]) {
			out = append(out, i)
		}
	}
	return out
}

// WriteView returns layer l as p may write it: a copy that declares only the
// fields p may see, so that a parser given the view treats every other field
// as unknown (it never names it, converts it or stores it). pos[i] is the
// position in l.Fields of the view's field i. When p sees every field, the
// view is l itself and pos is nil. Callers merge the hidden fields' stored
// values back (see api) so that a write never erases what its author cannot
// see.
func WriteView(p Principal, l *Layer) (view *Layer, pos []int) {
	pos = VisibleFields(p, l)
	if len(pos) == len(l.Fields) {
		return l, nil
	}
	v := *l
	v.Fields = make([]Field, len(pos))
	v.fieldIndex = make(map[string]int, len(pos))
	for i, j := range pos {
		v.Fields[i] = l.Fields[j]
		v.fieldIndex[v.Fields[i].Name] = i
	}
	return &v, pos
}

// HasHiddenFields reports whether some principal that may see l may not see
// all of its fields: whether a field is more sensitive than the layer.
func HasHiddenFields(l *Layer) bool {
	for i := range l.Fields {
		if l.Fields[i].Sensitivity.rank() > l.Access.rank() {
			return true
		}
	}
	return false
}

// CanSeeIndicator reports whether p may see the per-unit values of ind.
func CanSeeIndicator(p Principal, ind *Indicator) bool { return ind != nil && p.clears(ind.Access) }
