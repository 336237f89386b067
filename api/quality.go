package api

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

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
			return qualityError(err)
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
		return qualityError(err)
	}
	return jsonResponse(http.StatusOK, "application/json", q)
}

// qualityError answers a failed report; figures still being computed (the
// first seconds after a start) are a 503 to retry.
func qualityError(err error) *Response {
	r := errorResponse(err)
	if errors.Is(err, quality.ErrComputing) {
		r.Header.Set("Retry-After", "1")
	}
	return r
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

// qualityRows are the collection page's rows of data quality: the
// steward, then each dimension's score and what is wrong.
func qualityRows(r *Request, q *quality.Report) [][]cell {
	if q == nil {
		return nil
	}
	pct := func(v float64) string { return strconv.FormatFloat(100*v, 'f', 1, 64) + " %" }
	href := r.BaseURL + "/api/quality/" + url.PathEscape(q.Layer)
	var rows [][]cell
	if q.Steward != nil {
		rows = append(rows, []cell{{Text: "—"}, {Text: "đơn vị quản lý / steward"}, {Text: q.Steward.Department}, {Text: q.Steward.Contact}})
	}
	live := "không rõ lần cập nhật / last update unknown"
	if q.Liveness.Score != nil {
		live = pct(*q.Liveness.Score)
		if q.Liveness.Stale {
			live += " — quá hạn cập nhật / stale"
		}
	}
	missing := 0
	for _, n := range q.Completeness.Missing {
		missing += n
	}
	return append(rows,
		[]cell{{Text: "đúng", Href: href}, {Text: "validity"}, {Text: pct(q.Validity.Score)},
			{Text: fmt.Sprintf("%d hình học không hợp lệ / invalid, %d ngoài tỉnh / outside", q.Validity.Invalid, q.Validity.Outside)}},
		[]cell{{Text: "đủ", Href: href}, {Text: "completeness"}, {Text: pct(q.Completeness.Score)},
			{Text: fmt.Sprintf("%d trường thiếu / missing values", missing)}},
		[]cell{{Text: "sạch", Href: href}, {Text: "cleanliness"}, {Text: pct(q.Cleanliness.Score)},
			{Text: fmt.Sprintf("%d trùng / duplicates, %d cặp chồng lấn / overlapping pairs", q.Cleanliness.Duplicates, q.Cleanliness.Overlaps)}},
		[]cell{{Text: "sống", Href: href}, {Text: "liveness"}, {Text: live}, {Text: ""}})
}
