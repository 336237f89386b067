// Package benchdata builds the indexes that benchmarks of the engine and
// the tiles measure: generated parcels (data/gen) and the demo layers,
// loaded the way the server loads its store (BeginLoad, batches, EndLoad).
// It is for tests and benchmarks only.
package benchdata

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"runtime"
	"runtime/metrics"
	"strings"

	"bando/data"
	"bando/data/gen"
	"bando/ingest"
	"bando/layers"
	"bando/spatial"
)

// batch is how many features one Put carries, as store.Load does.
const batch = 20000

// Catalog returns the demo catalog.
func Catalog() (*layers.Catalog, error) { return data.DemoCatalog() }

// Parcels generates n parcels (seed 1) and loads them into idx as layer
// "parcels", each with Num its id and Seq 1.
func Parcels(idx *spatial.Index, n int) error {
	communes, err := gen.LoadCommunes(data.Demo())
	if err != nil {
		return err
	}
	cat, err := Catalog()
	if err != nil {
		return err
	}
	l, err := cat.Get("parcels")
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := gen.Parcels(gen.Config{Seed: 1, N: n, Communes: communes}, &buf); err != nil {
		return err
	}
	idx.BeginLoad(l.ID)
	defer idx.EndLoad(l.ID)
	lines := buf.Bytes()
	for len(lines) > 0 {
		chunk := lines
		if k := nthLine(lines, batch); k >= 0 {
			chunk, lines = lines[:k], lines[k:]
		} else {
			lines = nil
		}
		feats, _, err := ingest.Prepare(l, ingest.NDJSON, bytes.NewReader(chunk), ingest.Options{})
		if err != nil {
			return fmt.Errorf("benchdata: parcels: %w", err)
		}
		number(feats, 0)
		idx.Put(l.ID, 1, feats)
	}
	return nil
}

// nthLine returns the offset just after the n-th newline of b, or -1.
func nthLine(b []byte, n int) int {
	off := 0
	for range n {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			return -1
		}
		off += i + 1
	}
	return off
}

// number gives features Num (their id when numeric, else base+position)
// and Seq 1, as the store does.
func number(feats []*spatial.Feature, base uint64) {
	for i, f := range feats {
		if n, ok := spatial.NumericID(f.ID); ok {
			f.Num = n
		} else {
			f.Num = base + uint64(i)
		}
		f.Seq = 1
	}
}

// Demo loads every demo layer of the catalog into idx and returns the
// layers loaded.
func Demo(idx *spatial.Index) ([]*layers.Layer, error) {
	cat, err := Catalog()
	if err != nil {
		return nil, err
	}
	var out []*layers.Layer
	for _, l := range cat.All() {
		if l.Demo == "" {
			continue
		}
		feats, err := prepare(l)
		if err != nil {
			return nil, fmt.Errorf("benchdata: demo %s: %w", l.ID, err)
		}
		number(feats, 1<<40)
		idx.BeginLoad(l.ID)
		for i := 0; i < len(feats); i += batch {
			idx.Put(l.ID, 1, feats[i:min(len(feats), i+batch)])
		}
		idx.EndLoad(l.ID)
		out = append(out, l)
	}
	return out, nil
}

func prepare(l *layers.Layer) ([]*spatial.Feature, error) {
	f, err := data.Demo().Open(l.Demo)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	format, err := ingest.FormatFromPath(l.Demo)
	if err != nil {
		return nil, err
	}
	var r io.Reader = f
	if strings.HasSuffix(l.Demo, ".gz") {
		gz, err := gzip.NewReader(f)
		if err != nil {
			return nil, err
		}
		defer gz.Close()
		r = gz
	}
	feats, _, err := ingest.Prepare(l, format, r, ingest.Options{Partial: true})
	return feats, err
}

// HeapBytes returns the live heap after two full collections.
func HeapBytes() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// CPU samples the process's busy and GC CPU time (runtime/metrics), so
// that a benchmark can report the share of CPU the collector took.
type CPU struct{ total, gc float64 }

// ReadCPU returns the CPU times so far: busy is all classes but idle.
func ReadCPU() CPU {
	s := []metrics.Sample{
		{Name: "/cpu/classes/total:cpu-seconds"},
		{Name: "/cpu/classes/idle:cpu-seconds"},
		{Name: "/cpu/classes/gc/total:cpu-seconds"},
	}
	metrics.Read(s)
	return CPU{total: s[0].Value.Float64() - s[1].Value.Float64(), gc: s[2].Value.Float64()}
}

// GCShare returns the percentage of CPU spent on garbage collection since
// c was read.
func (c CPU) GCShare() float64 {
	now := ReadCPU()
	if now.total <= c.total {
		return 0
	}
	return 100 * (now.gc - c.gc) / (now.total - c.total)
}
