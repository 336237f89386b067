package api

import (
	"github.com/prometheus/client_golang/prometheus"

	"bando/layers"
	"bando/spatial"
)

// layerCollector exposes bando_layer_features for the public layers of the
// catalog as it is at scrape time, so a layer a data steward created or
// retired appears or goes without a restart. Only public layers: /metrics
// is unauthenticated, and even an internal layer's name and size are not
// for the public.
type layerCollector struct {
	cat  *layers.Catalog
	idx  *spatial.Index
	desc *prometheus.Desc
}

func newLayerCollector(cat *layers.Catalog, idx *spatial.Index) *layerCollector {
	return &layerCollector{cat: cat, idx: idx,
		desc: prometheus.NewDesc("bando_layer_features", "Features held in the index, by layer.", []string{"layer"}, nil)}
}

func (c *layerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c *layerCollector) Collect(ch chan<- prometheus.Metric) {
	for _, l := range c.cat.Visible(layers.Anonymous) {
		ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(c.idx.Count(l.ID)), l.ID)
	}
}
