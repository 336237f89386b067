package query

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"

	"bando/internal/testenv"
	"bando/spatial"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/encoding/wkb"
)

// The bando benchmarks' data and questions asked of PostGIS (GiST indexes
// on geometry and geography, ANALYZE), for issue 6's side-by-side table:
//
//	make bench-query  (go test ./spatial/query/ -run '^$' -bench VsPostGIS -benchtime 3s | go run ./tools/benchtable)
//
// Loading the 1,000,000 points into PostGIS takes about a minute.

// BenchmarkVsPostGIS loads PostGIS once and runs each question on both
// sides as sub-benchmarks.
func BenchmarkVsPostGIS(b *testing.B) {
	e := benchEngine(b)
	pool := testenv.PostGIS(b)
	w := &world{communes: benchCom, feats: map[string][]*spatial.Feature{}}
	e.src.read("pts", func(lv spatial.LayerView) {
		lv.Ascend(0, func(v spatial.FeatureView) bool {
			w.feats["pts"] = append(w.feats["pts"], v.Feature())
			return true
		})
	})
	w.loadPostGIS(b, pool)
	// Let PostgreSQL settle (no autovacuum or checkpoint racing the
	// measurements), and collect the loading garbage on our side.
	for _, sql := range []string{"VACUUM ANALYZE pts", "VACUUM ANALYZE communes", "CHECKPOINT"} {
		if _, err := pool.Exec(context.Background(), sql); err != nil {
			b.Fatal(err)
		}
	}
	w.feats = nil
	runtime.GC()
	b.Run("CountPerCommune/bando", BenchmarkCountPerCommune)
	b.Run("CountPerCommune/postgis", func(b *testing.B) { postgisCountPerCommune(b, pool) })
	b.Run("Radius8/bando", BenchmarkRadius8)
	b.Run("Radius8/postgis", func(b *testing.B) { postgisRadius8(b, pool) })
	b.Run("Zone8/bando", BenchmarkZone8)
	b.Run("Zone8/postgis", func(b *testing.B) { postgisZone8(b, pool) })
}

func pgQuery(b *testing.B, pool *pgxpool.Pool, sql string, args ...any) int {
	rows, err := pool.Query(context.Background(), sql, args...)
	if err != nil {
		b.Fatal(err)
	}
	// Every value is decoded, as bando's side builds each feature of its
	// page (materialise): both sides hand the caller the same answer.
	n := 0
	for rows.Next() {
		if _, err := rows.Values(); err != nil {
			b.Fatal(err)
		}
		n++
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	return n
}

func postgisCountPerCommune(b *testing.B, pool *pgxpool.Pool) {
	for b.Loop() {
		if n := pgQuery(b, pool, `SELECT c.code, count(*) FROM pts t JOIN communes c ON ST_Intersects(c.geom, t.geom) GROUP BY c.code`); n < 100 {
			b.Fatalf("%d groups", n)
		}
	}
}

// clients8 runs fn from 8 goroutines, as 8 concurrent clients.
func clients8(b *testing.B, fn func(rng *rand.Rand)) {
	b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
	var seed sync.Mutex
	s := uint64(0)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		seed.Lock()
		s++
		rng := rand.New(rand.NewPCG(s, 77))
		seed.Unlock()
		for pb.Next() {
			fn(rng)
		}
	})
}

func radiusAt(rng *rand.Rand) (float64, float64) {
	c := benchCom[rng.IntN(len(benchCom))].Bound.Center()
	return c[0], c[1]
}

// BenchmarkRadius8 and postgisRadius8: 500 m radius questions from
// random commune centres, 8 clients, features (properties and geometry,
// decoded on both sides) in distance order (up to
// 1,000).
func BenchmarkRadius8(b *testing.B) {
	e := benchEngine(b)
	clients8(b, func(rng *rand.Rand) {
		x, y := radiusAt(rng)
		benchRun(b, e, fmt.Sprintf(`{"layer":"pts","where":[{"radius":{"lon":%v,"lat":%v,"m":500}}],"limit":1000}`, x, y))
	})
}

func postgisRadius8(b *testing.B, pool *pgxpool.Pool) {
	clients8(b, func(rng *rand.Rand) {
		x, y := radiusAt(rng)
		pt := geogPoint([2]float64{x, y})
		pgQuery(b, pool, fmt.Sprintf(`SELECT id, floors, status, power_w, ST_AsBinary(geom), ST_Distance(t.geom::geography, %s) d FROM pts t WHERE ST_DWithin(t.geom::geography, %s, 500) ORDER BY d, id LIMIT 1000`, pt, pt))
	})
}

// BenchmarkZone8 and postgisZone8: drawn zones about 1 km
// across, 8 clients, features (properties and geometry, decoded on both
// sides) in id order (up to 1,000).
func BenchmarkZone8(b *testing.B) {
	e := benchEngine(b)
	clients8(b, func(rng *rand.Rand) {
		x, y := radiusAt(rng)
		z := starPolygon(rng, [2]float64{x, y}, 0.005, false)
		benchRun(b, e, fmt.Sprintf(`{"layer":"pts","where":[{"zone":{"type":"Polygon","coordinates":%s}}],"limit":1000}`, ringJSON(z[0])))
	})
}

func postgisZone8(b *testing.B, pool *pgxpool.Pool) {
	clients8(b, func(rng *rand.Rand) {
		x, y := radiusAt(rng)
		z := starPolygon(rng, [2]float64{x, y}, 0.005, false)
		g, _ := wkb.Marshal(z)
		pgQuery(b, pool, `SELECT id, floors, status, power_w, ST_AsBinary(geom) FROM pts t WHERE ST_Intersects(t.geom, ST_SetSRID(ST_GeomFromWKB($1), 4326)) ORDER BY id LIMIT 1000`, g)
	})
}
