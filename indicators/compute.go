// Package indicators computes the catalog's indicators — a grouped figure
// per admin unit, coloured green / yellow / red against its thresholds —
// through the one query model, and keeps them current from the change feed:
// a write to a layer an indicator reads marks it stale, and a background
// loop recomputes it once for however many writes came in meanwhile —
// incrementally: each term is a query.Tally that re-reads only the
// features the feed named (tally.go). Requests read the last result; they never trigger a computation of
// their own, except for the very first one of an indicator.
package indicators

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"time"

	"bando/layers"
	"bando/spatial/query"
)

// system is the principal indicators are computed as: they aggregate
// restricted fields (household status) that only their published,
// small-count-suppressed values may show.
var system = layers.Principal{Name: "indicators", Clearance: layers.Restricted}

// Unit is one admin unit's value.
type Unit struct {
	Code string `json:"code"`
	Name string `json:"name,omitempty"`
	// Value is nil when the unit has none (no denominator, or one below
	// the indicator's minimum); Colour is then "".
	Value  *float64 `json:"value"`
	Colour string   `json:"colour"`
	// Numerator and Denominator are the figures behind the value.
	Numerator   float64  `json:"numerator"`
	Denominator *float64 `json:"denominator,omitempty"`
}

// Result is one computation of an indicator.
type Result struct {
	Indicator  *layers.Indicator `json:"indicator"`
	Units      []Unit            `json:"units"`
	Counts     map[string]int    `json:"counts"` // green, yellow, red, none
	ComputedAt time.Time         `json:"computed_at"`
	TookMS     float64           `json:"took_ms"`
}

// compute colours the units of an indicator from its terms' figures per
// unit code.
func compute(ind *layers.Indicator, units []Unit, num, den map[string]float64, start time.Time) *Result {
	res := &Result{Indicator: ind, Counts: map[string]int{layers.Green: 0, layers.Yellow: 0, layers.Red: 0, "none": 0}}
	for _, u := range units {
		n, hasNum := num[u.Code]
		if !hasNum && countLike(ind.Numerator.Aggregate.Op) {
			n, hasNum = 0, true // no feature in the unit: a count or sum of 0
		}
		d, hasDen := den[u.Code]
		if !hasDen && ind.Denominator != nil && countLike(ind.Denominator.Aggregate.Op) {
			d = 0
		}
		u.Numerator = n
		if ind.Denominator != nil {
			u.Denominator = &d
		}
		if v, ok := ind.Value(n, d); ok && hasNum {
			u.Value, u.Colour = &v, ind.Colour(v)
			res.Counts[u.Colour]++
		} else {
			res.Counts["none"]++
		}
		res.Units = append(res.Units, u)
	}
	res.ComputedAt = time.Now()
	res.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return res
}

// countLike aggregates are 0 over no features; avg, min and max have no
// value then.
func countLike(op string) bool {
	return op == "count" || op == "sum" || op == "length_m" || op == "area_m2"
}

// adminUnits lists the units of the admin layer: code (the "code" field,
// as the query model's admin join keys them, or the id) and name.
func adminUnits(ctx context.Context, qe *query.Engine, admin string) ([]Unit, error) {
	res, err := qe.Run(ctx, system, query.Query{Layer: admin, Limit: qe.Limits().MaxLimit, Properties: []string{}})
	if err != nil {
		return nil, fmt.Errorf("indicators: units of %s: %w", admin, err)
	}
	l := res.Layer
	code, name := l.FieldIndex("code"), l.FieldIndex("name")
	units := make([]Unit, 0, len(res.Features))
	for _, h := range res.Features {
		f := h.Feature
		u := Unit{Code: f.ID}
		if code >= 0 && code < len(f.Props) {
			if s, ok := f.Props[code].(string); ok {
				u.Code = s
			}
		}
		if name >= 0 && name < len(f.Props) {
			u.Name, _ = f.Props[name].(string)
		}
		units = append(units, u)
	}
	slices.SortFunc(units, func(a, b Unit) int { return compareCodes(a.Code, b.Code) })
	return units, nil
}

// termQuery is one term as a grouped question per unit.
func termQuery(admin string, t layers.Term) (query.Query, error) {
	body := map[string]any{
		"layer":     t.Layer,
		"group_by":  []string{"admin:" + admin},
		"aggregate": []layers.Aggregate{t.Aggregate},
	}
	if len(t.Filter) > 0 {
		body["filter"] = json.RawMessage(t.Filter)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return query.Query{}, err
	}
	return query.Parse(b)
}

// termPerUnit is one term's figure per unit code, asked whole.
func termPerUnit(ctx context.Context, qe *query.Engine, admin string, t layers.Term) (map[string]float64, error) {
	q, err := termQuery(admin, t)
	if err != nil {
		return nil, err
	}
	res, err := qe.Run(ctx, system, q)
	if err != nil {
		return nil, err
	}
	return perUnit(res), nil
}

// perUnit reads a grouped answer as figure per unit code.
func perUnit(res *query.Result) map[string]float64 {
	out := make(map[string]float64, len(res.Groups))
	for _, g := range res.Groups {
		code, ok := g.Key[0].(string)
		if !ok {
			continue // features in no unit
		}
		out[code] = number(g.Figures[0])
	}
	return out
}

func number(v any) float64 {
	switch v := v.(type) {
	case int64:
		return float64(v)
	case float64:
		return v
	}
	return math.NaN()
}

// compareCodes orders unit codes numerically when both are numbers.
func compareCodes(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
