package layers

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
)

// validate checks an indicator against the catalog's layers and fills its
// defaults (scale 1, target at the green threshold, access from inputs).
// Errors name the indicator and the problem.
func (ind *Indicator) validate(c *Catalog) error {
	if err := ind.check(c); err != nil {
		return fmt.Errorf("layers: indicator %q: %w", ind.ID, err)
	}
	return nil
}

func (ind *Indicator) check(c *Catalog) error {
	if ind.derivedTarget {
		ind.Target, ind.derivedTarget = math.NaN(), false
	}
	if ind.derivedAccess {
		ind.Access, ind.derivedAccess = "", false
	}
	if !validID(ind.ID) {
		return fmt.Errorf("id: use lower-case letters, digits, '_' or '-'")
	}
	if ind.Title.VI == "" || ind.Title.EN == "" {
		return fmt.Errorf("title needs both vi and en")
	}
	admin, ok := c.snap().byID[ind.Admin]
	switch {
	case ind.Admin == "":
		return fmt.Errorf("admin: name the admin layer it is computed per unit of")
	case !ok:
		return fmt.Errorf("admin: unknown layer %q", ind.Admin)
	case admin.Kind != KindAdmin || admin.Geometry != GeomPolygon:
		return fmt.Errorf("admin: layer %q is not an admin polygon layer", ind.Admin)
	}
	closed := admin.Access
	for _, t := range []struct {
		name string
		term *Term
	}{{"numerator", &ind.Numerator}, {"denominator", ind.Denominator}} {
		if t.term == nil {
			continue
		}
		a, err := t.term.check(c)
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		if a.rank() > closed.rank() {
			closed = a
		}
	}
	if err := ind.checkFigures(); err != nil {
		return err
	}
	switch {
	case ind.Access == "":
		ind.Access, ind.derivedAccess = closed, true
	case !ind.Access.valid():
		return fmt.Errorf("access: unknown class %q", ind.Access)
	case ind.Access.rank() < closed.rank() && (ind.Denominator == nil || ind.MinDenominator <= 0):
		return fmt.Errorf("access %s is more open than the %s data it reads: needs a denominator and min_denominator > 0 (small-count suppression)", ind.Access, closed)
	}
	return nil
}

// checkFigures checks scale, thresholds, target and direction.
func (ind *Indicator) checkFigures() error {
	if ind.Direction != Higher && ind.Direction != Lower {
		return fmt.Errorf("direction %q: want higher or lower (which is better)", ind.Direction)
	}
	if ind.Scale == 0 {
		ind.Scale = 1
	}
	g, y := ind.Thresholds.Green, ind.Thresholds.Yellow
	switch {
	case !finite(ind.Scale) || ind.Scale < 0:
		return fmt.Errorf("scale %v: want a positive number", ind.Scale)
	case !finite(ind.MinDenominator) || ind.MinDenominator < 0:
		return fmt.Errorf("min_denominator %v: want a number ≥ 0", ind.MinDenominator)
	case ind.MinDenominator > 0 && ind.Denominator == nil:
		return fmt.Errorf("min_denominator without a denominator")
	case !finite(g) || !finite(y):
		return fmt.Errorf("thresholds: green and yellow must be numbers")
	case ind.Direction == Higher && !(g > y):
		return fmt.Errorf("thresholds out of order: higher is better, so green (%v) must be above yellow (%v)", g, y)
	case ind.Direction == Lower && !(g < y):
		return fmt.Errorf("thresholds out of order: lower is better, so green (%v) must be below yellow (%v)", g, y)
	}
	if math.IsNaN(ind.Target) {
		ind.Target, ind.derivedTarget = g, true
	}
	if !finite(ind.Target) || ind.Colour(ind.Target) != Green {
		return fmt.Errorf("target %v is not green by the thresholds (green %v, direction %s)", ind.Target, g, ind.Direction)
	}
	return nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// aggregateOps are the query model's aggregates and what they need.
var aggregateOps = map[string]string{
	"count": "", "sum": "numeric", "avg": "numeric", "min": "numeric", "max": "numeric",
	"area_m2": "polygon", "length_m": "line",
}

// check validates a term and returns the most closed access class it
// reads: its layer's, or a field's if that is more sensitive.
func (t *Term) check(c *Catalog) (Access, error) {
	l, ok := c.snap().byID[t.Layer]
	if !ok {
		return "", fmt.Errorf("unknown layer %q", t.Layer)
	}
	closed := l.Access
	use := func(name, where string) error {
		i := l.FieldIndex(name)
		if i < 0 {
			return fmt.Errorf("%s: layer %q has no field %q", where, l.ID, name)
		}
		if s := l.Fields[i].Sensitivity; s.rank() > closed.rank() {
			closed = s
		}
		return nil
	}
	need, ok := aggregateOps[t.Aggregate.Op]
	switch {
	case !ok:
		return "", fmt.Errorf("aggregate: unknown op %q (want count, sum, avg, min, max, area_m2 or length_m)", t.Aggregate.Op)
	case need == "numeric":
		if t.Aggregate.Field == "" {
			return "", fmt.Errorf("aggregate %s: needs a field", t.Aggregate.Op)
		}
		if err := use(t.Aggregate.Field, "aggregate"); err != nil {
			return "", err
		}
		if ft := l.Fields[l.FieldIndex(t.Aggregate.Field)].Type; ft != TypeInt && ft != TypeFloat {
			return "", fmt.Errorf("aggregate %s: field %q of layer %q is %s, not numeric", t.Aggregate.Op, t.Aggregate.Field, l.ID, ft)
		}
	case t.Aggregate.Field != "":
		return "", fmt.Errorf("aggregate %s takes no field", t.Aggregate.Op)
	case need == "polygon" && l.Geometry != GeomPolygon && l.Geometry != GeomAny,
		need == "line" && l.Geometry != GeomLineString && l.Geometry != GeomAny:
		return "", fmt.Errorf("aggregate %s: layer %q holds %s geometries", t.Aggregate.Op, l.ID, l.Geometry)
	}
	if len(t.Filter) > 0 {
		names, err := filterFields(t.Filter)
		if err != nil {
			return "", fmt.Errorf("filter: %w", err)
		}
		for _, n := range names {
			if err := use(n, "filter"); err != nil {
				return "", err
			}
		}
	}
	return closed, nil
}

// filterFields lists the field names a filter refers to, walking and, or
// and not. It checks only the shape it walks; operators, values and types
// are the query model's to check (spatial/query parses Filter).
func filterFields(raw json.RawMessage) ([]string, error) {
	var node map[string]json.RawMessage
	d := json.NewDecoder(bytes.NewReader(raw))
	if err := d.Decode(&node); err != nil || node == nil {
		return nil, fmt.Errorf("want an object ({field, op, value}, and, or, not)")
	}
	var out []string
	if f, ok := node["field"]; ok {
		var name string
		if err := json.Unmarshal(f, &name); err != nil || name == "" {
			return nil, fmt.Errorf("field: want a field name")
		}
		out = append(out, name)
	}
	for _, k := range []string{"and", "or"} {
		if list, ok := node[k]; ok {
			var subs []json.RawMessage
			if err := json.Unmarshal(list, &subs); err != nil || len(subs) == 0 {
				return nil, fmt.Errorf("%s: want a non-empty list of filters", k)
			}
			for _, s := range subs {
				names, err := filterFields(s)
				if err != nil {
					return nil, fmt.Errorf("%s: %w", k, err)
				}
				out = append(out, names...)
			}
		}
	}
	if sub, ok := node["not"]; ok {
		names, err := filterFields(sub)
		if err != nil {
			return nil, fmt.Errorf("not: %w", err)
		}
		out = append(out, names...)
	}
	if out == nil {
		return nil, fmt.Errorf("want field, and, or or not")
	}
	return out, nil
}
