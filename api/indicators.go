package api

import (
	"context"
	"encoding/json"
	"net/http"

	"bando/indicators"
	"bando/layers"
)

// indicatorSummary is one entry of GET /api/indicators.
type indicatorSummary struct {
	*layers.Indicator
	Counts     map[string]int `json:"counts"`
	ComputedAt string         `json:"computed_at"`
	TookMS     float64        `json:"took_ms"`
	Href       string         `json:"href"`
}

// routeIndicators serves GET /api/indicators (every indicator p may see,
// with its counts of green, yellow and red units) and
// GET /api/indicators/{id}[?status=green|yellow|red|none] (the units).
func (s *Server) routeIndicators(ctx context.Context, r *Request, p layers.Principal, seg []string) *Response {
	if !readMethod(r) {
		return methodNotAllowed("GET")
	}
	switch len(seg) {
	case 0:
		return s.indicatorList(ctx, r, p)
	case 1:
		return s.indicator(ctx, r, p, seg[0])
	}
	return errorResponse(notFound("no such resource: " + quote(r.Path)))
}

func (s *Server) indicatorList(ctx context.Context, r *Request, p layers.Principal) *Response {
	out := []indicatorSummary{}
	for _, ind := range s.cfg.Catalog.Indicators() {
		if !layers.CanSeeIndicator(p, ind) {
			continue
		}
		res, err := s.indicators.Get(ctx, ind.ID)
		if err != nil {
			return errorResponse(err)
		}
		out = append(out, indicatorSummary{Indicator: s.indicatorFor(p, ind), Counts: res.Counts,
			ComputedAt: res.ComputedAt.UTC().Format("2006-01-02T15:04:05.000Z07:00"), TookMS: res.TookMS,
			Href: r.BaseURL + "/api/indicators/" + ind.ID})
	}
	return jsonResponse(http.StatusOK, "application/json", map[string]any{"indicators": out})
}

func (s *Server) indicator(ctx context.Context, r *Request, p layers.Principal, id string) *Response {
	ind, err := s.cfg.Catalog.Indicator(id)
	if err != nil || !layers.CanSeeIndicator(p, ind) {
		return errorResponse(notFound("unknown indicator " + quote(id)))
	}
	status := r.Query.Get("status")
	switch status {
	case "", layers.Green, layers.Yellow, layers.Red, "none":
	default:
		return errorResponse(badRequest("status: want green, yellow, red or none, got " + quote(status)))
	}
	res, err := s.indicators.Get(ctx, id)
	if err != nil {
		return errorResponse(err)
	}
	out := *res
	out.Indicator = s.indicatorFor(p, ind)
	if status != "" {
		out.Units = []indicators.Unit{}
		for _, u := range res.Units {
			if u.Colour == status || status == "none" && u.Value == nil {
				out.Units = append(out.Units, u)
			}
		}
	}
	return jsonResponse(http.StatusOK, "application/json", &out)
}

// indicatorFor is the indicator as p may read its definition: an
// indicator may be public while its terms read layers or fields p may not
// see (the share of temporary houses, from a restricted field); then its
// numerator and denominator are left out, so their names do not leak.
func (s *Server) indicatorFor(p layers.Principal, ind *layers.Indicator) *layers.Indicator {
	visible := func(t *layers.Term) bool {
		if t == nil {
			return true
		}
		l, err := s.cfg.Catalog.Get(t.Layer)
		if err != nil || !layers.CanSee(p, l) {
			return false
		}
		names := filterFields(t.Filter)
		if t.Aggregate.Field != "" {
			names = append(names, t.Aggregate.Field)
		}
		for _, n := range names {
			i := l.FieldIndex(n)
			if i < 0 || !layers.CanSeeField(p, l, &l.Fields[i]) {
				return false
			}
		}
		return true
	}
	if visible(&ind.Numerator) && visible(ind.Denominator) {
		return ind
	}
	c := *ind
	c.Numerator, c.Denominator = layers.Term{}, nil
	return &c
}

// filterFields lists the field names a filter of the query model names.
func filterFields(raw json.RawMessage) []string {
	if len(raw) == 0 {
		return nil
	}
	var v any
	if json.Unmarshal(raw, &v) != nil {
		return []string{""} // unreadable: treat as hidden
	}
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			if f, ok := v["field"].(string); ok {
				out = append(out, f)
			}
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	walk(v)
	return out
}
