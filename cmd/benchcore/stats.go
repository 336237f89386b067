package main

import (
	"math"
	"slices"
	"sync"
	"time"
)

// phase is one timed run of one side: how many requests finished in how
// long, and each request's latency.
type phase struct {
	n       int
	empty   int // answers without features (204 or zero bytes)
	bytes   int64
	errs    int
	elapsed time.Duration
	lat     []time.Duration
}

func (p phase) rate() float64 { return float64(p.n) / p.elapsed.Seconds() }

// recorder collects latencies from concurrent workers; each worker has its
// own slice so that recording takes no lock.
type recorder struct {
	mu    sync.Mutex
	parts []*phase
}

func (r *recorder) worker() *phase {
	p := &phase{lat: make([]time.Duration, 0, 4096)}
	r.mu.Lock()
	r.parts = append(r.parts, p)
	r.mu.Unlock()
	return p
}

func (r *recorder) merge(elapsed time.Duration) phase {
	out := phase{elapsed: elapsed}
	for _, p := range r.parts {
		out.n += p.n
		out.empty += p.empty
		out.bytes += p.bytes
		out.errs += p.errs
		out.lat = append(out.lat, p.lat...)
	}
	return out
}

// side is one implementation over all rounds of a comparison.
type side struct {
	name   string
	phases []phase
}

// medianRate is the median throughput over rounds.
func (s *side) medianRate() float64 {
	rs := make([]float64, len(s.phases))
	for i, p := range s.phases {
		rs[i] = p.rate()
	}
	return median(rs)
}

// pct is the q-quantile (0..1) of the latencies of all rounds together.
func (s *side) pct(q float64) time.Duration {
	var all []time.Duration
	for _, p := range s.phases {
		all = append(all, p.lat...)
	}
	if len(all) == 0 {
		return 0
	}
	slices.Sort(all)
	i := int(math.Ceil(q*float64(len(all)))) - 1
	return all[max(0, min(i, len(all)-1))]
}

func (s *side) total() (n, empty, errs int, bytes int64) {
	for _, p := range s.phases {
		n += p.n
		empty += p.empty
		errs += p.errs
		bytes += p.bytes
	}
	return
}

// ratios are the per-round ratios a/b; rounds interleave the two sides, so
// each ratio compares runs made under the same machine load.
func ratios(a, b *side) []float64 {
	var out []float64
	for i := range min(len(a.phases), len(b.phases)) {
		if rb := b.phases[i].rate(); rb > 0 {
			out = append(out, a.phases[i].rate()/rb)
		}
	}
	return out
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
