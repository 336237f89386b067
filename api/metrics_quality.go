package api

import (
	"github.com/prometheus/client_golang/prometheus"

	"bando/layers"
	"bando/quality"
)

// qualityCollector exposes each layer's data-quality figures. /metrics is
// anonymous, so only the layers and fields anonymous may see are named
// (layerLabel). The counts of the other layers are summed under the
// non-public label (stale: how many are stale); their scores and missing
// fields, which a sum would not mean or would name, are left out.
type qualityCollector struct {
	cat                         *layers.Catalog
	q                           *quality.Engine
	score, features, invalid    *prometheus.Desc
	missing, dups, overlaps     *prometheus.Desc
	age, stale, refresh, recomp *prometheus.Desc
}

// metricsPrincipal reads the non-public layers' counts for their sum.
var metricsPrincipal = layers.Principal{Name: "metrics", Clearance: layers.Restricted}

func newQualityCollector(cat *layers.Catalog, q *quality.Engine) *qualityCollector {
	d := func(name, help string, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(name, help, labels, nil)
	}
	return &qualityCollector{cat: cat, q: q,
		score:    d("bando_quality_score", "Data-quality score in [0, 1], by layer and dimension (validity, completeness, cleanliness, liveness).", "layer", "dimension"),
		features: d("bando_quality_features", "Features measured, by layer.", "layer"),
		invalid:  d("bando_quality_invalid_features", "Features whose geometry is not valid (ST_IsValid), by layer.", "layer"),
		missing:  d("bando_quality_missing_features", "Features lacking an expected field, by layer and field.", "layer", "field"),
		dups:     d("bando_quality_duplicate_features", "Features whose geometry equals another's, by layer.", "layer"),
		overlaps: d("bando_quality_overlapping_pairs", "Pairs of polygons that overlap (ST_Overlaps), by layer.", "layer"),
		age:      d("bando_quality_age_seconds", "Seconds since the layer's last write, by layer.", "layer"),
		stale:    d("bando_quality_stale", "1 when the layer is older than its update interval, by layer.", "layer"),
		refresh:  d("bando_quality_refreshes_total", "Layer quality refreshes (from the change feed)."),
		recomp:   d("bando_quality_refresh_seconds_total", "Time spent refreshing quality figures."),
	}
}

func (c *qualityCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.score, c.features, c.invalid, c.missing, c.dups, c.overlaps, c.age, c.stale, c.refresh, c.recomp} {
		ch <- d
	}
}

func (c *qualityCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	var hidden struct{ features, invalid, dups, overlaps, stale float64 }
	anyHidden := false
	for _, l := range c.cat.All() {
		id := layerLabel(l)
		if id == nonPublicLabel {
			r, err := c.q.Report(metricsPrincipal, l.ID)
			if err != nil {
				continue
			}
			anyHidden = true
			hidden.features += float64(r.Features)
			hidden.invalid += float64(r.Validity.Invalid)
			hidden.dups += float64(r.Cleanliness.Duplicates)
			hidden.overlaps += float64(r.Cleanliness.Overlaps)
			if r.Liveness.Stale {
				hidden.stale++
			}
			continue
		}
		r, err := c.q.Report(layers.Anonymous, l.ID)
		if err != nil {
			continue
		}
		gauge(c.score, r.Validity.Score, id, "validity")
		gauge(c.score, r.Completeness.Score, id, "completeness")
		gauge(c.score, r.Cleanliness.Score, id, "cleanliness")
		if r.Liveness.Score != nil {
			gauge(c.score, *r.Liveness.Score, id, "liveness")
		}
		gauge(c.features, float64(r.Features), id)
		gauge(c.invalid, float64(r.Validity.Invalid), id)
		for field, n := range r.Completeness.Missing { // anonymous's visible fields only
			gauge(c.missing, float64(n), id, field)
		}
		gauge(c.dups, float64(r.Cleanliness.Duplicates), id)
		gauge(c.overlaps, float64(r.Cleanliness.Overlaps), id)
		if r.Liveness.AgeS != nil {
			gauge(c.age, *r.Liveness.AgeS, id)
		}
		stale := 0.0
		if r.Liveness.Stale {
			stale = 1
		}
		gauge(c.stale, stale, id)
	}
	if anyHidden {
		gauge(c.features, hidden.features, nonPublicLabel)
		gauge(c.invalid, hidden.invalid, nonPublicLabel)
		gauge(c.dups, hidden.dups, nonPublicLabel)
		gauge(c.overlaps, hidden.overlaps, nonPublicLabel)
		gauge(c.stale, hidden.stale, nonPublicLabel)
	}
	st := c.q.Stats()
	ch <- prometheus.MustNewConstMetric(c.refresh, prometheus.CounterValue, float64(st.Refreshes))
	ch <- prometheus.MustNewConstMetric(c.recomp, prometheus.CounterValue, st.Total.Seconds())
}
