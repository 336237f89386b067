package store

import (
	"context"
	"fmt"
	"runtime"
	"sync"

	"bando/layers"
	"bando/spatial"
)

// IndexChanges returns a feed subscriber that keeps idx in step with the
// store: upserts insert the new feature, deletes remove it.
func IndexChanges(idx *spatial.Index) func([]Change) {
	return func(cs []Change) {
		// A batch is one layer and one kind (one Put or Delete call).
		var put []*spatial.Feature
		var del []string
		for _, c := range cs {
			switch c.Kind {
			case Upsert:
				put = append(put, c.Feature)
			case Delete:
				del = append(del, c.ID)
			}
		}
		v := cs[len(cs)-1].Version
		if len(put) > 0 {
			idx.Put(cs[0].Layer, v, put)
		}
		if len(del) > 0 {
			idx.Delete(cs[0].Layer, v, del)
		}
	}
}

// Load fills idx with every stored feature of the catalog's layers. Records
// are decoded on all cores; the index takes them in batches.
func Load(ctx context.Context, s *Pebble, cat *layers.Catalog, idx *spatial.Index) (int, error) {
	total := 0
	for _, l := range cat.All() {
		n, err := loadLayer(ctx, s, l, idx)
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

type rawRec struct {
	id  string
	rec []byte
}

const loadBatch = 2048

func loadLayer(ctx context.Context, s *Pebble, l *layers.Layer, idx *spatial.Index) (int, error) {
	version, err := s.Version(l.ID)
	if err != nil {
		return 0, err
	}
	workers := runtime.GOMAXPROCS(0)
	in := make(chan []rawRec, workers*2)
	out := make(chan []*spatial.Feature, workers*2)
	errc := make(chan error, workers+1)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range in {
				fs := make([]*spatial.Feature, 0, len(batch))
				for _, r := range batch {
					f, err := decodeFeature(r.id, r.rec, l)
					if err != nil {
						errc <- fmt.Errorf("store: load %s/%s: %w", l.ID, r.id, err)
						continue
					}
					fs = append(fs, f)
				}
				out <- fs
			}
		}()
	}
	done := make(chan int)
	go func() {
		n := 0
		for fs := range out {
			idx.Put(l.ID, version, fs)
			n += len(fs)
		}
		done <- n
	}()
	batch := make([]rawRec, 0, loadBatch)
	scanErr := s.ScanRaw(ctx, l.ID, func(id string, rec []byte) error {
		batch = append(batch, rawRec{id: id, rec: append([]byte(nil), rec...)})
		if len(batch) == loadBatch {
			in <- batch
			batch = make([]rawRec, 0, loadBatch)
		}
		return nil
	})
	if len(batch) > 0 {
		in <- batch
	}
	close(in)
	wg.Wait()
	close(out)
	n := <-done
	idx.Put(l.ID, version, nil)
	if scanErr != nil {
		return n, scanErr
	}
	select {
	case err := <-errc:
		return n, err
	default:
	}
	return n, nil
}
