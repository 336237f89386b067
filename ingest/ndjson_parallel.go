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
	free := make(chan []byte, 4*workers)
	consumed := make(chan struct{})
	go func() {
		defer close(consumed)
		for b := range order {
			<-b.done
			for _, it := range b.items {
				c.add(it)
			}
			select {
			case free <- b.buf[:0]:
			default:
			}
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
			var buf []byte
			select {
			case buf = <-free:
			default:
				buf = make([]byte, 0, batchBytes)
			}
			cur = &batch{buf: buf, spans: make([]span, 0, batchLines), done: make(chan struct{})}
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
