package ingest

import (
	"bytes"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"bando/layers"
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

// BenchmarkPrepareGeoJSONCollection is the same parcels as one
// FeatureCollection document (read whole, parsed on one goroutine).
func BenchmarkPrepareGeoJSONCollection(b *testing.B) {
	const n = 20000
	lines := bytes.Split(bytes.TrimSpace(parcelsNDJSON(n)), []byte{'\n'})
	data := append([]byte(`{"type":"FeatureCollection","features":[`), bytes.Join(lines, []byte(",\n"))...)
	data = append(data, "]}"...)
	l := layer(b, "parcels")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		fs, _, err := Prepare(l, GeoJSON, bytes.NewReader(data), Options{})
		if err != nil || len(fs) != n {
			b.Fatalf("got %d features, err %v", len(fs), err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "features/s")
}

func BenchmarkPrepareCSVPoints(b *testing.B) {
	const n = 20000
	var buf bytes.Buffer
	buf.WriteString("id,name,category,lon,lat\n")
	for i := range n {
		fmt.Fprintf(&buf, "%d,Điểm %d,school,%.7f,%.7f\n", i+1, i, 106.6+float64(i%1000)*1e-4, 10.7+float64(i/1000)*1e-4)
	}
	data := buf.Bytes()
	l := layer(b, "pois")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		fs, _, err := Prepare(l, CSV, bytes.NewReader(data), Options{})
		if err != nil || len(fs) != n {
			b.Fatalf("got %d features, err %v", len(fs), err)
		}
	}
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "features/s")
}

// BenchmarkPrepareOverpass reads the demo's OSM buildings (Overpass JSON,
// 4,715 buildings) into the buildings layer.
func BenchmarkPrepareOverpass(b *testing.B) {
	data := demoFile(b, "osm_buildings.overpass.json.gz")
	l := demoLayer(b, "buildings")
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	n := 0
	for b.Loop() {
		fs, _, err := Prepare(l, Overpass, bytes.NewReader(data), Options{})
		if err != nil {
			b.Fatal(err)
		}
		n += len(fs)
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "features/s")
}

// BenchmarkCheckPolygonLarge validates a 100,000-vertex ring with a hole,
// the size of a detailed administrative boundary.
func BenchmarkCheckPolygonLarge(b *testing.B) {
	const n = 100000
	ring := func(r float64) orb.Ring {
		out := make(orb.Ring, 0, n+1)
		for k := range n {
			a := 2 * math.Pi * float64(k) / n
			rr := r * (1 + 0.05*math.Sin(37*a))
			out = append(out, orb.Point{106.7 + rr*math.Cos(a), 10.7 + rr*math.Sin(a)})
		}
		return append(out, out[0])
	}
	p := orb.Polygon{ring(0.5), ring(0.1)}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, pr := checkGeometry(layers.GeomPolygon, p); pr != nil {
			b.Fatal(pr.msg)
		}
	}
}
