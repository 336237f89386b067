// Package admincode converts the commune codes of before the reform of
// 1 July 2025 (63 provinces, 3 levels) to the 2025 codes (34 provinces, 2
// levels), with the dvhcvn/20250701 crosswalk embedded in package data. An
// old commune that went, whole or in part, into one new commune maps to it;
// one split between several is placed by the feature's geometry: the new
// commune, among those it went into, that holds the feature's point on
// surface, found by the one query model (spatial/query, a point clause) over
// the 2025 commune polygons. It lives beside ingest, not in it, because the
// query model itself uses ingest's geometry rules.
package admincode

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/paulmach/orb"

	"bando/ingest"
	"bando/spatial"
)

// Locator tells which of the candidate 2025 communes holds a point; ok is
// false when none does (or their polygons are not known).
type Locator interface {
	Locate(p orb.Point, candidates []string) (code string, ok bool)
}

// Crosswalk maps old commune codes to new ones. It is safe for concurrent
// use once built.
type Crosswalk struct {
	to     map[string][]string // old code → its new codes, sorted
	locate Locator
}

// Parse reads a crosswalk as CSV with a header: old,new,type (type f or p,
// not needed here: an old code with several new codes is split). locate
// places split units; nil leaves them unresolved.
func Parse(r io.Reader, locate Locator) (*Crosswalk, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("admincode: header: %w", err)
	}
	if len(head) < 2 || head[0] != "old" || head[1] != "new" {
		return nil, fmt.Errorf("admincode: header %q, want old,new,type", head)
	}
	cw := &Crosswalk{to: map[string][]string{}, locate: locate}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("admincode: %w", err)
		}
		old, nw := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1])
		if old == "" || nw == "" {
			return nil, fmt.Errorf("admincode: line %d: empty code", len(cw.to)+2)
		}
		if !slices.Contains(cw.to[old], nw) {
			cw.to[old] = append(cw.to[old], nw)
		}
	}
	for _, v := range cw.to {
		slices.Sort(v)
	}
	return cw, nil
}

// Len is the number of old codes the crosswalk knows.
func (cw *Crosswalk) Len() int { return len(cw.to) }

// Targets returns the new codes of an old code (nil when unknown).
func (cw *Crosswalk) Targets(old string) []string { return slices.Clone(cw.to[old]) }

// Recode implements ingest.AdminCodes.
func (cw *Crosswalk) Recode(old string, g orb.Geometry) ingest.AdminRecode {
	to := cw.to[strings.TrimSpace(old)]
	switch {
	case len(to) == 0:
		return ingest.AdminRecode{How: ingest.AdminUnknown}
	case len(to) == 1:
		return ingest.AdminRecode{Code: to[0], How: ingest.AdminMapped}
	}
	cands := slices.Clone(to)
	var p orb.Point
	ok := g != nil
	if ok {
		p, ok = spatial.PointOnSurface(g) // as the admin grouping joins a feature to its unit
	}
	if !ok {
		return ingest.AdminRecode{How: ingest.AdminNoGeometry, Candidates: cands}
	}
	if cw.locate != nil {
		if code, ok := cw.locate.Locate(p, cands); ok {
			return ingest.AdminRecode{Code: code, How: ingest.AdminSpatial, Candidates: cands}
		}
	}
	return ingest.AdminRecode{How: ingest.AdminOutside, Candidates: cands}
}
