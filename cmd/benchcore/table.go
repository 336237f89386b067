package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"time"
)

// row is one line of the result table.
type row struct {
	measure    string
	bando, ref string // measured values, with units
	ratio      string // bando / reference, "" when there is none
	p99b, p99r string
	target     string
	ok         bool
	skipped    string // why the row was not measured
	note       string
}

type table struct {
	title string
	rows  []row
	notes []string
}

func (t *table) add(r row) { t.rows = append(t.rows, r) }

func (t *table) skip(measure, target string, err error) {
	t.rows = append(t.rows, row{measure: measure, target: target, skipped: err.Error()})
}

// compare adds a row for two sides of a throughput comparison: the ratio is
// the median of the per-round ratios; the target is met when that ratio is at
// least minRatio and bando's p99 at most maxP99 (0: no bound).
func (t *table) compare(measure string, b, r *side, unit string, minRatio float64, maxP99 time.Duration) {
	rs := ratios(b, r)
	ratio := median(rs)
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range rs {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	target := fmt.Sprintf("≥ %g×", minRatio)
	ok := ratio >= minRatio
	if maxP99 > 0 {
		target += fmt.Sprintf(", p99 ≤ %dms", maxP99.Milliseconds())
		ok = ok && b.pct(0.99) <= maxP99
	}
	nb, eb, errb, _ := b.total()
	nr, er, errr, _ := r.total()
	note := fmt.Sprintf("rounds %d, ratio range %.2f–%.2f; %s %d req (%d empty, %d errors), %s %d req (%d empty, %d errors)",
		len(rs), lo, hi, b.name, nb, eb, errb, r.name, nr, er, errr)
	t.add(row{measure: measure,
		bando: fmt.Sprintf("%.0f %s", b.medianRate(), unit), ref: fmt.Sprintf("%.0f %s", r.medianRate(), unit),
		ratio: fmt.Sprintf("%.2f×", ratio),
		p99b:  fmt.Sprintf("%.1fms", ms(b.pct(0.99))), p99r: fmt.Sprintf("%.1fms", ms(r.pct(0.99))),
		target: target, ok: ok && errb == 0, note: note})
}

func (r row) verdict() string {
	switch {
	case r.skipped != "":
		return "SKIP"
	case r.ok:
		return "PASS"
	}
	return "FAIL"
}

var header = []string{"measure", "bando (median)", "reference (median)", "ratio (median of rounds)", "p99 bando", "p99 ref", "target", "result"}

func (r row) cells() []string {
	if r.skipped != "" {
		return []string{r.measure, "-", "-", "-", "-", "-", r.target, "SKIP"}
	}
	return []string{r.measure, r.bando, r.ref, r.ratio, r.p99b, r.p99r, r.target, r.verdict()}
}

// printText writes the table aligned for a terminal, then the notes.
func (t *table) printText(w io.Writer) {
	widths := make([]int, len(header))
	all := [][]string{header}
	for _, r := range t.rows {
		all = append(all, r.cells())
	}
	for _, cs := range all {
		for i, c := range cs {
			widths[i] = max(widths[i], len([]rune(c)))
		}
	}
	fmt.Fprintf(w, "\n%s\n", t.title)
	for _, cs := range all {
		for i, c := range cs {
			fmt.Fprintf(w, "%s%s  ", c, strings.Repeat(" ", widths[i]-len([]rune(c))))
		}
		fmt.Fprintln(w)
	}
	t.printNotes(w, "")
}

// printMarkdown writes the same table as GitHub markdown.
func (t *table) printMarkdown(w io.Writer) {
	fmt.Fprintf(w, "# %s\n\n", t.title)
	fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(header, " | "), strings.Repeat("---|", len(header)))
	for _, r := range t.rows {
		fmt.Fprintf(w, "| %s |\n", strings.Join(r.cells(), " | "))
	}
	fmt.Fprintln(w)
	t.printNotes(w, "- ")
}

func (t *table) printNotes(w io.Writer, bullet string) {
	for _, r := range t.rows {
		switch {
		case r.skipped != "":
			fmt.Fprintf(w, "%s%s: not measured: %s\n", bullet, r.measure, r.skipped)
		case r.note != "":
			fmt.Fprintf(w, "%s%s: %s\n", bullet, r.measure, r.note)
		}
	}
	for _, n := range t.notes {
		fmt.Fprintf(w, "%s%s\n", bullet, n)
	}
}
