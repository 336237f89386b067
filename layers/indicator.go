package layers

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"

	"gopkg.in/yaml.v3"
)

// ErrUnknownIndicator is returned for an indicator id that is not in the
// catalog.
var ErrUnknownIndicator = errors.New("layers: unknown indicator")

// Direction says which way an indicator improves.
type Direction string

// Directions.
const (
	Higher Direction = "higher" // more is better: lights per km, clinics per person
	Lower  Direction = "lower"  // less is better: share of temporary houses
)

// Alert colours, the one convention of every scenario.
const (
	Green  = "green"
	Yellow = "yellow"
	Red    = "red"
)

// Indicator is a figure computed per unit of an admin layer (per commune):
//
//	value = scale × numerator / denominator   (or scale × numerator)
//
// where numerator and denominator are grouped figures of the query model —
// a layer, an optional filter and one aggregate — taken per unit of Admin.
// The value is coloured green, yellow or red against the thresholds.
type Indicator struct {
	ID          string `json:"id"`
	Title       Title  `json:"title"`
	Description Title  `json:"description,omitzero"`
	Unit        Title  `json:"unit,omitzero"` // e.g. {vi: "đèn/km", en: "lights/km"}
	// Admin is the admin layer whose units the indicator is computed per.
	Admin       string `json:"admin"`
	Numerator   Term   `json:"numerator"`
	Denominator *Term  `json:"denominator,omitempty"`
	// Scale multiplies the ratio: 1000 for "per km" over metres, 100 for a
	// percentage, 10000 for "per 10,000 people". Default 1.
	Scale float64 `json:"scale"`
	// MinDenominator: a unit whose denominator is below it gets no value
	// (too little road, too few houses); it is also the small-count
	// suppression that lets an aggregate of restricted fields be shown.
	MinDenominator float64    `json:"min_denominator,omitempty"`
	Target         float64    `json:"target"` // NaN (as when YAML omits it): Thresholds.Green
	Thresholds     Thresholds `json:"thresholds"`
	Direction      Direction  `json:"direction"`
	// Access is who may see the per-unit values. Default: the most closed
	// class of the layers and fields it reads; declaring it more open needs
	// a denominator and MinDenominator > 0.
	Access Access `json:"access"`

	// Which defaults validation filled in, so that a check against other
	// layers (Catalog.Merge) derives them again rather than keeping them.
	derivedTarget, derivedAccess bool
}

// Thresholds are the green and yellow limits, inclusive: with direction
// higher a value ≥ Green is green, ≥ Yellow yellow, else red; with lower, a
// value ≤ Green is green, ≤ Yellow yellow, else red.
type Thresholds struct {
	Green  float64 `yaml:"green" json:"green"`
	Yellow float64 `yaml:"yellow" json:"yellow"`
}

// Term is one grouped figure: Aggregate over the features of Layer that
// pass Filter, per admin unit (a feature counts in the unit holding its
// representative point, as in the query model).
type Term struct {
	Layer string `json:"layer"`
	// Filter is the query model's filter JSON ({"field", "op", "value"},
	// {"and": […]}, {"or": […]}, {"not": …}), kept raw for spatial/query to
	// parse: there is no second filter language. Empty means all features.
	Filter    json.RawMessage `json:"filter,omitempty"`
	Aggregate Aggregate       `json:"aggregate"`
}

// Aggregate is one aggregate of the query model: {"op": "count"},
// {"op": "sum", "field": "population"}, {"op": "length_m"}.
type Aggregate struct {
	Op    string `yaml:"op" json:"op"`
	Field string `yaml:"field,omitempty" json:"field,omitempty"`
}

// UnmarshalYAML reads a term, turning its filter into JSON.
func (t *Term) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		Layer     string    `yaml:"layer"`
		Filter    yaml.Node `yaml:"filter"`
		Aggregate Aggregate `yaml:"aggregate"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	t.Layer, t.Aggregate, t.Filter = raw.Layer, raw.Aggregate, nil
	if raw.Filter.Kind == 0 {
		return nil
	}
	var v any
	if err := raw.Filter.Decode(&v); err != nil {
		return fmt.Errorf("filter: %w", err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("filter (line %d): %w", raw.Filter.Line, err)
	}
	t.Filter = b
	return nil
}

// UnmarshalYAML reads an indicator; a missing target is marked NaN so
// that validation can default it to the green threshold.
func (ind *Indicator) UnmarshalYAML(n *yaml.Node) error {
	var raw struct {
		ID             string     `yaml:"id"`
		Title          Title      `yaml:"title"`
		Description    Title      `yaml:"description"`
		Unit           Title      `yaml:"unit"`
		Admin          string     `yaml:"admin"`
		Numerator      Term       `yaml:"numerator"`
		Denominator    *Term      `yaml:"denominator"`
		Scale          float64    `yaml:"scale"`
		MinDenominator float64    `yaml:"min_denominator"`
		Target         *float64   `yaml:"target"`
		Thresholds     Thresholds `yaml:"thresholds"`
		Direction      Direction  `yaml:"direction"`
		Access         Access     `yaml:"access"`
	}
	if err := n.Decode(&raw); err != nil {
		return err
	}
	*ind = Indicator{ID: raw.ID, Title: raw.Title, Description: raw.Description, Unit: raw.Unit,
		Admin: raw.Admin, Numerator: raw.Numerator, Denominator: raw.Denominator, Scale: raw.Scale,
		MinDenominator: raw.MinDenominator, Target: math.NaN(), Thresholds: raw.Thresholds,
		Direction: raw.Direction, Access: raw.Access}
	if raw.Target != nil {
		ind.Target = *raw.Target
	}
	return nil
}

// Colour is the alert colour of a value: green, yellow or red by the
// thresholds and the direction, or "" for NaN (the unit has no value).
func (ind *Indicator) Colour(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	g, y := ind.Thresholds.Green, ind.Thresholds.Yellow
	if ind.Direction == Lower {
		v, g, y = -v, -g, -y
	}
	switch {
	case v >= g:
		return Green
	case v >= y:
		return Yellow
	}
	return Red
}

// Value is the indicator's value from a unit's figures, or false when the
// unit has none: a denominator of zero or below MinDenominator. den is
// ignored when the indicator has no denominator.
func (ind *Indicator) Value(num, den float64) (float64, bool) {
	if math.IsNaN(num) || math.IsInf(num, 0) {
		return 0, false
	}
	if ind.Denominator == nil {
		return ind.Scale * num, true
	}
	if !(den > 0) || math.IsInf(den, 0) || den < ind.MinDenominator {
		return 0, false
	}
	return ind.Scale * num / den, true
}
