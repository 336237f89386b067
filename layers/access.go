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
