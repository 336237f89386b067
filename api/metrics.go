package api

import (
	"bando/indicators"
	"bytes"
	"net/http"
	"strconv"
	"sync"
	"time"

	"bando/layers"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/common/expfmt"
)

// metrics uses a registry of its own (no package globals), exposed at
// /metrics in the Prometheus text format.
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	ingest   *prometheus.CounterVec
	// byKey and byRoute hold the children of requests and latency once
	// looked up: every request observes both, and the vectors' lookup
	// (hashing the label values under a lock, formatting the status)
	// cost more than the cached tile it measured. The label values are few
	// (routes, methods and statuses the server itself names).
	byKey   sync.Map // requestKey → prometheus.Counter
	byRoute sync.Map // route → prometheus.Observer
}

// requestKey is the labels of one requests counter.
type requestKey struct {
	route, method string
	status        int
}

func newMetrics(cfg Config) *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bando_http_requests_total", Help: "HTTP requests by route, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "bando_http_request_seconds", Help: "HTTP request latency by route.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
		}, []string{"route"}),
		ingest: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bando_ingested_features_total", Help: "Features stored through the API, by layer.",
		}, []string{"layer"}),
	}
	m.reg.MustRegister(m.requests, m.latency, m.ingest,
		prometheus.NewGoCollector(), prometheus.NewProcessCollector(prometheus.ProcessCollectorOpts{}))
	if cfg.Tiles != nil {
		m.reg.MustRegister(newTileCacheCollector(cfg.Tiles), newTileLayerCollector(cfg.Tiles, cfg.Catalog))
	}
	m.reg.MustRegister(cfg.Metrics...)
	if ie := cfg.Indicators; ie != nil {
		stat := func(name, help string, v func(indicators.Stats) float64) prometheus.Collector {
			return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return v(ie.Stats()) })
		}
		m.reg.MustRegister(
			stat("bando_indicator_computations_total", "Indicator computations (recomputed from the change feed).",
				func(s indicators.Stats) float64 { return float64(s.Computations) }),
			stat("bando_indicator_failures_total", "Indicator computations that failed.",
				func(s indicators.Stats) float64 { return float64(s.Failures) }),
			stat("bando_indicator_compute_seconds_total", "Time spent computing indicators.",
				func(s indicators.Stats) float64 { return s.Total.Seconds() }))
	}
	if cfg.Quality != nil && cfg.Catalog != nil {
		m.reg.MustRegister(newQualityCollector(cfg.Catalog, cfg.Quality))
	}
	if cfg.Twin != nil {
		m.reg.MustRegister(newTwinCollector(cfg.Twin))
	}
	if cfg.Index != nil && cfg.Catalog != nil {
		m.reg.MustRegister(newLayerCollector(cfg.Catalog, cfg.Index))
	}
	return m
}

func (m *metrics) observe(route, method string, status int, d time.Duration) {
	k := requestKey{route, method, status}
	c, ok := m.byKey.Load(k)
	if !ok {
		c, _ = m.byKey.LoadOrStore(k, m.requests.WithLabelValues(route, method, strconv.Itoa(status)))
	}
	c.(prometheus.Counter).Inc()
	o, ok := m.byRoute.Load(route)
	if !ok {
		o, _ = m.byRoute.LoadOrStore(route, m.latency.WithLabelValues(route))
	}
	o.(prometheus.Observer).Observe(d.Seconds())
}

// ingested counts features stored into layer l, under the label layerLabel
// gives it.
func (m *metrics) ingested(l *layers.Layer, n int) {
	m.ingest.WithLabelValues(layerLabel(l)).Add(float64(n))
}

// nonPublicLabel is the one label value under which every layer that is not
// public is counted. It is not a valid layer id, so it cannot be confused
// with one.
const nonPublicLabel = "(non-public)"

// layerLabel is the layer label of every per-layer metric. /metrics is
// anonymous, so the label goes through the access policy: a layer anonymous
// may not see is never named, and its figures are summed with the other
// non-public layers. Every metric with a layer label must use it.
func layerLabel(l *layers.Layer) string {
	if layers.CanSee(layers.Anonymous, l) {
		return l.ID
	}
	return nonPublicLabel
}

func (s *Server) metricsHandler(r *Request) *Response {
	mfs, err := s.metrics.reg.Gather()
	if err != nil {
		return errorResponse(err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, expfmt.FmtText)
	for _, mf := range mfs {
		if err := enc.Encode(mf); err != nil {
			return errorResponse(err)
		}
	}
	resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: buf.Bytes()}
	resp.Header.Set("Content-Type", string(expfmt.FmtText))
	return resp
}
