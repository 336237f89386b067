package hex

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"sync"
	"sync/atomic"

	"bando/spatial"
	"github.com/paulmach/orb"
)

// DefaultMaxCells bounds the cells of one result when Limits leave it zero.
const DefaultMaxCells = 500_000

// Limits bound one question. Zero fields take the defaults.
type Limits struct {
	// MaxFeatureCells bounds the cells one line or polygon may cover
	// (DefaultMaxFeatureCells).
	MaxFeatureCells int
	// MaxCells bounds the cells of the result (DefaultMaxCells).
	MaxCells int
}

// Request is one H3 question over a sequence of features.
type Request struct {
	// Res is the resolution features are put in cells at, 0..15.
	Res int
	// Parent, when set, rolls the cells up to this coarser resolution
	// (≤ Res) along H3's hierarchy: a feature counts once in each parent
	// (cellToParent) of the cells it covers at Res, so a parent's figures
	// are exactly the sums of its children's. H3's hierarchy is not
	// geometric (children stick out of their parent), so a rolled-up point
	// may sit in a neighbour of the Parent-res cell that holds it; asking at
	// Res=Parent gives the cells that hold the points.
	Parent *int
	// Aggs are the figures per cell besides the count, from ParseAggs with
	// Index set to the field's position in Feature.Props.
	Aggs []Agg
	// Cells, when not nil, restricts the answer to exactly these cells (at
	// the answer's resolution), each reported even with count 0: e.g. the
	// k-ring of GridDisk. Features outside them are not counted.
	Cells []Cell
	// Limits bound the work.
	Limits Limits
}

// OutRes is the resolution of the answer's cells: Parent if set, else Res.
func (r *Request) OutRes() int {
	if r.Parent != nil {
		return *r.Parent
	}
	return r.Res
}

// Validate checks the request and returns an *Error naming the bad part.
func (r *Request) Validate() error {
	if err := CheckRes("res", r.Res); err != nil {
		return err
	}
	if r.Parent != nil {
		if err := CheckRes("parent", *r.Parent); err != nil {
			return err
		}
		if *r.Parent > r.Res {
			return badParam("parent", *r.Parent, "a parent resolution must not be finer than res=%d", r.Res)
		}
	}
	for _, a := range r.Aggs {
		if a.Op != Count && a.Index < 0 {
			return badParam("agg", a.Op+":"+Op(a.Field), "field index not set (unknown field?)")
		}
	}
	for _, c := range r.Cells {
		if !c.Valid() {
			return badParam("h3", c, "not a valid H3 cell")
		}
		if c.Res() != r.OutRes() {
			return badParam("h3", c, "a cell of res %d in a question at res %d", c.Res(), r.OutRes())
		}
	}
	if r.Cells != nil && len(r.Cells) > r.maxCells() {
		return &LimitError{What: "cells in the result", Limit: r.maxCells(), Got: len(r.Cells)}
	}
	return nil
}

func (r *Request) maxCells() int {
	if r.Limits.MaxCells <= 0 {
		return DefaultMaxCells
	}
	return r.Limits.MaxCells
}

// Engine answers H3 questions. It remembers the cells of the points and the
// covers of the lines and polygons it has seen (points.go, covers.go); one
// Engine serves every layer and is safe for concurrent use.
type Engine struct {
	points  *PointCells
	covers  *CoverCache
	workers int
	// tables keeps the cell tables of finished questions for the next
	// ones: growing a fresh table to ~100,000 cells per worker allocated
	// most of a count's memory, and the GC work that came with it.
	tables sync.Pool
}

// Config configures an Engine. Zero fields take defaults.
type Config struct {
	// PointCache bounds the points whose cells are remembered
	// (DefaultPointCacheSize).
	PointCache int
	// CoverCache bounds the cells of the line and polygon covers
	// remembered (DefaultCoverCacheCells).
	CoverCache int
	// Workers is the number of goroutines one question uses (GOMAXPROCS).
	Workers int
}

// NewEngine returns an Engine.
func NewEngine(cfg Config) *Engine {
	w := cfg.Workers
	if w <= 0 {
		w = runtime.GOMAXPROCS(0)
	}
	return &Engine{points: NewPointCells(cfg.PointCache), covers: NewCoverCache(cfg.CoverCache), workers: w}
}

// batchSize is the features one worker takes at a time: large enough that
// the channel hand-off and the cache's read lock cost nothing per feature.
const batchSize = 4096

// Aggregate puts every feature of features in its cells (see Cover) and
// returns the figures per cell, sorted by cell id. The features are read
// once, in the caller's goroutine; the work is spread over the Engine's
// workers. ctx cancels it (the question's time limit).
func (e *Engine) Aggregate(ctx context.Context, req Request, features iter.Seq[*spatial.Feature]) (*Result, error) {
	return e.aggregate(ctx, req, func(add func(item, []aggVal) bool) {
		for f := range features {
			if !add(item{f: f}, nil) {
				return
			}
		}
	})
}

// aggregate runs a question over the items produce hands to add (which
// returns false to stop), each with its values of the request's non-count
// figures (none when the item's feature is read for them): produce runs
// in the caller's goroutine, batches of items go to the workers.
func (e *Engine) aggregate(ctx context.Context, req Request, produce func(add func(item, []aggVal) bool)) (*Result, error) {
	if err := req.Validate(); err != nil {
		return nil, err
	}
	run := newRun(e, &req)
	batches := make(chan *batch, e.workers)
	free := make(chan *batch, 2*e.workers+1) // batches for reuse
	var wg sync.WaitGroup
	for w := range run.parts {
		wg.Go(func() {
			for b := range batches {
				if !run.failed.Load() {
					run.add(w, b)
				}
				b.reset()
				select {
				case free <- b:
				default:
				}
			}
		})
	}
	cur := newBatch()
	produce(func(it item, vals []aggVal) bool {
		cur.items, cur.vals = append(cur.items, it), append(cur.vals, vals...)
		if len(cur.items) < batchSize {
			return true
		}
		if err := ctx.Err(); err != nil {
			run.fail(fmt.Errorf("hex: aggregate: %w", err))
		}
		if run.failed.Load() {
			return false
		}
		batches <- cur
		select {
		case cur = <-free:
		default:
			cur = newBatch()
		}
		return true
	})
	if len(cur.items) > 0 && !run.failed.Load() {
		batches <- cur
	}
	close(batches)
	wg.Wait()
	defer run.release()
	if run.err != nil {
		return nil, run.err
	}
	return run.result()
}

// run is one Aggregate call: one part per worker, merged at the end.
type run struct {
	e      *Engine
	req    *Request
	only   map[Cell]bool // req.Cells as a set, nil for all cells
	parts  []*part
	failed atomic.Bool
	mu     sync.Mutex
	err    error
}

func newRun(e *Engine, req *Request) *run {
	r := &run{e: e, req: req}
	if req.Cells != nil {
		r.only = make(map[Cell]bool, len(req.Cells))
		for _, c := range req.Cells {
			r.only[c] = true
		}
	}
	r.parts = make([]*part, e.workers)
	for i := range r.parts {
		r.parts[i] = newPart(r)
	}
	return r
}

// add gives a batch to part w. A panic inside (h3-go panics on some inputs
// it cannot size; see h3Alloc) fails the question instead of the server.
func (r *run) add(w int, b *batch) {
	defer func() {
		if p := recover(); p != nil {
			r.fail(fmt.Errorf("hex: internal error on a batch of %d features: %v", len(b.items), p))
		}
	}()
	if err := r.parts[w].add(b); err != nil {
		r.fail(err)
	}
}

// release hands the parts' cell tables back to the Engine.
func (r *run) release() {
	for _, p := range r.parts {
		if p.index.reset() {
			r.e.tables.Put(p.index)
		}
		p.index = nil
	}
}

func (r *run) fail(err error) {
	r.mu.Lock()
	if r.err == nil {
		r.err = err
	}
	r.mu.Unlock()
	r.failed.Store(true)
}

// errNotPoint marks a feature whose geometry is not a single point.
var errNotPoint = errors.New("not a point")

func pointOf(g orb.Geometry) (orb.Point, error) {
	if p, ok := g.(orb.Point); ok {
		return p, nil
	}
	return orb.Point{}, errNotPoint
}

// Stats are the sizes of an Engine's caches, for /metrics.
type Stats struct {
	// PointCells is the number of (point feature, resolution) cells held.
	PointCells int
	// Covers is the number of (line or polygon feature, resolution) covers
	// held.
	Covers int
}

// Stats returns the current sizes of the caches.
func (e *Engine) Stats() Stats {
	return Stats{PointCells: e.points.Len(), Covers: e.covers.Len()}
}
