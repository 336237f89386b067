package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"bando/data"
	"bando/ingest"
	"bando/ingest/feeds"
	"bando/layers"
	"bando/spatial"
	"bando/store"
	"bando/twin"
)

func twinCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "replay" {
		return fmt.Errorf("usage: bando twin replay --data DIR [--registry vessels.ndjson] [--rules rules.yaml] FEED…")
	}
	return replayCmd(ctx, args[1:], stdout, stderr)
}

// replayCmd runs the twin's engine over NDJSON position and observation
// files in event time (the silence rules on the feed's clock) and prints
// every alert as one NDJSON line, in a deterministic order: the same input
// gives the same bytes.
func replayCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("twin replay", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "", "data directory whose ports and zone layers the rules use (the demo's when absent)")
	regFile := fs.String("registry", "", "vessel registry, NDJSON")
	rulesFile := fs.String("rules", "", "rules YAML (a top-level rules: key)")
	cfgFile := fs.String("config", "", "server config, for its extra layers")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("twin replay: no feed files")
	}
	cfg := defaultConfig()
	if *cfgFile != "" {
		if err := cfg.loadFile(*cfgFile); err != nil {
			return err
		}
	}
	cat, err := catalog(cfg)
	if err != nil {
		return err
	}
	rules := defaultRules(cat)
	if *rulesFile != "" {
		if rules, err = twin.LoadRules(*rulesFile); err != nil {
			return err
		}
	}
	idx, err := replayIndex(ctx, *dir, cat, rules)
	if err != nil {
		return err
	}
	tw, err := twin.New(ctx, twin.Config{Catalog: cat, Index: idx, Rules: rules, FeedClock: true})
	if err != nil {
		return err
	}
	if *regFile != "" {
		vs, err := readRegistry(*regFile)
		if err != nil {
			return err
		}
		if err := tw.Vessels(ctx, vs); err != nil {
			return err
		}
	}
	evs, bad, err := readFeeds(fs.Args())
	if err != nil {
		return err
	}
	if bad > 0 {
		fmt.Fprintf(stderr, "twin replay: %d lines skipped (not a valid position or observation)\n", bad)
	}
	for i := range evs {
		if err := evs[i].apply(ctx, tw); err != nil {
			return err
		}
	}
	if err := tw.Flush(ctx); err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, a := range tw.AllAlerts() {
		if err := enc.Encode(a.Line()); err != nil {
			return err
		}
	}
	return w.Flush()
}

// replayIndex holds the layers the rules read (ports, zones, geofences):
// from the data directory when it holds them, else from the demo files.
func replayIndex(ctx context.Context, dir string, cat *layers.Catalog, r twin.Rules) (*spatial.Index, error) {
	want := []string{r.Ports, r.Zones.Coastal, r.Zones.Inshore, r.Zones.Offshore}
	if r.Zones.Layer != "" { // one layer; the others are its band values
		want = []string{r.Ports, r.Zones.Layer}
	}
	for _, g := range r.Geofences {
		want = append(want, g.Layer)
	}
	var ls []*layers.Layer
	seen := map[string]bool{}
	for _, id := range want {
		if id == "" || seen[id] {
			continue
		}
		seen[id] = true
		l, err := cat.Get(id)
		if err != nil {
			return nil, fmt.Errorf("twin replay: the rules name layer %q: %w", id, err)
		}
		ls = append(ls, l)
	}
	idx := spatial.NewIndex()
	if dir != "" {
		if _, err := os.Stat(dir); err == nil {
			sub, err := layers.NewCatalog(ls)
			if err != nil {
				return nil, err
			}
			st, err := store.OpenPebble(dir, nil)
			if err != nil {
				return nil, err
			}
			_, err = store.LoadWith(ctx, st, sub, idx, store.LoadOptions{})
			st.Close()
			if err != nil {
				return nil, fmt.Errorf("twin replay: %w", err)
			}
		}
	}
	for _, l := range ls {
		if idx.Count(l.ID) > 0 || l.Demo == "" {
			continue
		}
		feats, _, err := prepareFile(data.Demo(), l.Demo, "", l, ingest.Options{Partial: true})
		if err != nil {
			return nil, fmt.Errorf("twin replay: demo layer %s: %w", l.ID, err)
		}
		idx.Put(l.ID, 1, feats)
	}
	return idx, nil
}

type registryLine struct {
	ID           string  `json:"id"`
	MMSI         uint32  `json:"mmsi"`
	Registration string  `json:"registration"`
	Name         string  `json:"name"`
	LengthM      float64 `json:"length_m"`
	HomeProvince string  `json:"home_province"`
	Kind         string  `json:"kind"`
}

func readRegistry(path string) ([]feeds.Vessel, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("twin replay: %w", err)
	}
	var out []feeds.Vessel
	for n, line := range bytes.Split(b, []byte("\n")) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		var r registryLine
		if err := json.Unmarshal(line, &r); err != nil || r.ID == "" {
			return nil, fmt.Errorf("twin replay: %s line %d: not a registry record", path, n+1)
		}
		out = append(out, feeds.Vessel{ID: r.ID, MMSI: r.MMSI, Registration: r.Registration, Name: r.Name,
			LengthM: r.LengthM, HomeProvince: r.HomeProvince, Kind: r.Kind})
	}
	return out, nil
}

// replayEvent is one position or observation of the feed files.
type replayEvent struct {
	t   time.Time
	pos *feeds.Position
	obs *feeds.Observation
}

func (e *replayEvent) apply(ctx context.Context, tw *twin.Twin) error {
	if e.pos != nil {
		// Arrival is observation time in a replay: nothing depends on the
		// wall clock, so the output is the same on every run.
		e.pos.Arrived = e.pos.T
		return tw.Positions(ctx, []feeds.Position{*e.pos})
	}
	e.obs.Arrived = e.obs.T
	return tw.Observations(ctx, []feeds.Observation{*e.obs})
}

// readFeeds reads every file's lines (positions have "id", observations
// "sensor") and orders them by observation time; ties keep file order.
func readFeeds(paths []string) ([]replayEvent, int, error) {
	var evs []replayEvent
	bad := 0
	lim := ingest.Limits{MaxInputBytes: -1, MaxFeatures: -1}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, 0, fmt.Errorf("twin replay: %w", err)
		}
		for _, line := range bytes.Split(b, []byte("\n")) {
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var probe struct {
				Sensor *string `json:"sensor"`
			}
			_ = json.Unmarshal(line, &probe)
			if probe.Sensor != nil {
				os, _, err := feeds.ParseObservations(line, lim)
				if err != nil || len(os) != 1 {
					bad++
					continue
				}
				evs = append(evs, replayEvent{t: os[0].T, obs: &os[0]})
				continue
			}
			ps, _, err := feeds.ParsePositions(line, lim)
			if err != nil || len(ps) != 1 {
				bad++
				continue
			}
			evs = append(evs, replayEvent{t: ps[0].T, pos: &ps[0]})
		}
	}
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].t.Before(evs[j].t) })
	return evs, bad, nil
}
