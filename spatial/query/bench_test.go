package query

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"syscall"
	"testing"
	"time"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

var (
	benchOnce sync.Once
	benchEng  *Engine
	benchCom  []*spatial.Feature
)

// benchEngine: the 168 demo communes and 1,000,000 house points laid
// uniformly in random communes' boxes (seeded).
func benchEngine(b *testing.B) *Engine {
	benchOnce.Do(func() {
		cat, ix, w := newWorld(b, 1, 0, 0, 0)
		benchCom = w.communes
		rng := rand.New(rand.NewPCG(1, 1))
		fs := make([]*spatial.Feature, 1_000_000)
		for i := range fs {
			p := w.somePoint(rng)
			// Num as the store sets it for a numeric id.
			fs[i] = &spatial.Feature{ID: fmt.Sprint(i + 1), Num: uint64(i + 1), Geom: p, Bound: p.Bound(),
				Props: []any{int64(rng.IntN(10)), []string{"on", "off", "fault"}[rng.IntN(3)], float64(rng.IntN(400))}}
		}
		ix.Put("pts", 1, fs)
		benchEng = New(ix, cat, Limits{})
	})
	return benchEng
}

func benchRun(b *testing.B, e *Engine, body string) *Result {
	q, err := Parse([]byte(body))
	if err != nil {
		b.Fatal(err)
	}
	res, err := e.Run(context.Background(), layers.Anonymous, q)
	if err != nil {
		b.Fatal(err)
	}
	return res
}

// BenchmarkCountPerCommune is the spatial join: 1,000,000 points
// counted per commune (the unit holding each point).
func BenchmarkCountPerCommune(b *testing.B) {
	e := benchEngine(b)
	body := `{"layer":"pts","group_by":["admin:communes"],"aggregate":[{"op":"count"}]}`
	benchRun(b, e, body) // prepares the communes once
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		res := benchRun(b, e, body)
		if res.Total.Figures[0] != int64(1_000_000) {
			b.Fatalf("total %v", res.Total.Figures[0])
		}
	}
}

// BenchmarkRadius: radius questions of about 500 m returning a few
// hundred points, from random centres.
func BenchmarkRadius(b *testing.B) {
	e := benchEngine(b)
	rng := rand.New(rand.NewPCG(2, 2))
	b.ReportAllocs()
	n := 0
	cpu0 := cpuTime()
	for b.Loop() {
		c := benchCom[rng.IntN(len(benchCom))].Bound.Center()
		res := benchRun(b, e, fmt.Sprintf(`{"layer":"pts","where":[{"radius":{"lon":%v,"lat":%v,"m":500}}],"limit":1000}`, c[0], c[1]))
		n += res.Matched
	}
	b.ReportMetric(float64(n)/float64(b.N), "features/op")
	reportCPU(b, cpu0)
}

// BenchmarkZone: drawn zones of about 1 km across.
func BenchmarkZone(b *testing.B) {
	e := benchEngine(b)
	rng := rand.New(rand.NewPCG(3, 3))
	b.ReportAllocs()
	n := 0
	cpu0 := cpuTime()
	for b.Loop() {
		c := benchCom[rng.IntN(len(benchCom))].Bound.Center()
		z := starPolygon(rng, c, 0.005, false)
		body := fmt.Sprintf(`{"layer":"pts","where":[{"zone":{"type":"Polygon","coordinates":%s}}],"limit":1000}`, ringJSON(z[0]))
		n += benchRun(b, e, body).Matched
	}
	b.ReportMetric(float64(n)/float64(b.N), "features/op")
	reportCPU(b, cpu0)
}

// BenchmarkNearest: the 10 nearest points.
func BenchmarkNearest(b *testing.B) {
	e := benchEngine(b)
	rng := rand.New(rand.NewPCG(4, 4))
	b.ReportAllocs()
	for b.Loop() {
		c := benchCom[rng.IntN(len(benchCom))].Bound.Center()
		benchRun(b, e, fmt.Sprintf(`{"layer":"pts","where":[{"nearest":{"lon":%v,"lat":%v,"k":10}}]}`, c[0], c[1]))
	}
}

// BenchmarkAdminFilter: one commune's points with a filter, as features.
func BenchmarkAdminFilter(b *testing.B) {
	e := benchEngine(b)
	rng := rand.New(rand.NewPCG(5, 5))
	b.ReportAllocs()
	for b.Loop() {
		c := benchCom[rng.IntN(len(benchCom))]
		benchRun(b, e, fmt.Sprintf(`{"layer":"pts","where":[{"admin":{"layer":"communes","code":%q}}],"filter":{"field":"status","op":"=","value":"fault"},"limit":100}`, c.Props[0]))
	}
}

func ringJSON(r orb.Ring) string {
	s := "[["
	for i, p := range r {
		if i > 0 {
			s += ","
		}
		s += fmt.Sprintf("[%v,%v]", p[0], p[1])
	}
	return s + "]]"
}

// BenchmarkScanBaseline is the floor under the spatial join: visiting the
// 1,000,000 points through the index's public search, doing nothing else.
func BenchmarkScanBaseline(b *testing.B) {
	e := benchEngine(b)
	ext, _ := e.src.extent("pts")
	for b.Loop() {
		n := 0
		e.src.read("pts", func(lv spatial.LayerView) {
			lv.Scan(ext, func(v spatial.FeatureView) bool {
				if v.Bound().Min[0] > 0 {
					n++
				}
				return true
			})
		})
		if n != 1_000_000 {
			b.Fatal(n)
		}
	}
}

// BenchmarkUnitLocate: finding the commune of a point (ns per point).
func BenchmarkUnitLocate(b *testing.B) {
	e := benchEngine(b)
	us, err := e.unitSet(layers.Anonymous, "", "communes")
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(9, 9))
	w := &world{communes: benchCom}
	pts := make([]orb.Point, 1<<16)
	for i := range pts {
		pts[i] = w.somePoint(rng)
	}
	b.ResetTimer()
	i := 0
	for b.Loop() {
		us.grid.locate(us.list, pts[i&(len(pts)-1)])
		i++
	}
}

// BenchmarkScanLocate: the index scan and the unit lookup, nothing else.
func BenchmarkScanLocate(b *testing.B) {
	e := benchEngine(b)
	us, _ := e.unitSet(layers.Anonymous, "", "communes")
	ext, _ := e.src.extent("pts")
	for b.Loop() {
		n := 0
		e.src.read("pts", func(lv spatial.LayerView) {
			lv.Scan(ext, func(v spatial.FeatureView) bool {
				n += us.grid.locate(us.list, v.Bound().Min)
				return true
			})
		})
	}
}

// reportCPU reports the CPU time per op of every goroutine since cpu0: on
// the shared machine the wall time says little, this says what a question
// costs.
func reportCPU(b *testing.B, cpu0 time.Duration) {
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime returns the user+system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
