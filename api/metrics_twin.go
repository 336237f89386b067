package api

import (
	"bando/twin"

	"github.com/prometheus/client_golang/prometheus"
)

// twinCollector exposes the live twin's counts: positions and observations
// by source and outcome (accepted, duplicate, out_of_order,
// implausible_future, implausible_jump, implausible_null, implausible_land), and alerts by
// state. Sources and outcomes name no layer, so /metrics stays anonymous.
type twinCollector struct {
	tw          *twin.Twin
	pos, obs    *prometheus.Desc
	alertsByKey *prometheus.Desc
}

func newTwinCollector(tw *twin.Twin) *twinCollector {
	return &twinCollector{tw: tw,
		pos: prometheus.NewDesc("bando_twin_positions_total",
			"Positions received by the live twin, by source and outcome.", []string{"source", "outcome"}, nil),
		obs: prometheus.NewDesc("bando_twin_observations_total",
			"Sensor observations received by the live twin, by source and outcome.", []string{"source", "outcome"}, nil),
		alertsByKey: prometheus.NewDesc("bando_twin_alerts",
			"Alerts held by the live twin, by state.", []string{"state"}, nil),
	}
}

func (c *twinCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.pos
	ch <- c.obs
	ch <- c.alertsByKey
}

func (c *twinCollector) Collect(ch chan<- prometheus.Metric) {
	for _, k := range []struct {
		d   *prometheus.Desc
		obs bool
	}{{c.pos, false}, {c.obs, true}} {
		for src, m := range c.tw.Counts(k.obs) {
			for outcome, n := range m {
				ch <- prometheus.MustNewConstMetric(k.d, prometheus.CounterValue, float64(n), src, outcome)
			}
		}
	}
	n := map[string]int{twin.Open: 0, twin.Acknowledged: 0, twin.Resolved: 0}
	for _, a := range c.tw.Alerts(twin.AlertFilter{}) {
		n[a.State]++
	}
	for state, v := range n {
		ch <- prometheus.MustNewConstMetric(c.alertsByKey, prometheus.GaugeValue, float64(v), state)
	}
}
