package query

import (
	"context"
	"math"
	"slices"

	"bando/spatial"
	"bando/spatial/geo"

	"github.com/paulmach/orb"
)

// nearest finds the k features nearest the clause's point among those that
// pass every other clause and the filter, ranked as PostGIS's geography
// <-> ranks them (great-circle distance), ties by id; with max_m, only
// those within max_m metres on the ellipsoid (ST_DWithin). It searches
// boxes of growing radius until k candidates lie within the radius the box
// is sure to cover.
func (e *Engine) nearest(ctx context.Context, pl *plan, lv spatial.LayerView) ([]Hit, error) {
	w := pl.nearest
	if pl.empty || lv.Count() == 0 {
		return nil, nil
	}
	ext, _ := lv.Extent()
	r := startRadius(ext, lv.Count(), w.K)
	type cand struct {
		h   Hit
		sph float64
	}
	var cands []cand
	for {
		if w.MaxM > 0 && r >= w.MaxM {
			r = w.MaxM
		}
		box := geo.Reach(w.At, r)
		done := w.MaxM > 0 && r == w.MaxM || containsBound(box, ext) || pl.bounded && containsBound(box, pl.bound)
		if pl.bounded {
			if !box.Intersects(pl.bound) {
				if done {
					return nil, nil
				}
				r *= 4
				continue
			}
			box = intersect(box, pl.bound)
		}
		cands = cands[:0]
		var err error
		n := 0
		f := newFeat(lv)
		lv.ScanBound(box, func(v spatial.FeatureView, vb orb.Bound) bool {
			if err = checkCtx(ctx, n); err != nil {
				return false
			}
			n++
			f.reset(v, vb)
			if pl.match(f) {
				cands = append(cands, cand{newHit(v), sphereTo(w.At, f)})
			}
			return true
		})
		if err != nil {
			return nil, err
		}
		// Every feature within 0.99 r on the sphere is within r on the
		// ellipsoid, so inside the box.
		sure := 0
		for _, c := range cands {
			if c.sph <= 0.99*r {
				sure++
			}
		}
		if done || sure >= w.K {
			break
		}
		r *= 4
	}
	slices.SortFunc(cands, func(a, b cand) int {
		switch {
		case a.sph < b.sph:
			return -1
		case a.sph > b.sph:
			return 1
		}
		return cmpHit(a.h, b.h)
	})
	var out []Hit
	f := newFeat(lv)
	for _, c := range cands {
		f.view(lv.View(c.h.ref))
		d := distanceTo(w.At, f)
		if w.MaxM > 0 && d > w.MaxM {
			continue
		}
		c.h.DistanceM, c.h.HasDistance = d, true
		out = append(out, c.h)
		if len(out) == w.K {
			break
		}
	}
	return out, nil
}

// startRadius guesses the radius holding k features, from the layer's
// density over its extent.
func startRadius(ext orb.Bound, n, k int) float64 {
	latM := 111320.0
	lonM := latM * math.Cos(ext.Center()[1]*math.Pi/180)
	area := (ext.Max[0] - ext.Min[0]) * lonM * (ext.Max[1] - ext.Min[1]) * latM
	r := math.Sqrt(area * float64(k) / (float64(max(n, 1)) * math.Pi))
	return math.Max(r, 10)
}

func intersect(a, b orb.Bound) orb.Bound {
	return orb.Bound{
		Min: orb.Point{max(a.Min[0], b.Min[0]), max(a.Min[1], b.Min[1])},
		Max: orb.Point{min(a.Max[0], b.Max[0]), min(a.Max[1], b.Max[1])},
	}
}

func sphereTo(at orb.Point, f *feat) float64 {
	if p, ok := pointOf(f); ok {
		return geo.SphereDistance(at, p)
	}
	return geo.SphereDistanceTo(at, f.geom())
}
