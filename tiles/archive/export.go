package archive

import (
	"context"
	"fmt"
	"runtime"
)

// Source returns the stored form of tile z/x/y (for bando, the gzip body
// tiles.Server serves); empty for a tile without features.
type Source func(ctx context.Context, z uint8, x, y uint32) ([]byte, error)

// TileWriter takes tiles in tile-id order: PMTilesWriter and MBTilesWriter.
type TileWriter interface {
	WriteTile(z uint8, x, y uint32, data []byte) error
}

// ExportOptions tune Export.
type ExportOptions struct {
	// Workers render tiles concurrently (GOMAXPROCS when 0); the writer
	// still gets them in order.
	Workers int
	// Progress, if set, is called after each tile with the tiles done so
	// far and how many of them were empty.
	Progress func(done, empty int)
}

// ExportStats count an export's tiles.
type ExportStats struct{ Tiles, Empty int }

// Export fetches every tile of ids (ascending PMTiles tile ids) from src
// and writes the non-empty ones to w in that order. Fetches run on several
// workers; a window of pending results keeps the order without holding
// more than a few tiles per worker in memory. The first error stops it.
func Export(ctx context.Context, ids []uint64, src Source, w TileWriter, opt ExportOptions) (ExportStats, error) {
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		z    uint8
		x, y uint32
		data []byte
		err  error
	}
	type job struct {
		id  uint64
		out chan result
	}
	jobs := make(chan job, 4*workers)
	order := make(chan chan result, 4*workers)
	go func() {
		defer close(jobs)
		defer close(order)
		for _, id := range ids {
			j := job{id: id, out: make(chan result, 1)}
			select {
			case order <- j.out:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	for range workers {
		go func() {
			for j := range jobs {
				z, x, y, err := ZXY(j.id)
				var data []byte
				if err == nil {
					data, err = src(ctx, z, x, y)
				}
				if err != nil {
					err = fmt.Errorf("archive: tile %d/%d/%d: %w", z, x, y, err)
				}
				j.out <- result{z, x, y, data, err}
			}
		}()
	}
	var st ExportStats
	for out := range order {
		var r result
		select {
		case r = <-out:
		case <-ctx.Done():
			return st, ctx.Err()
		}
		if r.err != nil {
			return st, r.err
		}
		if len(r.data) == 0 {
			st.Empty++
		} else if err := w.WriteTile(r.z, r.x, r.y, r.data); err != nil {
			return st, err
		} else {
			st.Tiles++
		}
		if opt.Progress != nil {
			opt.Progress(st.Tiles+st.Empty, st.Empty)
		}
	}
	return st, ctx.Err()
}
