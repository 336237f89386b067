package ingest

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// parcelsNDJSON makes n lines of NDJSON parcels: 10-position polygons
// (9 corners on a jittered circle) with 3 to 5 properties.
func parcelsNDJSON(n int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var b bytes.Buffer
	landuse := []string{"ODT", "ONT", "LUC", "CLN", "TMD"}
	for i := range n {
		cx := 106.6 + rng.Float64()*0.2
		cy := 10.7 + rng.Float64()*0.1
		fmt.Fprintf(&b, `{"type":"Feature","id":%d,"geometry":{"type":"Polygon","coordinates":[[`, i+1)
		var first [2]float64
		for k := range 9 {
			a := 2 * math.Pi * float64(k) / 9
			r := 0.0002 * (1 + 0.3*rng.Float64())
			x, y := cx+r*math.Cos(a), cy+r*math.Sin(a)
			if k == 0 {
				first = [2]float64{x, y}
			}
			fmt.Fprintf(&b, "[%.7f,%.7f],", x, y)
		}
		fmt.Fprintf(&b, "[%.7f,%.7f]]]},", first[0], first[1])
		fmt.Fprintf(&b, `"properties":{"parcel_no":"P-%06d","area":%.1f,"landuse":"%s"`, i+1, 100+rng.Float64()*900, landuse[i%len(landuse)])
		if i%2 == 0 {
			fmt.Fprintf(&b, `,"floors":%d`, 1+i%7)
		}
		if i%3 == 0 {
			b.WriteString(`,"surveyed":"2024-05-17"`)
		}
		b.WriteString("}}\n")
	}
	return b.Bytes()
}

// BenchmarkPrepareNDJSONParcels measures Prepare end to end on NDJSON
// parcels; the features/s metric is the figure to compare with the target
// of 150,000 features/s on one core.
func BenchmarkPrepareNDJSONParcels(b *testing.B) {
	const n = 20000
	data := parcelsNDJSON(n)
	l := layer(b, "parcels")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		fs, _, err := Prepare(l, NDJSON, bytes.NewReader(data), Options{})
		if err != nil || len(fs) != n {
			b.Fatalf("got %d features, err %v", len(fs), err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "features/s")
}
