package ingest

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"bando/layers"
	"bando/spatial"
)

// item is one feature read from the input, accepted or not.
type item struct {
	index, line int
	file        string // the archive member read, "" for a plain input
	record      int    // the member's 1-based record, 0 if none
	id          string
	f           *spatial.Feature // nil when the feature has problems
	probs       []Problem
	repairs     []Repair
	dropped     []Problem
	admin       *adminOutcome // what Options.AdminField conversion did
	kept        []Problem     // what Options.KeepInvalid kept: a geometry's rule, absent required fields
}

func (it *item) problem(field, rule, msg string) {
	it.probs = append(it.probs, Problem{Index: it.index, Line: it.line, File: it.file, Record: it.record,
		ID: it.id, Field: field, Rule: rule, Message: msg})
}

func (it *item) problemf(field, rule, format string, args ...any) {
	it.problem(field, rule, fmt.Sprintf(format, args...))
}

// collector gathers items in input order and decides, at the end, what is
// accepted.
type collector struct {
	layer   *layers.Layer
	format  Format
	opt     Options
	sch     *schema
	items   []item
	seen    map[string]int // id → position in items of its first occurrence
	dups    map[string]bool
	fatals  []Problem
	ignored nameSet
	skipped map[string]int
	stopped bool     // MaxFeatures reached
	rows    *rowPipe // builds table rows on several goroutines; nil: inline
	// For Report.Total, CRS, Encoding and Notes (archive formats).
	total    int
	crsName  string
	encoding string
	notes    []string
}

func newCollector(l *layers.Layer, format Format, opt Options) *collector {
	return &collector{
		layer: l, format: format, opt: opt, sch: newSchema(l, opt),
		seen: make(map[string]int), ignored: newNameSet(),
	}
}

// fatal records a problem that refuses the whole input, even with Partial.
func (c *collector) fatal(index, line int, rule, msg string) {
	c.fatals = append(c.fatals, Problem{Index: index, Line: line, Rule: rule, Message: msg})
}

// fatalIn records a problem of a record of an archive member that refuses
// the whole input: a .shp whose record lengths lie, a GeoPackage table
// that does not read.
func (c *collector) fatalIn(file string, record int, rule, msg string) {
	c.fatals = append(c.fatals, Problem{Index: -1, File: file, Record: record, Rule: rule, Message: msg})
}

// full reports whether another feature would exceed MaxFeatures; the first
// time it is true it records the too-many problem.
func (c *collector) full() bool {
	if c.count() < c.opt.Limits.MaxFeatures {
		return false
	}
	if !c.stopped {
		c.stopped = true
		c.fatal(-1, 0, RuleTooMany, fmt.Sprintf("more than %d features (the limit for one input)", c.opt.Limits.MaxFeatures))
	}
	return true
}

func (c *collector) ignore(names nameSet) {
	for n := range names.m {
		c.ignored.add(n)
	}
	c.ignored.over = c.ignored.over || names.over
}

// maxIgnoredFields bounds the names Report.IgnoredFields lists: an input
// with a million distinct keys must not make a million-entry map.
const maxIgnoredFields = 1000

// nameSet is a set of at most maxIgnoredFields names, each cut to an
// excerpt; over says that more were left out.
type nameSet struct {
	m    map[string]bool
	over bool
}

func newNameSet() nameSet { return nameSet{m: make(map[string]bool)} }

func (s *nameSet) has(name []byte) bool { return s.m[string(name)] }

func (s *nameSet) add(name string) {
	if s.m[name] {
		return
	}
	if len(s.m) >= maxIgnoredFields {
		s.over = true
		return
	}
	s.m[excerpt(name)] = true
}

func (c *collector) skip(reason string) {
	if c.skipped == nil {
		c.skipped = make(map[string]int)
	}
	c.skipped[reason]++
}

// add takes the next item; items arrive in input order. A feature over a
// size limit refuses the whole input, as the input itself would.
func (c *collector) add(it item) {
	for _, p := range it.probs {
		if p.Rule == RuleTooLarge {
			c.fatals = append(c.fatals, Problem{Index: -1, Line: p.Line, File: p.File, Record: p.Record, ID: p.ID, Field: p.Field, Rule: p.Rule,
				Message: "feature " + strconv.Itoa(p.Index) + ": " + p.Message})
		}
	}
	if it.id != "" {
		if first, dup := c.seen[it.id]; dup {
			if c.dups == nil {
				c.dups = make(map[string]bool)
			}
			if !c.dups[it.id] {
				c.dups[it.id] = true
				c.markDup(&c.items[first], it.index)
			}
			c.markDup(&it, c.items[first].index)
		} else {
			c.seen[it.id] = len(c.items)
		}
	}
	c.items = append(c.items, it)
}

func (c *collector) markDup(it *item, other int) {
	it.problemf("", RuleDuplicateID, "id %s is also used by feature %d", quoteExcerpt(it.id), other)
	it.f = nil
}

// overLimit reports whether the input exceeded a limit.
func (c *collector) overLimit() bool {
	for _, p := range c.fatals {
		if p.Rule == RuleTooLarge || p.Rule == RuleTooMany {
			return true
		}
	}
	return false
}

// finish builds the result: the accepted features, the report, and an
// *Error when the input is refused.
func (c *collector) finish() ([]*spatial.Feature, *Report, error) {
	c.drain()
	rep := &Report{Format: string(c.format), Layer: c.layer.ID, Read: len(c.items), Skipped: c.skipped,
		Total: c.total, CRS: c.crsName, Encoding: c.encoding, Notes: c.notes, Admin: c.adminReport()}
	for n := range c.ignored.m {
		rep.IgnoredFields = append(rep.IgnoredFields, n)
	}
	rep.IgnoredFieldsTruncated = c.ignored.over
	sort.Strings(rep.IgnoredFields)
	probs := slices.Clone(c.fatals)
	var feats []*spatial.Feature
	for i := range c.items {
		it := &c.items[i]
		probs = append(probs, it.probs...)
		rep.Dropped = append(rep.Dropped, it.dropped...)
		if len(it.probs) == 0 && it.f != nil {
			feats = append(feats, it.f)
			for _, r := range it.repairs {
				r.Index, r.ID = it.index, it.id
				rep.Repaired = append(rep.Repaired, r)
			}
			rep.KeptInvalid = append(rep.KeptInvalid, it.kept...)
		}
	}
	slices.SortStableFunc(probs, func(a, b Problem) int { return cmp.Compare(a.Index, b.Index) })
	if c.overLimit() {
		// The input is refused for its size: the problems of the features
		// read until then are noise (and could be thousands).
		probs = slices.Clone(c.fatals)
	}
	listed, omitted := probs, 0
	if len(listed) > MaxProblems {
		listed, omitted = listed[:MaxProblems], len(listed)-MaxProblems
	}
	rep.Rejected, rep.RejectedOmitted = listed, omitted
	if len(c.fatals) > 0 || len(probs) > 0 && !c.opt.Partial {
		rep.Accepted, rep.Repaired, rep.KeptInvalid = 0, nil, nil
		return nil, rep, &Error{Problems: listed, Omitted: omitted}
	}
	rep.Accepted = len(feats)
	rep.MissingExpected = missingExpected(c.sch.fields, feats)
	return feats, rep, nil
}

// missingExpected counts the features lacking each expected field, nil
// when none lacks any.
func missingExpected(fields []layers.Field, feats []*spatial.Feature) map[string]int {
	var out map[string]int
	for i := range fields {
		if !fields[i].Expected {
			continue
		}
		n := 0
		for _, f := range feats {
			if i >= len(f.Props) || f.Props[i] == nil {
				n++
			}
		}
		if n > 0 {
			if out == nil {
				out = map[string]int{}
			}
			out[fields[i].Name] = n
		}
	}
	return out
}
