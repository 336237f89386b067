package main

import (
	"strings"
	"testing"
)

func TestTable(t *testing.T) {
	in := `goos: linux
BenchmarkVsPostGIS/CountPerCommune/bando-2         	      30	  98000000 ns/op	  136554 B/op	    1143 allocs/op
BenchmarkVsPostGIS/CountPerCommune/postgis-2       	       1	11407557444 ns/op
BenchmarkVsPostGIS/Radius8/bando-2                 	     910	   681549 ns/op
BenchmarkVsPostGIS/Radius8/postgis-2               	     546	   7330175 ns/op
BenchmarkVsPostGIS/Zone8/bando-2                   	    1382	   2799398 ns/op
BenchmarkOther-2 10 5 ns/op
PASS`
	tb := newTable()
	for _, l := range strings.Split(in, "\n") {
		tb.line(l)
	}
	var out strings.Builder
	if n := tb.write(&out); n != 2 {
		t.Fatalf("%d pairs, want 2:\n%s", n, out.String())
	}
	for _, want := range []string{
		"CountPerCommune                98.00 ms    11407.56 ms     116.4×",
		"Radius8                        681.5 µs        7.33 ms      10.8×",
		"Zone8                           2.80 ms              -          -",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("no %q in\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "Other") {
		t.Errorf("a benchmark without a side is in the table:\n%s", out.String())
	}
}
