package query

import "time"

// Limits bound every question. Zero fields take the defaults of
// DefaultLimits.
type Limits struct {
	// DefaultLimit is the page size when a query gives none; MaxLimit the
	// largest page; MaxWindow the largest offset+limit (paging deeper
	// needs a narrower question).
	DefaultLimit, MaxLimit, MaxWindow int
	// Timeout is the time a question may run; the context's own deadline,
	// if earlier, wins.
	Timeout time.Duration
	// MaxWhere is the most where clauses; MaxZoneVertices the most
	// positions in a drawn zone.
	MaxWhere, MaxZoneVertices int
	// MaxRadiusM bounds radius m, nearest max_m and point tolerance_m.
	MaxRadiusM float64
	// MaxK bounds nearest k.
	MaxK int
	// MaxGroups bounds the groups of a grouped answer; MaxInValues the
	// values of one in filter.
	MaxGroups, MaxInValues int
}

// DefaultLimits returns the defaults: pages of 100 up to 10,000 within the
// first 100,000 features, 10 s, 16 clauses, zones of 10,000 positions,
// radii up to 500 km, k up to 1,000, 10,000 groups, 1,000 in values.
func DefaultLimits() Limits {
	return Limits{
		DefaultLimit: 100, MaxLimit: 10000, MaxWindow: 100000,
		Timeout:  10 * time.Second,
		MaxWhere: 16, MaxZoneVertices: 10000,
		MaxRadiusM: 500000, MaxK: 1000,
		MaxGroups: 10000, MaxInValues: 1000,
	}
}

func (l Limits) resolved() Limits {
	d := DefaultLimits()
	set := func(v *int, def int) {
		if *v <= 0 {
			*v = def
		}
	}
	set(&l.DefaultLimit, d.DefaultLimit)
	set(&l.MaxLimit, d.MaxLimit)
	set(&l.MaxWindow, d.MaxWindow)
	set(&l.MaxWhere, d.MaxWhere)
	set(&l.MaxZoneVertices, d.MaxZoneVertices)
	set(&l.MaxK, d.MaxK)
	set(&l.MaxGroups, d.MaxGroups)
	set(&l.MaxInValues, d.MaxInValues)
	if l.Timeout <= 0 {
		l.Timeout = d.Timeout
	}
	if l.MaxRadiusM <= 0 {
		l.MaxRadiusM = d.MaxRadiusM
	}
	return l
}
