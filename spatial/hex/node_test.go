package hex

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"

	"bando/internal/testenv"
	"bando/spatial"
	"github.com/paulmach/orb"
	h3 "github.com/uber/h3-go/v4"
)

// h3checkDir holds the reference checker (tools/h3check): Uber's h3-js,
// the H3 C library compiled to JavaScript, which shares no code path with
// h3-go's cgo build. Install it with `make tools` or
//
//	npm ci --prefix tools/h3check
const h3checkDir = "../../tools/h3check"

// questions are what h3check answers; see tools/h3check/check.js.
type questions struct {
	Cells      [][3]float64 `json:"cells,omitempty"`
	Parents    [][2]any     `json:"parents,omitempty"`
	Disks      [][2]any     `json:"disks,omitempty"`
	Paths      [][2]string  `json:"paths,omitempty"`
	Polygons   []nodePoly   `json:"polygons,omitempty"`
	Boundaries []string     `json:"boundaries,omitempty"`
	Valid      []string     `json:"valid,omitempty"`
}

type nodePoly struct {
	Loops [][][2]float64 `json:"loops"` // [lat, lng]
	Res   int            `json:"res"`
}

type answers struct {
	Cells      []json.RawMessage `json:"cells"`
	Parents    []json.RawMessage `json:"parents"`
	Disks      []json.RawMessage `json:"disks"`
	Paths      []json.RawMessage `json:"paths"`
	Polygons   []json.RawMessage `json:"polygons"`
	Boundaries []json.RawMessage `json:"boundaries"`
	Valid      []bool            `json:"valid"`
}

// askH3js runs the checker on q, skipping the test loudly when node or
// the checker's packages are missing (failing it in CI).
func askH3js(t *testing.T, q questions) answers {
	t.Helper()
	node := testenv.Node(t)
	if _, err := os.Stat(filepath.Join(h3checkDir, "node_modules", "h3-js")); err != nil {
		testenv.Missing(t, "H3 REFERENCE NOT RUN: "+h3checkDir+"/node_modules (run `make tools`)")
	}
	in, err := json.Marshal(q)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join(h3checkDir, "check.js"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("h3check: %v\n%s", err, stderr.Bytes())
	}
	var a answers
	if err := json.Unmarshal(out, &a); err != nil {
		t.Fatalf("h3check output: %v", err)
	}
	return a
}

func cellAnswer(t *testing.T, raw json.RawMessage) Cell {
	t.Helper()
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("h3-js answered %s", raw)
	}
	c, err := ParseCell(s)
	if err != nil {
		t.Fatalf("h3-js answered %q: %v", s, err)
	}
	return c
}

func cellsAnswer(t *testing.T, raw json.RawMessage) []Cell {
	t.Helper()
	var ss []string
	if err := json.Unmarshal(raw, &ss); err != nil {
		t.Fatalf("h3-js answered %s", raw)
	}
	out := make([]Cell, len(ss))
	for i, s := range ss {
		out[i] = cellAnswer(t, json.RawMessage(`"`+s+`"`))
	}
	return out
}

// referencePoints are the test's points: seeded random ones over Vietnam
// and worldwide, near the poles and near every pentagon.
func referencePoints() []orb.Point {
	r := rand.New(rand.NewPCG(21, 22))
	var pts []orb.Point
	for range short(10_000) {
		pts = append(pts, orb.Point{102.1 + 7.4*r.Float64(), 8.5 + 15*r.Float64()})
	}
	return append(pts, worldPoints(23, short(4000))...)
}

// short returns n, or a fifth of it under -short (the race run).
func short(n int) int {
	if testing.Short() {
		return n / 5
	}
	return n
}

// TestPointCellsMatchH3js asks h3-js for the cell of every reference point
// at every resolution 0–15, and checks CellOf and the aggregation (through
// its point cache, cold and warm) give exactly those cells.
func TestPointCellsMatchH3js(t *testing.T) {
	pts := referencePoints()
	var q questions
	for res := range MaxRes + 1 {
		for _, p := range pts {
			q.Cells = append(q.Cells, [3]float64{p[1], p[0], float64(res)})
		}
	}
	a := askH3js(t, q)
	if len(a.Cells) != len(q.Cells) {
		t.Fatalf("h3-js answered %d of %d", len(a.Cells), len(q.Cells))
	}
	fs := make([]*spatial.Feature, len(pts))
	for i, p := range pts {
		fs[i] = &spatial.Feature{ID: fmt.Sprint(i), Geom: p}
	}
	e := NewEngine(Config{Workers: 2})
	for res := range MaxRes + 1 {
		want := map[Cell]int64{}
		for i, p := range pts {
			ref := cellAnswer(t, a.Cells[res*len(pts)+i])
			if got, err := CellOf(p[0], p[1], res); err != nil || got != ref {
				t.Fatalf("CellOf(%v, %v, %d) = %s, %v; h3-js says %s", p[0], p[1], res, got, err, ref)
			}
			want[ref]++
		}
		for _, pass := range []string{"cold", "warm"} {
			got, err := e.Aggregate(context.Background(), Request{Res: res}, slices.Values(fs))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Cells) != len(want) {
				t.Fatalf("res %d %s: %d cells, h3-js gives %d", res, pass, len(got.Cells), len(want))
			}
			for _, c := range got.Cells {
				if c.Count != want[c.Cell] {
					t.Fatalf("res %d %s: cell %s counts %d, h3-js puts %d points in it", res, pass, c.Cell, c.Count, want[c.Cell])
				}
			}
		}
	}
	t.Logf("%d points × 16 resolutions agree with h3-js", len(pts))
}

// TestCellOpsMatchH3js checks parents, k-rings, outlines and the cell-id
// validator against h3-js.
func TestCellOpsMatchH3js(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	pts := worldPoints(33, 2000)
	var cells []Cell
	for i, p := range pts {
		c, _ := CellOf(p[0], p[1], i%16)
		cells = append(cells, c)
	}
	for res := range MaxRes + 1 {
		cells = append(cells, Cell(h3.Pentagons(res)[r.IntN(12)]))
	}
	var q questions
	for _, c := range cells {
		q.Parents = append(q.Parents, [2]any{c.String(), r.IntN(c.Res() + 1)})
		q.Disks = append(q.Disks, [2]any{c.String(), r.IntN(5)})
		q.Boundaries = append(q.Boundaries, c.String())
		q.Valid = append(q.Valid, c.String())
		// A random 64-bit id, and a valid one with a digit or a bit flipped.
		q.Valid = append(q.Valid, Cell(r.Uint64()>>1).String(), (c ^ Cell(1)<<r.IntN(63)).String())
	}
	a := askH3js(t, q)
	for i, c := range cells {
		pr := q.Parents[i][1].(int)
		if got, _ := c.Parent(pr); got != cellAnswer(t, a.Parents[i]) {
			t.Fatalf("Parent(%s, %d) = %s; h3-js says %s", c, pr, got, a.Parents[i])
		}
		k := q.Disks[i][1].(int)
		if got, _ := GridDisk(c, k); !slices.Equal(got, cellsAnswer(t, a.Disks[i])) {
			t.Fatalf("GridDisk(%s, %d) = %v; h3-js says %s", c, k, got, a.Disks[i])
		}
		var ref [][2]float64
		if err := json.Unmarshal(a.Boundaries[i], &ref); err != nil {
			t.Fatal(err)
		}
		if !sameOutline(Boundary(c), ref) {
			t.Fatalf("Boundary(%s) = %v; h3-js says %v", c, Boundary(c), ref)
		}
	}
	valid := 0
	for i, s := range q.Valid {
		_, err := ParseCell(s)
		if (err == nil) != a.Valid[i] {
			t.Fatalf("ParseCell(%q) = %v; h3-js isValidCell says %v", s, err, a.Valid[i])
		}
		if a.Valid[i] {
			valid++
		}
	}
	t.Logf("%d cells agree with h3-js; %d of %d ids valid", len(cells), valid, len(q.Valid))
}

// sameOutline compares a ring with h3-js's [lat, lng] vertices: the same
// vertices within 1e-7° (1 cm; native and JavaScript builds round
// differently, most near the poles, where a longitude counts for less), up
// to orientation and the +360° shift of antimeridian cells.
func sameOutline(ring orb.Ring, ref [][2]float64) bool {
	if len(ring) != len(ref)+1 {
		return false
	}
	open := slices.Clone(ring[:len(ring)-1])
	for _, v := range ref {
		found := false
		for _, p := range open {
			dl := math.Mod(math.Abs(p[0]-v[1]), 360)
			dl = min(dl, 360-dl) * math.Cos(v[0]*math.Pi/180)
			if math.Abs(p[1]-v[0]) < 1e-7 && dl < 1e-7 {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// TestCoversMatchH3js checks PolygonCells against h3-js polygonToCells
// (centre containment) on random polygons with holes over Vietnam, and
// LineCells against h3-js's cells of the vertices joined by gridPathCells.
func TestCoversMatchH3js(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	var q questions
	var polys []orb.Polygon
	var pres []int
	for i := range 150 {
		res := 5 + i%6
		edge := h3.HexagonEdgeLengthAvgM(res) / 111_000
		p := starPolygon(r, inVietnam(r), edge*(1+25*r.Float64()), i%3 == 0)
		polys, pres = append(polys, p), append(pres, res)
		np := nodePoly{Res: res}
		for _, ring := range p {
			var loop [][2]float64
			for _, v := range ring {
				loop = append(loop, [2]float64{v[1], v[0]})
			}
			np.Loops = append(np.Loops, loop)
		}
		q.Polygons = append(q.Polygons, np)
	}
	var lines []orb.LineString
	var lres []int
	for i := range 150 {
		res := 4 + i%10
		edge := h3.HexagonEdgeLengthAvgM(res) / 111_000
		l := orb.LineString{inVietnam(r)}
		for range 1 + r.IntN(6) {
			last := l[len(l)-1]
			l = append(l, orb.Point{last[0] + 15*edge*r.NormFloat64(), last[1] + 15*edge*r.NormFloat64()})
		}
		lines, lres = append(lines, l), append(lres, res)
		for j := 1; j < len(l); j++ {
			a, _ := CellOf(l[j-1][0], l[j-1][1], res)
			b, _ := CellOf(l[j][0], l[j][1], res)
			q.Paths = append(q.Paths, [2]string{a.String(), b.String()})
		}
	}
	a := askH3js(t, q)
	total := 0
	for i, p := range polys {
		got, err := PolygonCells(p, pres[i], 0)
		if err != nil {
			t.Fatal(err)
		}
		if want := cellsAnswer(t, a.Polygons[i]); !slices.Equal(got, want) {
			t.Fatalf("polygon %d res %d: %d cells, h3-js gives %d", i, pres[i], len(got), len(want))
		}
		total += len(got)
	}
	k := 0
	for i, l := range lines {
		var want []Cell
		for j := 1; j < len(l); j++ {
			want = append(want, cellsAnswer(t, a.Paths[k])...)
			k++
		}
		got, err := LineCells(l, lres[i], 0)
		if err != nil {
			t.Fatal(err)
		}
		if want = sortedSet(want); !slices.Equal(got, want) {
			t.Fatalf("line %d res %d: %v; h3-js grid paths give %v", i, lres[i], got, want)
		}
	}
	t.Logf("%d polygons (%d cells) and %d lines agree with h3-js", len(polys), total, len(lines))
}
