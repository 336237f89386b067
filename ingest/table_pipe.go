package ingest

import (
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"bando/crs"
)

// Table rows (Shapefile, GeoPackage, FlatGeobuf records) are read in one
// goroutine, but converting, transforming to WGS84 and validating them is
// most of a bulk load's work: with a few thousand records or more, batches
// of rows go to workers, and the reading goroutine hands the finished
// items to the collector in input order — only it touches the collector.

// pipeMinRows is the record count (as the file declares it) below which a
// load is done inline; a variable for the tests.
var pipeMinRows = 4096

const (
	pipeBatch    = 512
	pipeInFlight = 4 // batches per worker before the reader waits
)

func pipeWorkers() int { return min(runtime.GOMAXPROCS(0), maxWorkers) }

// rowJob is one record as the reader decoded it.
type rowJob struct {
	p      *tablePlan
	file   string
	record int
	index  int
	vals   []any
	g      orb.Geometry
	gpr    *gproblem
	sys    *crs.CRS
}

type rowBatch struct {
	jobs  []rowJob
	items []item
	done  chan struct{}
}

type rowPipe struct {
	c        *collector
	work     chan *rowBatch
	inflight []*rowBatch // submitted, in input order
	cur      *rowBatch
	queued   int // rows pushed and not yet collected
	max      int
	wg       sync.WaitGroup
	mu       sync.Mutex
	panicked any
}

func newRowPipe(c *collector, workers int) *rowPipe {
	rp := &rowPipe{c: c, work: make(chan *rowBatch, workers*pipeInFlight), max: workers * pipeInFlight}
	for range workers {
		rp.wg.Go(rp.worker)
	}
	return rp
}

func (rp *rowPipe) worker() {
	for b := range rp.work {
		func() {
			// A panic (a bug) is raised again on the reader's goroutine.
			defer func() {
				if r := recover(); r != nil {
					rp.mu.Lock()
					if rp.panicked == nil {
						rp.panicked = r
					}
					rp.mu.Unlock()
				}
				close(b.done)
			}()
			b.items = make([]item, len(b.jobs))
			for i := range b.jobs {
				b.items[i] = rp.c.row(&b.jobs[i])
			}
		}()
	}
}

// push queues a row; the reader reuses vals, so it is copied.
func (rp *rowPipe) push(j rowJob) {
	j.vals = slices.Clone(j.vals)
	if rp.cur == nil {
		rp.cur = &rowBatch{jobs: make([]rowJob, 0, pipeBatch), done: make(chan struct{})}
	}
	rp.cur.jobs = append(rp.cur.jobs, j)
	rp.queued++
	if len(rp.cur.jobs) == pipeBatch {
		rp.submit()
	}
	rp.collect(false)
}

func (rp *rowPipe) submit() {
	if rp.cur == nil {
		return
	}
	rp.inflight = append(rp.inflight, rp.cur)
	rp.work <- rp.cur
	rp.cur = nil
}

// collect adds the finished batches at the head of the queue to the
// collector; with wait, or when too many are in flight, it waits for them.
func (rp *rowPipe) collect(wait bool) {
	for len(rp.inflight) > 0 {
		b := rp.inflight[0]
		if !wait && len(rp.inflight) < rp.max {
			select {
			case <-b.done:
			default:
				return
			}
		}
		<-b.done
		rp.inflight = rp.inflight[1:]
		rp.mu.Lock()
		p := rp.panicked
		rp.mu.Unlock()
		if p != nil {
			panic(fmt.Sprintf("ingest: building rows: %v", p))
		}
		for _, it := range b.items {
			rp.c.add(it)
		}
		rp.queued -= len(b.items)
	}
}

// count is the items read so far, collected or still being built.
func (c *collector) count() int {
	if c.rows == nil {
		return len(c.items)
	}
	return len(c.items) + c.rows.queued
}

// drain finishes the row pipeline: every row pushed is collected.
func (c *collector) drain() {
	rp := c.rows
	if rp == nil {
		return
	}
	rp.submit()
	close(rp.work)
	rp.collect(true)
	rp.wg.Wait()
	c.rows = nil
}
