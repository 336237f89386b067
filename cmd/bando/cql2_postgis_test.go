package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"strings"
	"testing"

	"bando/data"
	"bando/internal/testenv"
	"bando/layers"

	"github.com/jackc/pgx/v5/pgxpool"
)

// cql is one filter in both CQL2 encodings and as the SQL condition on a
// copied table (props jsonb, geom).
type cql struct {
	text, json, sql string
}

// TestCQL2MatchesPostGIS: seeded random CQL2 filters (comparisons, LIKE,
// IN, BETWEEN, IS NULL, AND/OR/NOT, S_INTERSECTS/S_WITHIN/S_CONTAINS/
// S_DWITHIN) over demo layers served by bando select exactly the ids the
// same WHERE selects in PostGIS, in the text and the JSON encoding.
func TestCQL2MatchesPostGIS(t *testing.T) {
	pool := testenv.PostGIS(t)
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, ""))
	demo, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(12, 2026))
	total, nonEmpty := 0, 0
	for _, id := range []string{"buildings", "roads", "schools", "clinics", "street_lights", "communes", "parcels"} {
		t.Run(id, func(t *testing.T) {
			l, err := demo.Get(id)
			if err != nil {
				t.Fatal(err)
			}
			table, n := copyToPostGIS(t, srv, pool, id)
			if n == 0 {
				t.Fatalf("layer %s is empty", id)
			}
			g := newCQLGen(t, pool, table, l, rng)
			for i := range 40 {
				f := g.filter(2)
				if i%2 == 0 {
					f = and(g.spatial(), f)
				}
				want := g.ids("SELECT id FROM " + table + " WHERE " + f.sql)
				for _, enc := range []struct{ lang, src string }{{"cql2-text", f.text}, {"cql2-json", f.json}} {
					got := srv.allFiltered(id, "filter-lang="+enc.lang+"&filter="+url.QueryEscape(enc.src), opsToken)
					slices.Sort(got)
					if d1, d2 := diff(got, want), diff(want, got); len(d1)+len(d2) > 0 && !g.nearEdge(table, f, append(d1, d2...)) {
						t.Fatalf("%s %s\nSQL %s\nbando %d ids, PostGIS %d\nbando-only %v\npostgis-only %v", enc.lang, enc.src, f.sql, len(got), len(want), d1, d2)
					}
				}
				total++
				if len(want) > 0 {
					nonEmpty++
				}
			}
		})
	}
	t.Logf("%d filters, %d with a non-empty answer", total, nonEmpty)
	if nonEmpty < total/3 {
		t.Errorf("only %d of %d filters select anything: the comparison proves little", nonEmpty, total)
	}
}

// allFiltered pages through items with extra parameters.
func (s *server) allFiltered(layer, params, token string) []string {
	var ids []string
	for offset := 0; ; offset += 1000 {
		st, body := s.get(fmt.Sprintf("/collections/%s/items?limit=1000&offset=%d&%s", layer, offset, params), token)
		if st != 200 {
			s.t.Fatalf("%s %s: %d %s", layer, params, st, body)
		}
		var fc featureCollection
		if err := json.Unmarshal(body, &fc); err != nil {
			s.t.Fatal(err)
		}
		for _, f := range fc.Features {
			ids = append(ids, string(f.ID))
		}
		if fc.NumberReturned < 1000 {
			if len(ids) != fc.NumberMatched {
				s.t.Fatalf("%s: paged %d, numberMatched %d", params, len(ids), fc.NumberMatched)
			}
			return ids
		}
	}
}

type cqlGen struct {
	t      *testing.T
	pool   *pgxpool.Pool
	table  string
	l      *layers.Layer
	rng    *rand.Rand
	values map[string][]string // sample values per field, as text
	ext    [4]float64
	radius []string // S_DWITHIN clauses asked, for nearEdge
}

func newCQLGen(t *testing.T, pool *pgxpool.Pool, table string, l *layers.Layer, rng *rand.Rand) *cqlGen {
	g := &cqlGen{t: t, pool: pool, table: table, l: l, rng: rng, values: map[string][]string{}}
	ctx := context.Background()
	for _, f := range l.Fields {
		rows, err := pool.Query(ctx, "SELECT DISTINCT props->>$1 FROM "+table+" WHERE props->>$1 IS NOT NULL LIMIT 200", f.Name)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var v string
			rows.Scan(&v)
			g.values[f.Name] = append(g.values[f.Name], v)
		}
		rows.Close()
	}
	err := pool.QueryRow(ctx, "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(geom)::geometry e FROM "+table+") x").
		Scan(&g.ext[0], &g.ext[1], &g.ext[2], &g.ext[3])
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func (g *cqlGen) ids(sql string) []string {
	rows, err := g.pool.Query(context.Background(), sql)
	if err != nil {
		g.t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		out = append(out, id)
	}
	slices.Sort(out)
	return out
}

func and(a, b cql) cql {
	return cql{"(" + a.text + ") AND (" + b.text + ")", `{"op":"and","args":[` + a.json + "," + b.json + "]}", "(" + a.sql + ") AND (" + b.sql + ")"}
}

// filter is a random predicate on the layer's fields, depth levels deep.
func (g *cqlGen) filter(depth int) cql {
	if depth == 0 || g.rng.IntN(3) == 0 {
		return g.compare()
	}
	switch g.rng.IntN(3) {
	case 0:
		a := g.filter(depth - 1)
		return cql{"NOT (" + a.text + ")", `{"op":"not","args":[` + a.json + "]}", "NOT (" + a.sql + ")"}
	case 1:
		a, b := g.filter(depth-1), g.filter(depth-1)
		return cql{"(" + a.text + ") OR (" + b.text + ")", `{"op":"or","args":[` + a.json + "," + b.json + "]}", "(" + a.sql + ") OR (" + b.sql + ")"}
	}
	a, b := g.filter(depth-1), g.filter(depth-1)
	return cql{"(" + a.text + ") AND (" + b.text + ")", `{"op":"and","args":[` + a.json + "," + b.json + "]}", "(" + a.sql + ") AND (" + b.sql + ")"}
}

// compare is one comparison of a field with values seen in the data.
func (g *cqlGen) compare() cql {
	var f layers.Field
	for {
		f = g.l.Fields[g.rng.IntN(len(g.l.Fields))]
		if len(g.values[f.Name]) > 0 && f.Type != layers.TypeTime {
			break
		}
	}
	col := fmt.Sprintf("(props->>'%s')", f.Name)
	switch f.Type {
	case layers.TypeString:
		col += ` COLLATE "C"`
	case layers.TypeInt:
		col += "::bigint"
	case layers.TypeFloat:
		col += "::float8"
	case layers.TypeBool:
		col += "::boolean"
	}
	vals := g.values[f.Name]
	pick := func() string { return vals[g.rng.IntN(len(vals))] }
	lit := func(v string) (text, js, sql string) {
		if f.Type == layers.TypeString {
			q := "'" + strings.ReplaceAll(v, "'", "''") + "'"
			b, _ := json.Marshal(v)
			return q, string(b), q
		}
		return v, v, v
	}
	prop := `{"property":"` + f.Name + `"}`
	switch k := g.rng.IntN(7); {
	case k == 0:
		return cql{f.Name + " IS NULL", `{"op":"isNull","args":[` + prop + "]}", col + " IS NULL"}
	case k == 1 && f.Type == layers.TypeString:
		v := []rune(pick())
		pat := string(v[:min(len(v), 1+g.rng.IntN(3))]) + "%"
		if len(v) > 4 && g.rng.IntN(2) == 0 {
			pat = "%" + string(v[1:3]) + "_%"
		}
		if strings.ContainsAny(pat[1:len(pat)-1], `%_\`) {
			break
		}
		t, j, s := lit(pat)
		return cql{f.Name + " LIKE " + t, `{"op":"like","args":[` + prop + "," + j + "]}", col + " LIKE " + s}
	case k == 2:
		var ts, js, ss []string
		for range 1 + g.rng.IntN(4) {
			t, j, s := lit(pick())
			ts, js, ss = append(ts, t), append(js, j), append(ss, s)
		}
		return cql{f.Name + " IN (" + strings.Join(ts, ", ") + ")", `{"op":"in","args":[` + prop + ",[" + strings.Join(js, ",") + "]]}",
			col + " IN (" + strings.Join(ss, ", ") + ")"}
	case k == 3 && f.Type != layers.TypeBool:
		lt, lj, ls := lit(pick())
		ht, hj, hs := lit(pick())
		return cql{f.Name + " BETWEEN " + lt + " AND " + ht, `{"op":"between","args":[` + prop + "," + lj + "," + hj + "]}",
			col + " BETWEEN " + ls + " AND " + hs}
	}
	ops := []string{"=", "<>", "<", "<=", ">", ">="}
	if f.Type == layers.TypeBool {
		ops = ops[:2]
	}
	op := ops[g.rng.IntN(len(ops))]
	t, j, s := lit(pick())
	return cql{f.Name + " " + op + " " + t, `{"op":"` + op + `","args":[` + prop + "," + j + "]}", col + " " + op + " " + s}
}

// spatial is a random spatial predicate in the layer's extent.
func (g *cqlGen) spatial() cql {
	e := g.ext
	w, h := e[2]-e[0], e[3]-e[1]
	bw, bh := w*(0.05+0.4*g.rng.Float64()), h*(0.05+0.4*g.rng.Float64())
	x0, y0 := round6(e[0]+g.rng.Float64()*(w-bw)), round6(e[1]+g.rng.Float64()*(h-bh))
	x1, y1 := round6(x0+bw), round6(y0+bh)
	env := fmt.Sprintf("ST_MakeEnvelope(%v,%v,%v,%v,4326)", x0, y0, x1, y1)
	poly := fmt.Sprintf("POLYGON((%v %v, %v %v, %v %v, %v %v, %v %v))", x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
	polyJSON := fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}`, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0)
	geom := `{"property":"geometry"}`
	switch g.rng.IntN(4) {
	case 0:
		return cql{fmt.Sprintf("S_INTERSECTS(geometry, BBOX(%v,%v,%v,%v))", x0, y0, x1, y1),
			fmt.Sprintf(`{"op":"s_intersects","args":[%s,{"bbox":[%v,%v,%v,%v]}]}`, geom, x0, y0, x1, y1), "ST_Intersects(geom, " + env + ")"}
	case 1:
		return cql{"S_WITHIN(geometry, " + poly + ")", `{"op":"s_within","args":[` + geom + "," + polyJSON + "]}", "ST_Within(geom, " + env + ")"}
	case 2:
		// Small zones, so that polygon features can hold them.
		cx, cy := round6(x0+bw/2), round6(y0+bh/2)
		d := 0.0005
		small := fmt.Sprintf("POLYGON((%v %v, %v %v, %v %v, %v %v))", cx, cy, cx+d, cy, cx+d, cy+d, cx, cy)
		smallJSON := fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%v,%v],[%v,%v],[%v,%v],[%v,%v]]]}`, cx, cy, cx+d, cy, cx+d, cy+d, cx, cy)
		return cql{"S_CONTAINS(geometry, " + small + ")", `{"op":"s_contains","args":[` + geom + "," + smallJSON + "]}",
			"ST_Contains(geom, ST_GeomFromText('" + small + "', 4326))"}
	}
	cx, cy := round6(x0+bw/2), round6(y0+bh/2)
	m := float64(200 + g.rng.IntN(3000))
	g.radius = append(g.radius, fmt.Sprintf("%v %v %v", cx, cy, m))
	return cql{fmt.Sprintf("S_DWITHIN(geometry, POINT(%v %v), %v)", cx, cy, m),
		fmt.Sprintf(`{"op":"s_dwithin","args":[%s,{"type":"Point","coordinates":[%v,%v]},%v]}`, geom, cx, cy, m),
		fmt.Sprintf("ST_DWithin(geom::geography, ST_SetSRID(ST_MakePoint(%v,%v),4326)::geography, %v)", cx, cy, m)}
}

// nearEdge reports whether every differing id lies within 0.1 % of the
// radius of the filter's S_DWITHIN (where the ellipsoid distances of bando
// and PostGIS may round apart), as the query suite allows.
func (g *cqlGen) nearEdge(table string, f cql, ids []string) bool {
	if !strings.Contains(f.text, "S_DWITHIN") || len(g.radius) == 0 {
		return false
	}
	var x, y, m float64
	fmt.Sscan(g.radius[len(g.radius)-1], &x, &y, &m)
	for _, id := range ids {
		var d float64
		err := g.pool.QueryRow(context.Background(), "SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint($1,$2),4326)::geography) FROM "+table+" WHERE id = $3", x, y, id).Scan(&d)
		if err != nil || d < m*0.999 || d > m*1.001 {
			return false
		}
	}
	return true
}
