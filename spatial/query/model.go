package query

import "github.com/paulmach/orb"

// Query is one question: which features of a layer (Where, Filter) and what
// to return about them (features, or Groups and Aggregates).
type Query struct {
	// Layer is the id of the layer asked about.
	Layer string
	// Where clauses, combined by intersection. Nearest, if present, is
	// applied last: the k nearest among the features that pass every other
	// clause and the filter.
	Where []Where
	// Filter on field values, nil for none.
	Filter *Filter
	// GroupBy and Aggregate ask for grouped figures instead of features;
	// Aggregate alone gives one total.
	GroupBy   []GroupKey
	Aggregate []Aggregate
	// Properties selects the fields returned with features; nil means every
	// field the principal may see.
	Properties []string
	// SortBy orders the features by field values before paging (then by
	// id); nil keeps the default order (distance, then id).
	SortBy []SortKey
	// Limit and Offset page the features; Limit 0 means Limits.DefaultLimit.
	Limit, Offset int
}

// SortKey orders features by one field, absent values last ascending and
// first descending, as PostgreSQL orders NULLs.
type SortKey struct {
	Field string
	Desc  bool
}

// Grouped reports whether the query asks for figures rather than features.
func (q *Query) Grouped() bool { return len(q.GroupBy) > 0 || len(q.Aggregate) > 0 }

// Kind is the kind of a where clause.
type Kind string

// Where kinds.
const (
	KindPoint   Kind = "point"
	KindNearest Kind = "nearest"
	KindRadius  Kind = "radius"
	KindZone    Kind = "zone"
	KindAdmin   Kind = "admin"
	KindBBox    Kind = "bbox"
)

// Predicate is how a zone or an admin unit selects features.
type Predicate string

// Predicates, with the feature first as in PostGIS: intersects is
// ST_Intersects(feature, zone), within ST_Within(feature, zone) (the feature
// lies inside the zone), contains ST_Contains(feature, zone) (the feature
// holds the whole zone).
const (
	Intersects Predicate = "intersects"
	Within     Predicate = "within"
	Contains   Predicate = "contains"
)

// Where is one spatial clause. Only the fields of its Kind are set.
type Where struct {
	Kind Kind
	// At is the point of point, nearest and radius clauses (lon, lat).
	At orb.Point
	// ToleranceM is the point clause's reach for point and line features,
	// metres; 0 means DefaultToleranceM.
	ToleranceM float64
	// K and MaxM bound nearest: the K nearest, none farther than MaxM metres
	// (0: no bound).
	K    int
	MaxM float64
	// M is the radius in metres on the WGS84 ellipsoid.
	M float64
	// Zone is a Polygon or MultiPolygon (zone clauses).
	Zone orb.Geometry
	// Predicate of zone and admin clauses; "" means Intersects.
	Predicate Predicate
	// Admin names a unit of an admin layer.
	Admin AdminRef
	// BBox is [west, south, east, north].
	BBox orb.Bound
}

// DefaultToleranceM is the reach of a point clause for points and lines.
const DefaultToleranceM = 1.0

// AdminRef names one unit of an admin layer by Code or by Name (matched
// without diacritics and case).
type AdminRef struct {
	Layer string
	Code  string
	Name  string
}

// Filter is a comparison on a field or a combination of filters. Op is
// one of the comparison operators (=, !=, <, <=, >, >=, in, between,
// is_null, prefix, like) with Field and Value, "and", "or" (Args) or "not"
// (Args[0]), or "where" with Where: a spatial clause (not nearest) that
// may then sit under or and not, as CQL2 filters put them.
type Filter struct {
	Op    string
	Field string
	Where *Where
	// Value is the JSON value as decoded with UseNumber: json.Number,
	// string, bool, nil or []any. Its validity depends on the field's type
	// and is checked when the query runs.
	Value any
	Args  []*Filter
}

// GroupKey is one grouping: by a field's value, or by the unit of an admin
// layer holding the feature's representative point.
type GroupKey struct {
	Field      string // "field:<name>"
	AdminLayer string // "admin:<layer>"
}

// Name is the key's name in a group's key object: the field or the layer.
func (g GroupKey) Name() string {
	if g.AdminLayer != "" {
		return g.AdminLayer
	}
	return g.Field
}

// Aggregate is one figure of a group: count, sum, avg, min, max (of a
// numeric Field), area_m2 or length_m (ellipsoidal, summed).
type Aggregate struct {
	Op    string
	Field string
}

// Name is the figure's name in a group object: "count", "sum_power_w",
// "area_m2".
func (a Aggregate) Name() string {
	if a.Field == "" {
		return a.Op
	}
	return a.Op + "_" + a.Field
}
