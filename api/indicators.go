package api

import (
	"context"
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
		out = append(out, indicatorSummary{Indicator: ind, Counts: res.Counts,
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
	if status != "" {
		filtered := *res
		filtered.Units = []indicators.Unit{}
		for _, u := range res.Units {
			if u.Colour == status || status == "none" && u.Value == nil {
				filtered.Units = append(filtered.Units, u)
			}
		}
		res = &filtered
	}
	return jsonResponse(http.StatusOK, "application/json", res)
}
