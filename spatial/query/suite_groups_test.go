package query

import (
	"context"
	"fmt"
	"math"
	"testing"
)

// compareGroups checks a grouped answer against a PostGIS GROUP BY that
// joins each feature to the first commune (in id order) that its
// ST_PointOnSurface intersects, and returns the number of groups.
func (w *world) compareGroups(t *testing.T, i int, q question) int {
	res := w.ask(t, i, q)
	status := "NULL::text"
	if q.groupByStatus {
		status = "t.status"
	}
	sql := fmt.Sprintf(`SELECT u.code, %s, count(*), sum(t.floors), sum(t.power_w), avg(t.power_w), min(t.floors), max(t.power_w),
		sum(ST_Area(t.geom::geography)), sum(ST_Length(t.geom::geography))
		FROM %s t LEFT JOIN LATERAL (SELECT c.code FROM communes c WHERE ST_Intersects(c.geom, ST_PointOnSurface(t.geom)) ORDER BY c.ord LIMIT 1) u ON true
		WHERE %s GROUP BY 1, 2`, status, q.layer, q.where)
	rows, err := w.pool.Query(context.Background(), sql, q.args...)
	if err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	defer rows.Close()
	want := map[string][]any{}
	for rows.Next() {
		var code, st *string
		var count int64
		var sumF, minF *int64
		var sumP, avgP, maxP *float64
		var area, length float64
		if err := rows.Scan(&code, &st, &count, &sumF, &sumP, &avgP, &minF, &maxP, &area, &length); err != nil {
			t.Fatal(err)
		}
		want[key(code, st)] = []any{count, val(sumF), val(sumP), val(avgP), val(minF), val(maxP), area, length}
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	got := map[string][]any{}
	for _, g := range res.Groups {
		var code, st *string
		if s, ok := g.Key[0].(string); ok {
			code = &s
		}
		if q.groupByStatus {
			if s, ok := g.Key[1].(string); ok {
				st = &s
			}
		}
		got[key(code, st)] = g.Figures
	}
	if len(got) != len(want) {
		t.Errorf("question %d on %s: %d groups, PostGIS %d\n%s", i, q.layer, len(got), len(want), excerpt(q.body))
	}
	for k, wf := range want {
		gf, ok := got[k]
		if !ok {
			t.Errorf("question %d on %s: no group %s (PostGIS %v)", i, q.layer, k, wf)
			continue
		}
		for j := range wf {
			if !figureEqual(gf[j], wf[j], j >= 6) {
				t.Errorf("question %d on %s group %s figure %s: %v, PostGIS %v", i, q.layer, k, res.FigureNames[j], gf[j], wf[j])
			}
		}
	}
	return len(got)
}

func key(code, st *string) string {
	s := func(p *string) string {
		if p == nil {
			return "∅"
		}
		return *p
	}
	return s(code) + "/" + s(st)
}

func val[T any](p *T) any {
	if p == nil {
		return nil
	}
	return *p
}

// figureEqual: integers exactly, floats to 1e-9 (sums in another order),
// areas and lengths to 1e-4 (the 0.01 %).
func figureEqual(got, want any, measure bool) bool {
	switch w := want.(type) {
	case nil:
		return got == nil || measure && got == 0.0
	case int64:
		return got == w
	case float64:
		g, ok := got.(float64)
		if !ok {
			return false
		}
		tol := 1e-9
		if measure {
			tol = 1e-4
		}
		return math.Abs(g-w) <= tol*math.Max(math.Abs(w), 1e-6)
	}
	return false
}
