package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"

	"bando/tiles"
	"bando/tiles/archive"
)

// exportRange is the zooms and box to export: the flags, or else the
// union of the layers' zoom ranges and extents from their TileJSON.
func exportRange(f exportFlags, tjs []tiles.TileJSON) (minZ, maxZ int, b orb.Bound) {
	minZ, maxZ = tiles.MaxZoom, 0
	world := orb.Bound{Min: orb.Point{-180, -tiles.MaxLatitude}, Max: orb.Point{180, tiles.MaxLatitude}}
	found := false
	for _, tj := range tjs {
		minZ, maxZ = min(minZ, tj.MinZoom), max(maxZ, tj.MaxZoom)
		lb := orb.Bound{Min: orb.Point{tj.Bounds[0], tj.Bounds[1]}, Max: orb.Point{tj.Bounds[2], tj.Bounds[3]}}
		// An empty layer's TileJSON says "the world": it must not widen
		// the export to every tile of the planet.
		switch {
		case lb == world:
		case !found:
			b, found = lb, true
		default:
			b = b.Union(lb)
		}
	}
	if !found {
		b = world
	}
	if f.minZoom >= 0 {
		minZ = f.minZoom
	}
	if f.maxZoom >= 0 {
		maxZ = f.maxZoom
	}
	minZ = min(minZ, maxZ)
	if f.bbox != nil {
		b = *f.bbox
	}
	b.Min[1] = max(b.Min[1], -tiles.MaxLatitude)
	b.Max[1] = min(b.Max[1], tiles.MaxLatitude)
	return minZ, maxZ, b
}

// exportTiles lists the PMTiles ids of the tiles meeting b at each zoom,
// ascending: ids grow with the zoom, so sorting within a zoom suffices.
func exportTiles(minZ, maxZ int, b orb.Bound) ([]uint64, error) {
	var ids []uint64
	for z := minZ; z <= maxZ; z++ {
		nw := tiles.CoordOf(orb.Point{b.Min[0], b.Max[1]}, z)
		se := tiles.CoordOf(orb.Point{b.Max[0], b.Min[1]}, z)
		n := (se.X - nw.X + 1) * (se.Y - nw.Y + 1)
		if len(ids)+n > maxExportTiles {
			return nil, fmt.Errorf("export: over %d tiles by zoom %d: narrow --bbox or lower --maxzoom", maxExportTiles, z)
		}
		start := len(ids)
		for x := nw.X; x <= se.X; x++ {
			for y := nw.Y; y <= se.Y; y++ {
				ids = append(ids, archive.TileID(uint8(z), uint32(x), uint32(y)))
			}
		}
		slices.Sort(ids[start:])
	}
	return ids, nil
}

// exportMetadata is the archive's TileJSON-like description.
func exportMetadata(f exportFlags, tjs []tiles.TileJSON, minZ, maxZ int, b orb.Bound) archive.Metadata {
	m := archive.Metadata{
		Name: f.name, Type: "overlay", Version: "1", Generator: "bando " + version,
		MinZoom: minZ, MaxZoom: maxZ,
		Bounds:    [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
		Clearance: string(f.clearance), Layers: f.layers,
	}
	if m.Name == "" {
		m.Name = strings.Join(f.layers, ",")
	}
	var attributions []string
	centerZ := minZ
	for i, tj := range tjs {
		if i == 0 {
			m.Description, centerZ = tj.Description, int(tj.Center[2])
		}
		if tj.Attribution != "" && !slices.Contains(attributions, tj.Attribution) {
			attributions = append(attributions, tj.Attribution)
		}
		for _, v := range tj.VectorLayers {
			// The archive holds the layer at the exported zooms only.
			v.MinZoom, v.MaxZoom = max(v.MinZoom, minZ), min(v.MaxZoom, maxZ)
			m.VectorLayers = append(m.VectorLayers, archive.VectorLayer(v))
		}
	}
	m.Attribution = strings.Join(attributions, "; ")
	c := b.Center()
	m.Center = [3]float64{c[0], c[1], float64(max(minZ, min(centerZ, maxZ)))}
	return m
}

// progressBar draws "[#####.....] done/total  pct  rate tiles/s" on one
// line of stderr, at most five times a second.
type progressBar struct {
	mu    sync.Mutex
	w     io.Writer
	total int
	unit  string // what is counted; "" for tiles (with the empty ones)
	start time.Time
	drawn time.Time
}

func newProgressBar(w io.Writer, total int) *progressBar {
	return &progressBar{w: w, total: total, start: time.Now()}
}

func (p *progressBar) update(done, empty int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.drawn) >= 200*time.Millisecond {
		p.drawn = now
		p.draw(done, empty)
	}
}

func (p *progressBar) draw(done, empty int) {
	const width = 30
	frac := 1.0
	if p.total > 0 {
		frac = float64(done) / float64(p.total)
	}
	n := int(frac * width)
	rate := float64(done) / max(time.Since(p.start).Seconds(), 1e-9)
	if p.unit != "" {
		fmt.Fprintf(p.w, "\r[%s%s] %d/%d %s %5.1f%% %6.0f %s/s",
			strings.Repeat("#", n), strings.Repeat(".", width-n), done, p.total, p.unit, 100*frac, rate, p.unit)
		return
	}
	fmt.Fprintf(p.w, "\r[%s%s] %d/%d tiles %5.1f%% %6.0f tiles/s (%d empty)",
		strings.Repeat("#", n), strings.Repeat(".", width-n), done, p.total, 100*frac, rate, empty)
}

// finish draws the final state and ends the line.
func (p *progressBar) finish(done, empty int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.draw(done, empty)
	fmt.Fprintln(p.w)
}
