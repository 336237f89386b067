package indicators

import (
	"context"
	"errors"
	"fmt"

	"bando/layers"
	"bando/spatial/query"
)

// An indicator is kept incrementally: each term is a query.Tally — the
// term's figure per unit, with what every feature added — and a
// recomputation re-reads only the features the change feed named since
// the last one, taking their old contributions out and putting the new
// ones in (1,000 changed houses: 1,000 reads, not a scan of 1,000,000).
// A term a tally cannot keep (min, max) is run whole each time; a change
// to the admin layer, or more changed ids than maxPending, rebuilds the
// tallies from a scan.

// maxPending bounds the changed ids remembered per indicator: past it a
// scan costs less than re-reading them one by one.
const maxPending = 200_000

// state is one indicator's tallies and the ids changed since they last
// read their layers.
type state struct {
	num, den *query.Tally
	whole    bool                       // a term cannot be tallied: compute it whole
	pending  map[string]map[string]bool // layer → changed ids
	npending int
	rebuild  bool // drop the tallies at the next computation
}

func newState() *state { return &state{pending: map[string]map[string]bool{}} }

// note records changed ids of a layer the indicator reads (under e.mu).
func (s *state) note(ind *layers.Indicator, layer, id string) {
	if layer == ind.Admin {
		s.rebuild = true
	}
	if s.rebuild {
		return
	}
	ids := s.pending[layer]
	if ids == nil {
		ids = map[string]bool{}
		s.pending[layer] = ids
	}
	if !ids[id] {
		ids[id] = true
		s.npending++
	}
	if s.npending > maxPending {
		s.rebuild = true
	}
}

// take returns the pending ids and whether to rebuild, and starts afresh
// (under e.mu).
func (s *state) take() (map[string]map[string]bool, bool) {
	p, r := s.pending, s.rebuild
	s.pending, s.npending, s.rebuild = map[string]map[string]bool{}, 0, false
	return p, r
}

// figures returns each term's figure per unit code, from the tallies
// (made or brought up to date) or, for a term they cannot keep, a whole
// grouped question.
func (s *state) figures(ctx context.Context, qe *query.Engine, ind *layers.Indicator, pending map[string]map[string]bool, rebuild bool) (num, den map[string]float64, err error) {
	if rebuild {
		s.num, s.den = nil, nil
	}
	if num, err = s.term(ctx, qe, ind, ind.Numerator, &s.num, pending); err != nil {
		return nil, nil, fmt.Errorf("indicator %s: numerator: %w", ind.ID, err)
	}
	if ind.Denominator != nil {
		if den, err = s.term(ctx, qe, ind, *ind.Denominator, &s.den, pending); err != nil {
			return nil, nil, fmt.Errorf("indicator %s: denominator: %w", ind.ID, err)
		}
	}
	return num, den, nil
}

func (s *state) term(ctx context.Context, qe *query.Engine, ind *layers.Indicator, t layers.Term, tl **query.Tally, pending map[string]map[string]bool) (map[string]float64, error) {
	if s.whole {
		return termPerUnit(ctx, qe, ind.Admin, t)
	}
	if *tl != nil {
		ids := make([]string, 0, len(pending[t.Layer]))
		for id := range pending[t.Layer] {
			ids = append(ids, id)
		}
		err := (*tl).Update(ctx, ids)
		if err == nil {
			return perUnit((*tl).Result()), nil
		}
		if !errors.Is(err, query.ErrTallyStale) {
			*tl = nil // half updated: make it again
			return nil, err
		}
	}
	q, err := termQuery(ind.Admin, t)
	if err != nil {
		return nil, err
	}
	n, err := qe.NewTally(ctx, system, q)
	if errors.Is(err, query.ErrNotIncremental) {
		s.whole, s.num, s.den = true, nil, nil
		return termPerUnit(ctx, qe, ind.Admin, t)
	}
	if err != nil {
		return nil, err
	}
	*tl = n
	return perUnit(n.Result()), nil
}
