package api

import (
	"net/http"

	"bando/layers"
	"bando/quality"
)

// qualitySummary is one entry of GET /api/quality: a layer's scores.
type qualitySummary struct {
	Layer        string          `json:"layer"`
	Features     int             `json:"features"`
	Steward      *layers.Steward `json:"steward"`
	Validity     float64         `json:"validity"`
	Completeness float64         `json:"completeness"`
	Cleanliness  float64         `json:"cleanliness"`
	Liveness     *float64        `json:"liveness"`
	Stale        bool            `json:"stale"`
	Href         string          `json:"href"`
}

// qualityList serves GET /api/quality: the scores of every layer p may see.
func (s *Server) qualityList(r *Request, p layers.Principal) *Response {
	out := []qualitySummary{}
	for _, l := range s.cfg.Catalog.Visible(p) {
		q, err := s.cfg.Quality.Report(p, l.ID)
		if err != nil {
			return errorResponse(err)
		}
		out = append(out, qualitySummary{Layer: l.ID, Features: q.Features, Steward: q.Steward,
			Validity: q.Validity.Score, Completeness: q.Completeness.Score, Cleanliness: q.Cleanliness.Score,
			Liveness: q.Liveness.Score, Stale: q.Liveness.Stale, Href: r.BaseURL + "/api/quality/" + l.ID})
	}
	return jsonResponse(http.StatusOK, "application/json", map[string]any{"layers": out})
}

// qualityLayer serves GET /api/quality/{layer}: every figure of one layer,
// with the worst features' ids; a layer p may not see is a 404.
func (s *Server) qualityLayer(p layers.Principal, id string) *Response {
	q, err := s.cfg.Quality.Report(p, id)
	if err != nil {
		return errorResponse(err)
	}
	return jsonResponse(http.StatusOK, "application/json", q)
}

// qualityOf is the report under bando.quality in a collection, nil when
// no engine runs.
func (s *Server) qualityOf(p layers.Principal, l *layers.Layer) *quality.Report {
	if s.cfg.Quality == nil {
		return nil
	}
	q, err := s.cfg.Quality.Report(p, l.ID)
	if err != nil {
		return nil
	}
	return q
}
