// Command benchtable passes `go test -bench` output through and ends with
// a side-by-side table of the sub-benchmarks named …/bando and
// …/postgis (BenchmarkVsPostGIS): the time per question on each side and
// how many times faster bando is. Questions with a bando side alone
// (BenchmarkTargets/…/bando: the H3 count, the indicator recomputation,
// which PostGIS has no counterpart for) are listed with their time.
//
//	go test ./spatial/query/ -run '^$' -bench VsPostGIS | go run ./tools/benchtable
//
// It exits 1 when the input holds no pair (the benchmark was skipped) or
// reports a failure, so make sees it (a pipe keeps only the last status).
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"
)

func main() {
	t := newTable()
	failed := false
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fmt.Println(sc.Text())
		t.line(sc.Text())
		failed = failed || strings.HasPrefix(sc.Text(), "FAIL") || strings.HasPrefix(sc.Text(), "--- FAIL")
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
	if t.write(os.Stdout) == 0 {
		fmt.Fprintln(os.Stderr, "benchtable: no bando/postgis pairs in the input")
		os.Exit(1)
	}
	if failed {
		fmt.Fprintln(os.Stderr, "benchtable: the benchmark run failed")
		os.Exit(1)
	}
}
