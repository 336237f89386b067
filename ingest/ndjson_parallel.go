package ingest

import (
	"fmt"
	"runtime"
	"sync"
)

// Parallel NDJSON: the calling goroutine reads lines into batches, workers
// parse and validate batches, and one goroutine hands the items to the
// collector in input order. Only that goroutine touches the collector until
// the pipeline has drained.

const (
	batchLines = 256
	batchBytes = 256 << 10
	maxWorkers = 8
)

// batchBufs recycles batch buffers across requests, as bulk loads send many.
var batchBufs = sync.Pool{New: func() any { b := make([]byte, 0, batchBytes); return &b }}

func getBatchBuf() []byte { return (*batchBufs.Get().(*[]byte))[:0] }

func putBatchBuf(b []byte) {
	if cap(b) <= 4*batchBytes { // a batch holding one huge line is left to the GC
		batchBufs.Put(&b)
	}
}

type span struct{ start, end, index, line int }

type batch struct {
	buf   []byte
	spans []span
	items []item
	done  chan struct{}
}

func ndjsonWorkers() int { return min(runtime.GOMAXPROCS(0), maxWorkers) }

func readNDJSONParallel(c *collector, lr *lineReader, workers int) error {
	work := make(chan *batch, workers)
	order := make(chan *batch, 2*workers)
	readers := make([]*featureReader, workers)
	var (
		wg       sync.WaitGroup
		panicMu  sync.Mutex
		panicked any
	)
	for w := range workers {
		fr := newFeatureReader(c.sch)
		readers[w] = fr
		wg.Go(func() {
			for b := range work {
				func() {
					// A panic (a bug) must not kill the process from a
					// goroutine the caller cannot recover: it is raised
					// again on the caller's goroutine below.
					defer func() {
						if r := recover(); r != nil {
							panicMu.Lock()
							if panicked == nil {
								panicked = r
							}
							panicMu.Unlock()
						}
						close(b.done)
					}()
					b.items = make([]item, len(b.spans))
					for i, s := range b.spans {
						it := &b.items[i]
						it.index, it.line = s.index, s.line
						fr.line(it, b.buf[s.start:s.end])
					}
				}()
			}
		})
	}
	// Features copy what they keep from a line, so a batch's buffer is
	// recycled once its items are collected.
	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		for b := range order {
			<-b.done
			for _, it := range b.items {
				c.add(it)
			}
			putBatchBuf(b.buf)
		}
	}()

	var (
		cur     *batch
		n       int
		readErr error
		errLine int
		tooMany bool
	)
	flush := func() {
		if cur != nil && len(cur.spans) > 0 {
			order <- cur
			work <- cur
		}
		cur = nil
	}
	for {
		line, ln, err := lr.next()
		if err != nil {
			readErr, errLine = err, ln
			break
		}
		if line == nil {
			break
		}
		if n >= c.opt.Limits.MaxFeatures {
			tooMany = true
			break
		}
		if cur == nil {
			cur = &batch{buf: getBatchBuf(), spans: make([]span, 0, batchLines), done: make(chan struct{})}
		}
		start := len(cur.buf)
		cur.buf = append(cur.buf, line...)
		cur.spans = append(cur.spans, span{start: start, end: len(cur.buf), index: n, line: ln})
		n++
		if len(cur.spans) >= batchLines || len(cur.buf) >= batchBytes {
			flush()
		}
	}
	flush()
	close(work)
	close(order)
	wg.Wait()
	<-consumed
	if panicked != nil {
		panic(fmt.Sprintf("ingest: parsing NDJSON: %v", panicked))
	}
	for _, fr := range readers {
		c.ignore(fr.ignored)
	}
	switch {
	case readErr != nil:
		return c.readFailed(readErr, errLine)
	case tooMany:
		c.full()
	}
	return nil
}
