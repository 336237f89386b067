package main

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"bando/layers"
)

// tileReq is one tile of one layer, the unit both sides render.
type tileReq struct {
	layer   *layers.Layer
	z, x, y int
}

func (t tileReq) path() string {
	return fmt.Sprintf("/tiles/%s/%d/%d/%d.mvt", t.layer.ID, t.z, t.x, t.y)
}

// dataset is what a tile set is sampled from: each layer's feature centres.
type dataset struct {
	layers  []*layers.Layer
	centres map[string][][2]float64
}

// bounds is the lon/lat box of every centre, grown by a fifth on each side.
func (d *dataset) bounds() (minX, minY, maxX, maxY float64) {
	minX, minY, maxX, maxY = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, cs := range d.centres {
		for _, c := range cs {
			minX, minY = math.Min(minX, c[0]), math.Min(minY, c[1])
			maxX, maxY = math.Max(maxX, c[0]), math.Max(maxY, c[1])
		}
	}
	dx, dy := (maxX-minX)/5, (maxY-minY)/5
	return minX - dx, minY - dy, maxX + dx, maxY + dy
}

// sampleTiles draws n distinct tiles, deterministically from seed: a layer
// at random, a zoom in [zmin, zmax] within the layer's range, and then,
// uniformly, one of the tiles at that zoom that hold a feature centre (so
// sparse and dense places weigh alike, as when a user pans the map), or,
// with probability emptyShare, the tile of a random point of the data's box
// (mostly empty tiles).
func sampleTiles(d *dataset, zmin, zmax, n int, emptyShare float64, seed uint64) []tileReq {
	rng := rand.New(rand.NewPCG(seed, 5))
	var ls []*layers.Layer
	for _, l := range d.layers {
		if len(d.centres[l.ID]) > 0 && max(zmin, l.Zoom.Min) <= zmax {
			ls = append(ls, l)
		}
	}
	if len(ls) == 0 {
		return nil
	}
	occupied := map[string]map[int][][2]int{} // layer → zoom → tiles, sorted
	minX, minY, maxX, maxY := d.bounds()
	seen := map[tileReq]bool{}
	var out []tileReq
	for tries := 0; len(out) < n && tries < 20*n; tries++ {
		l := ls[rng.IntN(len(ls))]
		lo := max(zmin, l.Zoom.Min)
		z := lo + rng.IntN(zmax-lo+1)
		var x, y int
		if rng.Float64() < emptyShare {
			x, y = tileOf(minX+rng.Float64()*(maxX-minX), minY+rng.Float64()*(maxY-minY), z)
		} else {
			if occupied[l.ID] == nil {
				occupied[l.ID] = map[int][][2]int{}
			}
			ts, ok := occupied[l.ID][z]
			if !ok {
				ts = occupiedTiles(d.centres[l.ID], z)
				occupied[l.ID][z] = ts
			}
			t := ts[rng.IntN(len(ts))]
			x, y = t[0], t[1]
		}
		t := tileReq{layer: l, z: z, x: x, y: y}
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// occupiedTiles lists, in order, the tiles at zoom z holding a centre.
func occupiedTiles(centres [][2]float64, z int) [][2]int {
	set := map[[2]int]bool{}
	for _, c := range centres {
		x, y := tileOf(c[0], c[1], z)
		set[[2]int{x, y}] = true
	}
	out := make([][2]int, 0, len(set))
	for t := range set {
		out = append(out, t)
	}
	slices.SortFunc(out, func(a, b [2]int) int { return cmp.Or(cmp.Compare(a[0], b[0]), cmp.Compare(a[1], b[1])) })
	return out
}

// tileOf is the Web Mercator tile holding lon/lat at zoom z.
func tileOf(lon, lat float64, z int) (int, int) {
	n := math.Exp2(float64(z))
	lat = math.Max(-85.0511, math.Min(85.0511, lat))
	x := int((lon + 180) / 360 * n)
	r := lat * math.Pi / 180
	y := int((1 - math.Log(math.Tan(r)+1/math.Cos(r))/math.Pi) / 2 * n)
	clamp := func(v int) int { return max(0, min(v, int(n)-1)) }
	return clamp(x), clamp(y)
}
