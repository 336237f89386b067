package query

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"bando/internal/testenv"
	"bando/layers"
	"bando/spatial"
	"bando/spatial/geo"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// question is one seeded question, as a query body for bando and as the SQL
// that asks PostGIS the same.
type question struct {
	layer, body, where string // where: the SQL condition on table t
	args               []any
	radius             *orb.Point // ST_DWithin question: ignore features near the edge
	m                  float64
	nearest            *Where
	grouped            bool
	groupByStatus      bool
}

// TestExactAgainstPostGIS is the exactness suite of issue 6: the real demo
// communes and seeded points, lines and polygons in them, in bando and in
// PostGIS (GiST indexes, ANALYZE), and seeded random questions of every
// kind, compared id for id (radius: features within 0.1 % of r of the edge
// aside; nearest: ties aside) and figure for figure.
func TestExactAgainstPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	start := time.Now()
	cat, ix, w := newWorld(t, 2026, 20000, 3000, 3000)
	w.pool = pool
	// Exactness, not speed: a generous time limit, since CI machines may be
	// loaded (one question of 100,000 features hit the default 10 s once).
	w.e = New(ix, cat, Limits{MaxLimit: 100000, MaxWindow: 100000, MaxZoneVertices: 1 << 20, MaxGroups: 100000,
		Timeout: 5 * time.Minute})
	w.loadPostGIS(t, pool)
	t.Logf("loaded in %v", time.Since(start))
	rng := rand.New(rand.NewPCG(6, 2026))
	var qs []question
	for _, l := range []string{"pts", "lns", "pgs"} {
		qs = append(qs, w.questions(rng, l)...)
	}
	kinds, answered := map[string]int{}, map[string]int{}
	for i, q := range qs {
		kind := q.body[strings.Index(q.body, `"where":[{"`)+11:]
		kind = kind[:strings.IndexByte(kind, '"')]
		if q.grouped {
			kind = "grouped"
		}
		kinds[kind]++
		var n int
		if q.grouped {
			n = w.compareGroups(t, i, q)
		} else {
			n = w.compareIDs(t, i, q)
		}
		if n > 0 {
			answered[kind]++
		}
		if t.Failed() && i > 0 && i%50 == 0 {
			break
		}
	}
	t.Logf("%d questions %v, with a non-empty answer %v, in %v", len(qs), kinds, answered, time.Since(start))
	for k, n := range kinds {
		// Most questions must have something to compare, or the suite
		// proves little.
		if answered[k] < n/3 {
			t.Errorf("%s: only %d of %d questions have a non-empty answer", k, answered[k], n)
		}
	}
	if len(qs) < 1000 {
		t.Fatalf("only %d questions", len(qs))
	}
}

func (w *world) questions(rng *rand.Rand, layer string) []question {
	var qs []question
	add := func(n int, mk func() question) {
		for range n {
			q := mk()
			q.layer = layer
			qs = append(qs, q)
		}
	}
	add(70, func() question { return w.radiusQ(rng, layer) })
	add(40, func() question { return w.pointQ(rng, layer) })
	add(70, func() question { return w.zoneQ(rng, layer) })
	add(40, func() question { return w.adminQ(rng) })
	add(30, func() question { return w.bboxQ(rng) })
	add(60, func() question { return w.nearestQ(rng) })
	add(30, func() question { // combinations, with a filter
		a, b := w.radiusQ(rng, layer), w.bboxQ(rng)
		if rng.IntN(2) == 0 {
			a = w.zoneQ(rng, layer)
		}
		fj, fs := randomFilter(rng, 0)
		return question{
			body:  fmt.Sprintf(`{"where":[%s,%s],"filter":%s`, clauseOf(a.body), clauseOf(b.body), fj),
			where: fmt.Sprintf("(%s) AND (%s) AND (%s)", a.where, b.where, fs), args: append(a.args, b.args...),
			radius: a.radius, m: a.m,
		}
	})
	add(12, func() question {
		q := question{grouped: true, groupByStatus: rng.IntN(2) == 0, where: "true", body: `{"where":[]`}
		switch rng.IntN(3) {
		case 1:
			q = w.zoneQ(rng, layer)
		case 2:
			q = w.adminQ(rng)
		}
		q.grouped, q.groupByStatus = true, rng.IntN(2) == 0
		return q
	})
	for i := range qs {
		q := &qs[i]
		q.body = strings.Replace(q.body, "{", fmt.Sprintf(`{"layer":%q,"limit":100000,`, layer), 1) + "}"
		if q.grouped {
			g := `"admin:communes"`
			if q.groupByStatus {
				g += `,"field:status"`
			}
			q.body = strings.TrimSuffix(q.body, "}") + `,"group_by":[` + g + `],"aggregate":[{"op":"count"},{"op":"sum","field":"floors"},{"op":"sum","field":"power_w"},{"op":"avg","field":"power_w"},{"op":"min","field":"floors"},{"op":"max","field":"power_w"},{"op":"area_m2"},{"op":"length_m"}]}`
			q.body = strings.Replace(q.body, `"limit":100000,`, "", 1)
		}
	}
	return qs
}

// clauseOf extracts the first where clause of a body built by a *Q func.
func clauseOf(body string) string {
	s := body[strings.Index(body, `"where":[`)+9:]
	depth := 0
	for i, c := range s {
		switch c {
		case '{':
			depth++
		case '}':
			if depth--; depth == 0 {
				return s[:i+1]
			}
		}
	}
	return s
}

func (w *world) somePoint(rng *rand.Rand) orb.Point {
	c := w.communes[rng.IntN(len(w.communes))]
	b := c.Bound
	return orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
}

func geogPoint(p orb.Point) string {
	return fmt.Sprintf("ST_SetSRID(ST_MakePoint(%v, %v), 4326)::geography", p[0], p[1])
}

func (w *world) radiusQ(rng *rand.Rand, layer string) question {
	p := w.somePoint(rng)
	m := math.Round(math.Pow(10, 1.5+rng.Float64()*2.2)*100) / 100
	return question{
		body:   fmt.Sprintf(`{"where":[{"radius":{"lon":%v,"lat":%v,"m":%v}}]`, p[0], p[1], m),
		where:  fmt.Sprintf("ST_DWithin(t.geom::geography, %s, %v)", geogPoint(p), m),
		radius: &p, m: m,
	}
}

func (w *world) pointQ(rng *rand.Rand, layer string) question {
	fs := w.feats[layer]
	f := fs[rng.IntN(len(fs))]
	var p orb.Point
	switch g := f.Geom.(type) {
	case orb.Point:
		p = g
		if rng.IntN(2) == 0 { // a few metres off
			p = orb.Point{p[0] + (rng.Float64()-0.5)*0.0001, p[1] + (rng.Float64()-0.5)*0.0001}
		}
	case orb.LineString:
		i := rng.IntN(len(g) - 1)
		p = orb.Point{(g[i][0] + g[i+1][0]) / 2, (g[i][1] + g[i+1][1]) / 2}
	case orb.MultiLineString:
		p = g[0][0]
	case orb.Polygon:
		switch rng.IntN(3) {
		case 0:
			p = g[0][rng.IntN(len(g[0]))] // on the boundary
		default:
			b := g.Bound()
			p = orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])}
		}
	}
	if layer == "pgs" {
		return question{
			body:  fmt.Sprintf(`{"where":[{"point":{"lon":%v,"lat":%v}}]`, p[0], p[1]),
			where: fmt.Sprintf("ST_Intersects(t.geom, ST_SetSRID(ST_MakePoint(%v, %v), 4326))", p[0], p[1]),
		}
	}
	tol := []float64{0, 1, 5, 20}[rng.IntN(4)]
	q := question{body: fmt.Sprintf(`{"where":[{"point":{"lon":%v,"lat":%v,"tolerance_m":%v}}]`, p[0], p[1], tol), radius: &p, m: max(tol, 1)}
	if tol == 0 {
		q.body = fmt.Sprintf(`{"where":[{"point":{"lon":%v,"lat":%v}}]`, p[0], p[1])
	}
	q.where = fmt.Sprintf("ST_DWithin(t.geom::geography, %s, %v)", geogPoint(p), q.m)
	return q
}

var predicates = []Predicate{Intersects, Within, Contains}

func predSQL(p Predicate) string {
	switch p {
	case Within:
		return "ST_Within"
	case Contains:
		return "ST_Contains"
	}
	return "ST_Intersects"
}

func (w *world) zoneQ(rng *rand.Rand, layer string) question {
	pred := predicates[rng.IntN(2)]
	if layer == "pgs" && rng.IntN(3) == 0 || rng.IntN(10) == 0 {
		pred = Contains
	}
	var zone orb.Geometry
	switch r := rng.IntN(5); {
	case pred == Contains && layer == "pgs" && r < 4:
		// A tiny zone around a polygon's inside point: often contained.
		fs := w.feats["pgs"]
		p, _ := spatial.PointOnSurface(fs[rng.IntN(len(fs))].Geom)
		zone = starPolygon(rng, p, 0.00001+rng.Float64()*0.0002, false)
	case r == 0:
		zone = w.communes[rng.IntN(len(w.communes))].Geom
	case r == 1: // tiny zones
		zone = starPolygon(rng, w.somePoint(rng), 0.00005+rng.Float64()*0.0003, false)
	default:
		zone = starPolygon(rng, w.somePoint(rng), 0.002+rng.Float64()*0.03, rng.IntN(3) == 0)
	}
	gj, _ := geojson.NewGeometry(zone).MarshalJSON()
	return question{
		body:  fmt.Sprintf(`{"where":[{"zone":%s,"predicate":%q}]`, gj, pred),
		where: fmt.Sprintf("%s(t.geom, ST_SetSRID(ST_GeomFromWKB($1), 4326))", predSQL(pred)), args: []any{mustWKB(nil, zone)},
	}
}

func (w *world) adminQ(rng *rand.Rand) question {
	c := w.communes[rng.IntN(len(w.communes))]
	pred := predicates[rng.IntN(3)]
	code := c.Props[0].(string)
	ref := fmt.Sprintf(`"code":%q`, code)
	unique := true
	for _, o := range w.communes {
		unique = unique && (o == c || Fold(o.Props[1].(string)) != Fold(c.Props[1].(string)))
	}
	if unique && rng.IntN(2) == 0 { // by name, without diacritics
		ref = fmt.Sprintf(`"name":%q`, Fold(c.Props[1].(string)))
	}
	return question{
		body:  fmt.Sprintf(`{"where":[{"admin":{"layer":"communes",%s},"predicate":%q}]`, ref, pred),
		where: fmt.Sprintf("%s(t.geom, (SELECT geom FROM communes WHERE code = '%s'))", predSQL(pred), code),
	}
}

func (w *world) bboxQ(rng *rand.Rand) question {
	p := w.somePoint(rng)
	dx, dy := rng.Float64()*0.05, rng.Float64()*0.05
	b := [4]float64{p[0], p[1], p[0] + dx, p[1] + dy}
	return question{
		body:  fmt.Sprintf(`{"where":[{"bbox":[%v,%v,%v,%v]}]`, b[0], b[1], b[2], b[3]),
		where: fmt.Sprintf("ST_Intersects(t.geom, ST_MakeEnvelope(%v, %v, %v, %v, 4326))", b[0], b[1], b[2], b[3]),
	}
}

func (w *world) nearestQ(rng *rand.Rand) question {
	p := w.somePoint(rng)
	nw := &Where{Kind: KindNearest, At: p, K: 1 + rng.IntN(20)}
	body := fmt.Sprintf(`{"where":[{"nearest":{"lon":%v,"lat":%v,"k":%d`, p[0], p[1], nw.K)
	where := "true"
	if rng.IntN(4) == 0 {
		nw.MaxM = math.Round(100 + rng.Float64()*3000)
		body += fmt.Sprintf(`,"max_m":%v`, nw.MaxM)
		where = fmt.Sprintf("ST_DWithin(t.geom::geography, %s, %v)", geogPoint(p), nw.MaxM)
	}
	body += `}}]`
	if rng.IntN(3) == 0 {
		fj, fs := randomFilter(rng, 0)
		body += `,"filter":` + fj
		where += " AND (" + fs + ")"
	}
	return question{body: body, where: where, nearest: nw}
}

// randomFilter returns a filter as JSON and as SQL.
func randomFilter(rng *rand.Rand, depth int) (string, string) {
	if depth < 2 && rng.IntN(3) == 0 {
		a, as := randomFilter(rng, depth+1)
		b, bs := randomFilter(rng, depth+1)
		switch rng.IntN(3) {
		case 0:
			return fmt.Sprintf(`{"and":[%s,%s]}`, a, b), fmt.Sprintf("(%s AND %s)", as, bs)
		case 1:
			return fmt.Sprintf(`{"or":[%s,%s]}`, a, b), fmt.Sprintf("(%s OR %s)", as, bs)
		}
		return fmt.Sprintf(`{"not":%s}`, a), fmt.Sprintf("(NOT %s)", as)
	}
	ops := []string{"=", "!=", "<", "<=", ">", ">="}
	switch rng.IntN(6) {
	case 0:
		v, op := rng.IntN(10), ops[rng.IntN(len(ops))]
		sqlOp := strings.Replace(op, "!=", "<>", 1)
		return fmt.Sprintf(`{"field":"floors","op":%q,"value":%d}`, op, v), fmt.Sprintf("t.floors %s %d", sqlOp, v)
	case 1:
		a, b := rng.IntN(10), rng.IntN(10)
		return fmt.Sprintf(`{"field":"floors","op":"in","value":[%d,%d]}`, a, b), fmt.Sprintf("t.floors IN (%d, %d)", a, b)
	case 2:
		lo := math.Round(rng.Float64()*30000) / 100
		hi := lo + math.Round(rng.Float64()*20000)/100
		return fmt.Sprintf(`{"field":"power_w","op":"between","value":[%v,%v]}`, lo, hi), fmt.Sprintf("t.power_w BETWEEN %v AND %v", lo, hi)
	case 3:
		s := []string{"on", "off", "fault"}[rng.IntN(3)]
		if rng.IntN(2) == 0 {
			return fmt.Sprintf(`{"field":"status","op":"!=","value":%q}`, s), fmt.Sprintf("t.status <> '%s'", s)
		}
		return fmt.Sprintf(`{"field":"status","op":"=","value":%q}`, s), fmt.Sprintf("t.status = '%s'", s)
	case 4:
		f := []string{"floors", "status", "power_w"}[rng.IntN(3)]
		return fmt.Sprintf(`{"field":%q,"op":"is_null"}`, f), fmt.Sprintf("t.%s IS NULL", f)
	}
	v := math.Round(rng.Float64()*50000) / 100
	return fmt.Sprintf(`{"field":"power_w","op":">","value":%v}`, v), fmt.Sprintf("t.power_w > %v", v)
}

func (w *world) ask(t *testing.T, i int, q question) *Result {
	t.Helper()
	parsed, err := Parse([]byte(q.body))
	if err != nil {
		t.Fatalf("question %d: parse %s: %v", i, q.body, err)
	}
	res, err := w.e.Run(context.Background(), layers.Anonymous, parsed)
	if err != nil {
		t.Fatalf("question %d: %s: %v", i, excerpt(q.body), err)
	}
	if len(res.Repairs) > 0 {
		t.Fatalf("question %d: zone repaired: %v", i, res.Repairs)
	}
	return res
}

func excerpt(s string) string {
	if len(s) > 400 {
		return s[:300] + "…" + s[len(s)-100:]
	}
	return s
}

// compareIDs compares a features question and returns the answer's size.
func (w *world) compareIDs(t *testing.T, i int, q question) int {
	res := w.ask(t, i, q)
	var got []string
	for _, h := range res.Features {
		got = append(got, h.Feature.ID)
	}
	if res.Matched != len(got) {
		t.Fatalf("question %d: matched %d, returned %d", i, res.Matched, len(got))
	}
	if q.nearest != nil {
		w.compareNearest(t, i, q, res)
		return len(got)
	}
	sql := fmt.Sprintf("SELECT id FROM %s t WHERE %s", q.layer, q.where)
	want := w.ids(t, sql, q.args...)
	slices.Sort(got)
	slices.Sort(want)
	if slices.Equal(got, want) {
		return len(got)
	}
	extra, missing := diff(got, want), diff(want, got)
	var real []string
	for _, id := range append(extra, missing...) {
		if q.radius != nil {
			f, _ := w.e.get(q.layer, id)
			if d := geo.DistanceTo(*q.radius, f.Geom); math.Abs(d-q.m) <= 0.001*q.m {
				continue // within 0.1 % of the edge
			}
		}
		real = append(real, id)
	}
	if len(real) > 0 {
		t.Errorf("question %d on %s: %s\nSQL %s\nbando only %v, PostGIS only %v", i, q.layer, excerpt(q.body), excerpt(sql), firstN(extra), firstN(missing))
	}
	return len(got)
}

func (w *world) compareNearest(t *testing.T, i int, q question, res *Result) {
	nw := q.nearest
	sql := fmt.Sprintf("SELECT id, t.geom::geography <-> %s, ST_Distance(t.geom::geography, %s) FROM %s t WHERE %s ORDER BY 2 LIMIT %d",
		geogPoint(nw.At), geogPoint(nw.At), q.layer, q.where, nw.K+10)
	rows, err := w.pool.Query(context.Background(), sql)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	type row struct {
		id        string
		knn, dist float64
	}
	var want []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.id, &r.knn, &r.dist); err != nil {
			t.Fatal(err)
		}
		want = append(want, r)
	}
	rows.Close()
	edge := func(d float64) bool { return nw.MaxM > 0 && math.Abs(d-nw.MaxM) <= 0.001*nw.MaxM }
	k := min(nw.K, len(want))
	var dk float64
	if k > 0 {
		dk = want[k-1].knn
	}
	eps := 1e-9*dk + 1e-6
	got := map[string]float64{}
	for _, h := range res.Features {
		got[h.Feature.ID] = h.DistanceM
	}
	bad := false
	for _, r := range want[:k] {
		if _, ok := got[r.id]; !ok && r.knn < dk-eps && !edge(r.dist) {
			bad = true
		}
	}
	inWant := map[string]row{}
	for _, r := range want {
		inWant[r.id] = r
	}
	for id, d := range got {
		r, ok := inWant[id]
		if (!ok || r.knn > dk+eps) && !edge(d) {
			bad = true
		}
		if ok && math.Abs(d-r.dist) > 1e-6*r.dist+1e-6 {
			t.Errorf("question %d: distance_m of %s = %v, ST_Distance %v", i, id, d, r.dist)
		}
	}
	if len(got) != k && !slices.ContainsFunc(want, func(r row) bool { return edge(r.dist) }) {
		bad = true
	}
	if bad {
		t.Errorf("question %d on %s: %s\nbando %v\nPostGIS %v", i, q.layer, q.body, got, want)
	}
}

func (w *world) ids(t *testing.T, sql string, args ...any) []string {
	rows, err := w.pool.Query(context.Background(), sql, args...)
	if err != nil {
		t.Fatalf("%s: %v", excerpt(sql), err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", excerpt(sql), err)
	}
	return out
}

func diff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			out = append(out, x)
		}
	}
	return out
}

func firstN(s []string) []string { return s[:min(len(s), 10)] }

// get finds a feature by id through the index, for the suite's checks.
func (e *Engine) get(layer, id string) (*spatial.Feature, bool) {
	return e.src.(indexSource).ix.Get(layer, id)
}
