// Command testsummary reads `go test -json` on stdin, prints each package's
// result line and the output of every failing test as they arrive, and ends
// with a summary that counts passes, failures and skips and names every
// skipped and failed test with its reason, so a skip is never silent.
//
//	go test -json ./... | testsummary [-json saved.json]
//
// It exits 1 if any test or package failed (build failures included), so
// the caller can keep go test's verdict.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
)

func main() {
	save := flag.String("json", "", "also write the raw JSON stream to this file")
	flag.Parse()
	var in io.Reader = os.Stdin
	if *save != "" {
		f, err := os.Create(*save)
		if err != nil {
			fmt.Fprintln(os.Stderr, "testsummary:", err)
			os.Exit(2)
		}
		defer f.Close()
		in = io.TeeReader(os.Stdin, f)
	}
	s := newSummary(os.Stdout)
	if err := s.read(in); err != nil {
		fmt.Fprintln(os.Stderr, "testsummary:", err)
		os.Exit(2)
	}
	s.print()
	if s.failed() {
		os.Exit(1)
	}
}

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action  string
	Package string
	Test    string
	Elapsed float64
	Output  string
	// Build events name the package being built in ImportPath; the
	// package's fail event then names it in FailedBuild.
	ImportPath  string
	FailedBuild string
}

// read consumes the stream; lines that are not JSON (go vet or build
// output printed outside test2json) are echoed as they are.
func (s *summary) read(r io.Reader) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		var e event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil || e.Action == "" {
			fmt.Fprintln(s.w, sc.Text())
			continue
		}
		s.add(e)
	}
	return sc.Err()
}
