package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
)

// table collects ns/op per question and side.
type table struct {
	order []string // questions in first-seen order
	ns    map[string]map[string]float64
}

func newTable() *table { return &table{ns: map[string]map[string]float64{}} }

// line reads one benchmark result line such as
//
//	BenchmarkVsPostGIS/Radius8/bando-2   910   6815497 ns/op   …
//
// and ignores every other line.
func (t *table) line(s string) {
	fs := strings.Fields(s)
	if len(fs) < 4 || !strings.HasPrefix(fs[0], "Benchmark") {
		return
	}
	name := fs[0]
	if i := strings.LastIndexByte(name, '-'); i > 0 {
		if _, err := strconv.Atoi(name[i+1:]); err == nil {
			name = name[:i] // the GOMAXPROCS suffix
		}
	}
	q, side, ok := cutLast(name, "/")
	if !ok || side != "bando" && side != "postgis" {
		return
	}
	for i := 2; i+1 < len(fs); i += 2 {
		if fs[i+1] != "ns/op" {
			continue
		}
		v, err := strconv.ParseFloat(fs[i], 64)
		if err != nil {
			return
		}
		if _, rest, ok := strings.Cut(q, "/"); ok {
			q = rest // BenchmarkVsPostGIS/, BenchmarkTargets/
		}
		if t.ns[q] == nil {
			t.ns[q] = map[string]float64{}
			t.order = append(t.order, q)
		}
		t.ns[q][side] = v
		return
	}
}

func cutLast(s, sep string) (string, string, bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

// write prints the table and returns the number of complete pairs.
func (t *table) write(w io.Writer) int {
	n := 0
	fmt.Fprintf(w, "\n%-24s %14s %14s %10s\n", "question", "bando", "postgis", "speed-up")
	for _, q := range t.order {
		b, okb := t.ns[q]["bando"]
		p, okp := t.ns[q]["postgis"]
		ratio := "-"
		if okb && okp && b > 0 {
			ratio = fmt.Sprintf("%.1f×", p/b)
			n++
		}
		fmt.Fprintf(w, "%-24s %14s %14s %10s\n", q, dur(b, okb), dur(p, okp), ratio)
	}
	return n
}

// dur formats ns/op as milliseconds (or µs below 1 ms).
func dur(ns float64, ok bool) string {
	switch {
	case !ok:
		return "-"
	case ns < 1e6:
		return fmt.Sprintf("%.1f µs", ns/1e3)
	}
	return fmt.Sprintf("%.2f ms", ns/1e6)
}
