package quality

import (
	"errors"
	"fmt"
	"time"

	"bando/layers"
)

// Report is the quality of one layer as a principal may see it: the shape
// of GET /api/quality/{layer} and of bando.quality in /collections/{id}.
type Report struct {
	Layer        string          `json:"layer"`
	Features     int             `json:"features"`
	Steward      *layers.Steward `json:"steward"`
	ComputedAt   time.Time       `json:"computed_at"`
	Validity     Validity        `json:"validity"`
	Completeness Completeness    `json:"completeness"`
	Cleanliness  Cleanliness     `json:"cleanliness"`
	Liveness     Liveness        `json:"liveness"`
}

// Validity: invalid counts geometries ST_IsValid refuses; outside counts
// valid ones off the province. The score is the share of neither.
type Validity struct {
	Score      float64     `json:"score"`
	Invalid    int         `json:"invalid"`
	Outside    int         `json:"outside"`
	InvalidIDs []string    `json:"invalid_ids"`
	OutsideIDs []string    `json:"outside_ids"`
	Problems   []IDProblem `json:"problems"`
}

// IDProblem is why one feature's geometry is invalid.
type IDProblem struct {
	ID string `json:"id"`
	Problem
}

// Completeness: the share of features holding every expected field the
// principal may see, and the features lacking each such field.
type Completeness struct {
	Score         float64        `json:"score"`
	Complete      int            `json:"complete"`
	Expected      []string       `json:"expected"`
	Missing       map[string]int `json:"missing"`
	IncompleteIDs []string       `json:"incomplete_ids"`
}

// Cleanliness: duplicates counts features whose geometry equals another's,
// overlaps the ST_Overlaps pairs, contained the pairs where one polygon
// covers the other. The score is the share of features in none of them.
type Cleanliness struct {
	Score      float64 `json:"score"`
	Duplicates int     `json:"duplicates"`
	Overlaps   int     `json:"overlaps"`
	Contained  int     `json:"contained"`
	// ToleranceM2 is the overlap area below which a pair is not counted.
	ToleranceM2  float64     `json:"tolerance_m2"`
	DuplicateIDs []string    `json:"duplicate_ids"`
	OverlapIDs   []string    `json:"overlap_ids"`
	OverlapPairs [][2]string `json:"overlap_pairs"`
	ContainedIDs []string    `json:"contained_ids"`
}

// Liveness: the age of the last write against the expected interval. Age
// and score are null when the time of the last write is unknown, expected
// when the catalog sets no interval.
type Liveness struct {
	Score      *float64   `json:"score"`
	AgeS       *float64   `json:"age_s"`
	ExpectedS  *float64   `json:"expected_s"`
	Stale      bool       `json:"stale"`
	LastUpdate *time.Time `json:"last_update"`
}

// liveness computes the liveness of a layer last written at updated (zero:
// unknown) with the expected interval every, at now.
func liveness(updated time.Time, every time.Duration, now time.Time) Liveness {
	var lv Liveness
	if every > 0 {
		e := every.Seconds()
		lv.ExpectedS = &e
	}
	if updated.IsZero() {
		return lv
	}
	u := updated.UTC()
	lv.LastUpdate = &u
	age := max(0, now.Sub(updated).Seconds())
	lv.AgeS = &age
	score := 1.0
	if every > 0 && now.Sub(updated) > every {
		lv.Stale = true
		score = every.Seconds() / age
	}
	lv.Score = &score
	return lv
}

// share is good/n, 1 for an empty layer.
func share(good, n int) float64 {
	if n <= 0 {
		return 1
	}
	return float64(good) / float64(n)
}

// ErrComputing is what Report returns for a layer without figures yet.
var ErrComputing = errors.New("quality: the layer's figures are being computed")

// Report returns the quality of a layer as p may see it; a layer p may not
// see is unknown. Changes to the layer not yet refreshed are refreshed
// first (waiting for a refresh under way), so that a read after a write
// sees the write's figures.
func (e *Engine) Report(p layers.Principal, id string) (*Report, error) {
	l, err := e.catalog().Get(id)
	if err != nil || !layers.CanSee(p, l) {
		return nil, fmt.Errorf("%w %q", layers.ErrUnknownLayer, id)
	}
	e.mu.Lock()
	_, dirty := e.pending[id]
	dirty = dirty || e.full[id] || e.sums[id] == nil
	e.mu.Unlock()
	if dirty {
		e.Refresh()
	}
	e.mu.Lock()
	s := e.sums[id]
	e.mu.Unlock()
	if s == nil {
		return nil, fmt.Errorf("%w: %q", ErrComputing, id)
	}
	r := &Report{Layer: id, Features: s.features, ComputedAt: s.computed.UTC(), Validity: s.validity, Cleanliness: s.clean}
	r.Cleanliness.ToleranceM2 = e.cfg.OverlapTolerance
	if l.Steward.Department != "" {
		st := l.Steward
		r.Steward = &st
	}
	r.Completeness = s.completenessFor(p)
	r.Liveness = liveness(s.updatedAt(e), l.Update, e.cfg.Now())
	return r, nil
}

// updatedAt is the layer's last write as the engine knows it now (a write
// after the summary counts: liveness needs no refresh).
func (s *summary) updatedAt(e *Engine) time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	if t := e.updated[s.l.ID]; t.After(s.updated) {
		return t
	}
	return s.updated
}

// completenessFor picks the level whose visible expected fields are p's.
func (s *summary) completenessFor(p layers.Principal) Completeness {
	ls := &layerState{l: s.l, expected: completenessFields(s.l)}
	m := ls.mask(p)
	for i := range clearances {
		if s.masks[i] == m {
			return s.levels[i]
		}
	}
	return s.levels[0] // public: the least a principal may see
}
