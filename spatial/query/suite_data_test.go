package query

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"testing"

	"bando/data"
	"bando/ingest"
	"bando/layers"
	"bando/spatial"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// suiteLayers are the synthetic layers of the exactness suite, beside the
// real demo communes.
const suiteLayers = `layers:
  - {id: pts, title: {vi: a, en: a}, kind: poi, geometry: Point, access: public, zoom: {min: 0, max: 16}, attribution: t, fields: &f [{name: floors, type: int}, {name: status, type: string}, {name: power_w, type: float}]}
  - {id: lns, title: {vi: a, en: a}, kind: road, geometry: LineString, access: public, zoom: {min: 0, max: 16}, attribution: t, fields: *f}
  - {id: pgs, title: {vi: a, en: a}, kind: building, geometry: Polygon, access: public, zoom: {min: 0, max: 16}, attribution: t, fields: *f}
`

// world is the suite's data, in the index and in PostGIS.
type world struct {
	e        *Engine
	pool     *pgxpool.Pool
	communes []*spatial.Feature
	feats    map[string][]*spatial.Feature
}

func loadCommunes(t testing.TB) (*layers.Layer, []*spatial.Feature) {
	cat, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	l, err := cat.Get("communes")
	if err != nil {
		t.Fatal(err)
	}
	f, err := data.Demo().Open(l.Demo)
	if err != nil {
		t.Fatal(err)
	}
	defer f.(fs.File).Close()
	fs, _, err := ingest.Prepare(l, ingest.GeoJSON, f, ingest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return l, fs
}

// newWorld builds the suite's data from seed: the 168 communes, and points,
// lines and polygons laid in them — some on commune vertices, so that
// boundary contact is common.
func newWorld(t testing.TB, seed uint64, nPts, nLns, nPgs int) (*layers.Catalog, *spatial.Index, *world) {
	cl, communes := loadCommunes(t)
	syn, err := layers.Parse([]byte(suiteLayers))
	if err != nil {
		t.Fatal(err)
	}
	base, _ := layers.NewCatalog([]*layers.Layer{cl})
	cat, err := base.Merge(syn)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b9))
	w := &world{communes: communes, feats: map[string][]*spatial.Feature{}}
	var verts []orb.Point
	for _, c := range communes {
		for _, pg := range c.Geom.(orb.MultiPolygon) {
			verts = append(verts, pg[0][:len(pg[0])-1]...)
		}
	}
	at := func() orb.Point {
		if rng.IntN(20) == 0 {
			return verts[rng.IntN(len(verts))]
		}
		c := communes[rng.IntN(len(communes))]
		b := c.Bound
		return orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
	}
	props := func() []any {
		p := []any{int64(rng.IntN(10)), []string{"on", "off", "fault"}[rng.IntN(3)], math.Round(rng.Float64()*50000) / 100}
		for i := range p {
			if rng.IntN(10) == 0 {
				p[i] = nil
			}
		}
		return p
	}
	add := func(layer string, g orb.Geometry) {
		id := fmt.Sprint(len(w.feats[layer]) + 1)
		w.feats[layer] = append(w.feats[layer], &spatial.Feature{ID: id, Geom: g, Bound: g.Bound(), Props: props()})
	}
	for range nPts {
		add("pts", at())
	}
	for range nLns {
		add("lns", randomLine(rng, at()))
	}
	for range nPgs {
		add("pgs", starPolygon(rng, at(), 0.0002+rng.Float64()*0.004, rng.IntN(4) == 0))
	}
	ix := spatial.NewIndex()
	ix.Put("communes", 1, communes)
	for l, fs := range w.feats {
		ix.Put(l, 1, fs)
	}
	return cat, ix, w
}

func randomLine(rng *rand.Rand, p orb.Point) orb.Geometry {
	l := orb.LineString{p}
	for range 1 + rng.IntN(6) {
		s := 0.0005 + rng.Float64()*0.004
		a := rng.Float64() * 2 * math.Pi
		p = orb.Point{p[0] + s*math.Cos(a), p[1] + s*math.Sin(a)}
		l = append(l, p)
	}
	if rng.IntN(8) == 0 {
		q := l[len(l)-1]
		return orb.MultiLineString{l, {q, {q[0] + 0.001, q[1] - 0.002}, {q[0] + 0.003, q[1]}}}
	}
	return l
}

// starPolygon is a simple polygon around c (vertices at increasing angles),
// with a hole around c when holed.
func starPolygon(rng *rand.Rand, c orb.Point, r float64, holed bool) orb.Polygon {
	n := 3 + rng.IntN(12)
	ring := orb.Ring{}
	for i := range n {
		a := 2 * math.Pi * (float64(i) + rng.Float64()*0.8) / float64(n)
		d := r * (0.5 + 0.5*rng.Float64())
		ring = append(ring, orb.Point{c[0] + d*math.Cos(a), c[1] + d*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	p := orb.Polygon{ring}
	if holed {
		h := r * 0.2
		hole := orb.Ring{{c[0] - h, c[1] - h}, {c[0] - h, c[1] + h}, {c[0] + h, c[1] + h}, {c[0] + h, c[1] - h}, {c[0] - h, c[1] - h}}
		// Keep the hole only when it lies strictly inside the shell, so
		// that the polygon is valid.
		if spatial.NewArea(p).Locate(hole[0]) == spatial.Interior && !spatial.NewArea(orb.Polygon{hole}).Intersects(orb.LineString(ring)) {
			p = append(p, hole)
		}
	}
	return p
}

// loadPostGIS copies the world into PostGIS as geometry (WKB, so that
// coordinates are bit-identical), with GiST indexes on geometry and
// geography, and ANALYZE.
func (w *world) loadPostGIS(t testing.TB, pool *pgxpool.Pool) {
	ctx := context.Background()
	exec := func(sql string, args ...any) {
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	exec(`CREATE TABLE communes (id text, ord int, code text, name text, geom geometry(Geometry, 4326))`)
	var ids, codes, names []string
	var ords []int
	var geoms [][]byte
	for i, c := range w.communes {
		ids, ords = append(ids, c.ID), append(ords, i)
		codes, names = append(codes, c.Props[0].(string)), append(names, c.Props[1].(string))
		geoms = append(geoms, mustWKB(t, c.Geom))
	}
	exec(`INSERT INTO communes SELECT i, o, c, n, ST_SetSRID(ST_GeomFromWKB(g), 4326) FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bytea[]) u(i, o, c, n, g)`,
		ids, ords, codes, names, geoms)
	exec(`CREATE INDEX ON communes USING gist (geom)`)
	for _, l := range []string{"pts", "lns", "pgs"} {
		exec(fmt.Sprintf(`CREATE TABLE %s (id text, floors bigint, status text, power_w float8, geom geometry(Geometry, 4326))`, l))
		var ids []string
		var floors []*int64
		var status []*string
		var power []*float64
		var geoms [][]byte
		for _, f := range w.feats[l] {
			ids = append(ids, f.ID)
			floors, status, power = append(floors, ptr[int64](f.Props[0])), append(status, ptr[string](f.Props[1])), append(power, ptr[float64](f.Props[2]))
			geoms = append(geoms, mustWKB(t, f.Geom))
		}
		exec(fmt.Sprintf(`INSERT INTO %s SELECT i, f, s, p, ST_SetSRID(ST_GeomFromWKB(g), 4326) FROM unnest($1::text[], $2::bigint[], $3::text[], $4::float8[], $5::bytea[]) u(i, f, s, p, g)`, l),
			ids, floors, status, power, geoms)
		exec(fmt.Sprintf(`CREATE INDEX ON %s USING gist (geom)`, l))
		exec(fmt.Sprintf(`CREATE INDEX ON %s USING gist ((geom::geography))`, l))
	}
	exec(`ANALYZE`)
}

func ptr[T any](v any) *T {
	if x, ok := v.(T); ok {
		return &x
	}
	return nil
}

func mustWKB(t testing.TB, g orb.Geometry) []byte {
	b, err := wkb.Marshal(g)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
