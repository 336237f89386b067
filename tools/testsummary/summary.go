package main

import (
	"fmt"
	"io"
	"strings"
)

// result is the outcome of one test (or of a package, with Test empty).
type result struct {
	pkg, test string
	reason    string // the skip or failure message, trimmed
}

type summary struct {
	w      io.Writer
	output map[string][]string // pkg/test → output lines so far
	passed int
	skips  []result
	fails  []result
	// pkgFails are packages that failed without a failing test (build
	// errors, panics in TestMain, timeouts).
	pkgFails []result
	failedIn map[string]bool // packages with a failing test
}

func newSummary(w io.Writer) *summary {
	return &summary{w: w, output: map[string][]string{}, failedIn: map[string]bool{}}
}

func key(e event) string { return e.Package + "\x00" + e.Test }

// buildKey is where a package's compiler output is kept.
func buildKey(importPath string) string { return "build\x00" + importPath }

func (s *summary) add(e event) {
	k := key(e)
	switch e.Action {
	case "output":
		s.output[k] = append(s.output[k], e.Output)
		return
	case "build-output":
		bk := buildKey(e.ImportPath)
		s.output[bk] = append(s.output[bk], e.Output)
		return
	case "build-fail":
		return // reported with the package's fail event
	case "fail":
		if e.FailedBuild != "" {
			bk := buildKey(e.FailedBuild)
			s.output[k] = append(s.output[bk], s.output[k]...)
			delete(s.output, bk)
		}
		s.fail(e, k)
	case "pass":
		if e.Test != "" {
			s.passed++
		} else {
			fmt.Fprintf(s.w, "ok   %s %.1fs\n", e.Package, e.Elapsed)
		}
	case "skip":
		if e.Test != "" {
			s.skips = append(s.skips, result{e.Package, e.Test, skipReason(s.output[k])})
		} else {
			fmt.Fprintf(s.w, "?    %s [no test files]\n", e.Package)
		}
	default:
		return
	}
	delete(s.output, k)
}

// fail prints the failing test's output at once, so a long run shows
// problems when they happen.
func (s *summary) fail(e event, k string) {
	out := strings.Join(s.output[k], "")
	if e.Test != "" {
		s.fails = append(s.fails, result{e.Package, e.Test, firstLines(out, 3)})
		s.failedIn[e.Package] = true
		fmt.Fprintf(s.w, "--- FAIL %s %s\n%s", e.Package, e.Test, out)
		return
	}
	fmt.Fprintf(s.w, "FAIL %s %.1fs\n", e.Package, e.Elapsed)
	if !s.failedIn[e.Package] {
		s.pkgFails = append(s.pkgFails, result{e.Package, "", firstLines(out, 10)})
		fmt.Fprint(s.w, out)
	}
}

func (s *summary) failed() bool { return len(s.fails) > 0 || len(s.pkgFails) > 0 }

func (s *summary) print() {
	fmt.Fprintf(s.w, "\n=== test summary: %d passed, %d failed, %d skipped", s.passed, len(s.fails), len(s.skips))
	if len(s.pkgFails) > 0 {
		fmt.Fprintf(s.w, ", %d packages failed outside tests", len(s.pkgFails))
	}
	fmt.Fprintln(s.w)
	for _, r := range s.skips {
		fmt.Fprintf(s.w, "SKIPPED %s %s: %s\n", r.pkg, r.test, r.reason)
	}
	for _, r := range s.fails {
		fmt.Fprintf(s.w, "FAILED  %s %s: %s\n", r.pkg, r.test, r.reason)
	}
	for _, r := range s.pkgFails {
		fmt.Fprintf(s.w, "FAILED  %s (package): %s\n", r.pkg, r.reason)
	}
}

// skipReason finds the t.Skip message among a test's output lines: test2json
// streams it just before the "--- SKIP" header, so it is the last line that
// says something.
func skipReason(lines []string) string {
	last := "(no reason given)"
	for _, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		last = t
	}
	return last
}

// firstLines returns up to n non-empty, non-header lines joined by " | ".
func firstLines(out string, n int) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") {
			continue
		}
		if keep = append(keep, t); len(keep) == n {
			break
		}
	}
	return strings.Join(keep, " | ")
}
