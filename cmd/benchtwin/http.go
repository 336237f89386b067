package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"bando/api"
	"bando/ingest/feeds"
	"bando/layers"
	"bando/store"
	"bando/twin"

	"github.com/valyala/fasthttp"
)

const secret = "bench-secret"

// overHTTP runs the fleet through POST /api/twin/positions at o.conns
// connections (each 2xx: every line durable), with a probe vessel
// crossing a geofence every 10 ms whose alerts are timed on /api/stream,
// then reads a week-long track.
func overHTTP(ctx context.Context, o options) ([]row, error) {
	dir, err := os.MkdirTemp("", "benchtwin")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	st, err := store.OpenPebble(dir, nil)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	hub := twin.NewHub()
	o.feeders = o.conns
	tw, cat, idx, fs, err := setup(ctx, o, st, hub)
	if err != nil {
		return nil, err
	}
	tokens, err := api.NewTokens([]api.Token{{Name: "ops", SHA256: api.HashToken(secret), Clearance: layers.Restricted, Write: true}})
	if err != nil {
		return nil, err
	}
	srv := api.New(api.Config{Catalog: cat, Index: idx, Store: st, Tokens: tokens, MaxBody: 64 << 20})
	srv.SetTwin(tw, hub)
	srv.SetReady(true)
	base, stop, err := serve(srv)
	if err != nil {
		return nil, err
	}
	defer stop()

	per := o.updates / o.conns / o.batch
	bodies := make([][][]byte, o.conns)
	for k, f := range fs {
		for range per {
			bodies[k] = append(bodies[k], ndjson(f.batch(o.batch)))
		}
	}
	lat := newProbe(base)
	if err := lat.listen(); err != nil {
		return nil, err
	}
	hc := &fasthttp.HostClient{Addr: strings.TrimPrefix(base, "http://"), MaxConns: o.conns + 2, ReadTimeout: time.Minute}
	var wg sync.WaitGroup
	var failed atomic.Int64
	done := make(chan struct{})
	go lat.run(hc, done)
	start, cpu0 := time.Now(), cpuTime()
	for k := range o.conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, b := range bodies[k] {
				if st := post(hc, "/api/twin/positions", b); st != 200 {
					failed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	el, cpu := time.Since(start), cpuTime()-cpu0
	close(done)
	lat.stop()
	if n := failed.Load(); n > 0 {
		return nil, fmt.Errorf("%d HTTP batches failed", n)
	}
	rate := float64(per*o.conns*o.batch) / el.Seconds()
	p99 := percentile(lat.samples(), 0.99)
	rows := []row{
		{name: fmt.Sprintf("HTTP feed updates/s, durable 2xx (%d conns)", o.conns), value: fmt.Sprintf("%.0f", rate),
			target: "≥ 100000", pass: rate >= 100000},
		{name: "  the same, per CPU-second (server + clients, all cores)",
			value: fmt.Sprintf("%.0f", float64(per*o.conns*o.batch)/cpu.Seconds())},
		{name: fmt.Sprintf("arrival → alert on SSE, p99 under that load (n=%d)", len(lat.samples())),
			value: p99.Round(100 * time.Microsecond).String(), target: "≤ 100ms", pass: p99 > 0 && p99 <= 100*time.Millisecond},
	}
	tr, err := trackWeek(ctx, tw, hc)
	if err != nil {
		return nil, err
	}
	return append(rows, tr...), nil
}

func post(hc *fasthttp.HostClient, path string, body []byte) int {
	req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI("http://" + hc.Addr + path)
	req.Header.SetMethod("POST")
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.SetContentType("application/x-ndjson")
	req.SetBodyRaw(body)
	if err := hc.Do(req, resp); err != nil {
		return 0
	}
	return resp.StatusCode()
}

// probe sends a vessel in and out of zone 0 and times each
// geofence_enter alert from just before the POST to its SSE event.
type probe struct {
	base   string
	mu     sync.Mutex
	sent   map[string]time.Time // fix time → when posted
	lat    []time.Duration
	resp   *http.Response
	closed atomic.Bool
}

func newProbe(base string) *probe { return &probe{base: base, sent: map[string]time.Time{}} }

func (p *probe) listen() error {
	req, err := http.NewRequest("GET", p.base+"/api/stream?topics=alerts", nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	p.resp = resp
	go func() {
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok || !strings.Contains(line, `"PROBE"`) {
				continue
			}
			now := time.Now()
			var a twin.Alert
			if json.Unmarshal([]byte(line), &a) != nil || a.Kind != twin.KindGeofenceEnter || a.Version != 1 {
				continue
			}
			p.mu.Lock()
			if at, ok := p.sent[a.OpenedAt.UTC().Format(time.RFC3339)]; ok {
				p.lat = append(p.lat, now.Sub(at))
			}
			p.mu.Unlock()
		}
	}()
	return nil
}

func (p *probe) run(hc *fasthttp.HostClient, done <-chan struct{}) {
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-done:
			return
		case <-tick.C:
		}
		lon := 107.045 // between zones 0 and 1
		if i%2 == 1 {
			lon = 107.035 // inside zone 0
		}
		ps := []feeds.Position{{ID: "PROBE", T: t0.Add(time.Duration(i) * time.Minute), Lon: lon, Lat: 9.035, SOG: 5, COG: 90}}
		at := time.Now()
		p.mu.Lock()
		p.sent[ps[0].T.Format(time.RFC3339)] = at
		p.mu.Unlock()
		post(hc, "/api/twin/positions", ndjson(ps))
	}
}

func (p *probe) stop() {
	time.Sleep(200 * time.Millisecond) // the last alerts in flight
	p.resp.Body.Close()
}

func (p *probe) samples() []time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Duration(nil), p.lat...)
}

// trackWeek stores a week of one fix a minute for one vessel and reads it
// back over HTTP.
func trackWeek(ctx context.Context, tw *twin.Twin, hc *fasthttp.HostClient) ([]row, error) {
	var ps []feeds.Position
	for m := range 7 * 24 * 60 {
		ps = append(ps, feeds.Position{ID: "TRACK-1", T: t0.Add(time.Duration(m) * time.Minute),
			Lon: 108.0 + float64(m)*1e-5, Lat: 10.5, SOG: 4, COG: 90, Source: "vms"})
	}
	for i := 0; i < len(ps); i += 1440 {
		if err := tw.Positions(ctx, ps[i:min(len(ps), i+1440)]); err != nil {
			return nil, err
		}
	}
	var inproc, overHTTP []time.Duration
	for range 30 {
		start := time.Now()
		n := 0
		if err := tw.Track(ctx, "TRACK-1", t0, t0.Add(7*24*time.Hour), func(store.TrackPoint) error { n++; return nil }); err != nil {
			return nil, err
		}
		inproc = append(inproc, time.Since(start))
		if n != len(ps) {
			return nil, fmt.Errorf("track: %d fixes, want %d", n, len(ps))
		}
		req, resp := fasthttp.AcquireRequest(), fasthttp.AcquireResponse()
		req.SetRequestURI("http://" + hc.Addr + "/api/twin/objects/TRACK-1/track")
		req.Header.Set("Authorization", "Bearer "+secret)
		start = time.Now()
		err := hc.Do(req, resp)
		overHTTP = append(overHTTP, time.Since(start))
		if err != nil || resp.StatusCode() != 200 {
			return nil, fmt.Errorf("track over HTTP: %v %d", err, resp.StatusCode())
		}
		fasthttp.ReleaseRequest(req)
		fasthttp.ReleaseResponse(resp)
	}
	pi, ph := percentile(inproc, 0.5), percentile(overHTTP, 0.5)
	return []row{
		{name: "week-long track (10,080 fixes), store read, median", value: pi.Round(10 * time.Microsecond).String(),
			target: "≤ 20ms", pass: pi <= 20*time.Millisecond},
		{name: "week-long track, GET …/track over HTTP (GeoJSON), median", value: ph.Round(10 * time.Microsecond).String(),
			target: "≤ 20ms", pass: ph <= 20*time.Millisecond},
	}, nil
}
