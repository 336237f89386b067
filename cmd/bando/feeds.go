package main

import (
	"context"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"bando/ingest/feeds"
)

// buildFeeds makes the configured live feeds (the `feeds:` section); a
// bad entry refuses the start, naming it.
func buildFeeds(cfgs []feeds.Config, log *slog.Logger) ([]feeds.Feed, error) {
	var fs []feeds.Feed
	for i, c := range cfgs {
		c.Logger = log
		f, err := feeds.New(c)
		if err != nil {
			return nil, fmt.Errorf("config: feeds[%d]: %w", i, err)
		}
		fs = append(fs, f)
	}
	return fs, nil
}

// runFeeds runs the feeds into sink, each on its own goroutine, and returns
// a function that waits for them once ctx is done. A file feed ends at the
// end of its file; a TCP or MQTT feed runs until ctx is done. A feed that
// fails is logged, not fatal: the server and the other feeds go on.
func runFeeds(ctx context.Context, fs []feeds.Feed, sink feeds.Sink, log *slog.Logger) (wait func()) {
	var wg sync.WaitGroup
	for _, f := range fs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			log.Info("feed started", "feed", f.Name())
			if err := f.Run(ctx, sink); err != nil && ctx.Err() == nil {
				log.Error("feed stopped", "feed", f.Name(), "err", err)
				return
			}
			log.Info("feed ended", "feed", f.Name())
		}()
	}
	return wg.Wait
}

// feedCollector exports every feed's Stats() counters as
// bando_feed_events_total{feed, counter}: the feed names are the
// operator's, the counters the fields of the feed's Stats struct.
type feedCollector struct {
	fs   []feeds.Feed
	desc *prometheus.Desc
}

func newFeedCollector(fs []feeds.Feed) prometheus.Collector {
	return feedCollector{fs: fs, desc: prometheus.NewDesc("bando_feed_events_total",
		"Live feed counters: lines, sentences, malformed, positions, redelivered… by feed.", []string{"feed", "counter"}, nil)}
}

func (c feedCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

func (c feedCollector) Collect(ch chan<- prometheus.Metric) {
	for _, f := range c.fs {
		m := reflect.ValueOf(f).MethodByName("Stats")
		if !m.IsValid() || m.Type().NumIn() != 0 || m.Type().NumOut() != 1 {
			continue
		}
		st := m.Call(nil)[0]
		if st.Kind() != reflect.Struct {
			continue
		}
		for i := 0; i < st.NumField(); i++ {
			if v := st.Field(i); v.Kind() == reflect.Uint64 {
				ch <- prometheus.MustNewConstMetric(c.desc, prometheus.CounterValue, float64(v.Uint()),
					f.Name(), strings.ToLower(st.Type().Field(i).Name))
			}
		}
	}
}
