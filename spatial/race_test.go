package spatial

import (
	"fmt"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

// TestViewsWhileCompacting is meant for -race: readers scan views (ids,
// points, props) while a writer replaces, deletes and re-inserts features
// often enough that the arenas are compacted many times. Every view must
// be self-consistent: its id, first prop and points agree with how the
// writer built the feature.
func TestViewsWhileCompacting(t *testing.T) {
	x := NewIndex()
	const n = 3000
	world := orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{100, 100}}
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan error, 4)
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				x.Scan("l", world, func(v FeatureView) bool {
					if err := checkView(v); err != nil {
						select {
						case errs <- err:
						default:
						}
						return false
					}
					return true
				})
			}
		}()
	}
	for round := range 40 {
		var fs []*Feature
		for i := range n {
			fs = append(fs, polyFeature(fmt.Sprint(i), float64(round%9), float64(i%900)/10, uint64(round+1)))
		}
		x.Put("l", uint64(round+1), fs)
		var del []string
		for i := round % 3; i < n; i += 3 {
			del = append(del, fmt.Sprint(i))
		}
		x.DeleteSeq("l", uint64(round+1), uint64(round+1), del)
	}
	close(stop)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if c := x.Count("l"); c != n-n/3 {
		t.Fatalf("count %d", c)
	}
	if li := x.layer("l", false); li.compactions < 10 {
		t.Fatalf("only %d compactions: the readers did not race with them", li.compactions)
	}
}

// checkView checks a view of a polyFeature.
func checkView(v FeatureView) error {
	id := v.ID()
	if p := v.Prop(0); p.Str() != id {
		return fmt.Errorf("feature %q: prop 0 is %q", id, p.Str())
	}
	pts := v.Points()
	if len(pts) != 11 || pts[0] != pts[10] {
		return fmt.Errorf("feature %q: %d points", id, len(pts))
	}
	b := v.Bound()
	for _, p := range pts {
		if !b.Contains(p) {
			return fmt.Errorf("feature %q: point %v outside its bound %v", id, p, b)
		}
	}
	return nil
}
