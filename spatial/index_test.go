package spatial

import (
	"fmt"
	"sync"
	"testing"

	"github.com/paulmach/orb"
)

func pointFeature(id string, x, y float64) *Feature {
	p := orb.Point{x, y}
	return &Feature{ID: id, Geom: p, Bound: p.Bound()}
}

func TestIndexPutReplaceDeleteAscend(t *testing.T) {
	x := NewIndex()
	x.Put("l", 1, []*Feature{pointFeature("10", 1, 1), pointFeature("9", 2, 2), pointFeature("a", 3, 3)})
	x.Put("l", 2, []*Feature{pointFeature("9", 50, 50)}) // moved
	var ids []string
	x.Ascend("l", 0, func(f *Feature) bool { ids = append(ids, f.ID); return true })
	if fmt.Sprint(ids) != "[9 10 a]" {
		t.Fatalf("order %v", ids)
	}
	n := 0
	x.Intersecting("l", orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{5, 5}}, func(*Feature) bool { n++; return true })
	if n != 2 {
		t.Fatalf("the moved feature is still found at its old place: %d", n)
	}
	gone := x.Delete("l", 3, []string{"10", "nope"})
	if len(gone) != 1 || x.Count("l") != 2 || x.Version("l") != 3 {
		t.Fatalf("delete: %d gone, count %d, version %d", len(gone), x.Count("l"), x.Version("l"))
	}
	if e, ok := x.Extent("l"); !ok || e.Max != (orb.Point{50, 50}) {
		t.Fatalf("extent %v", e)
	}
}

// TestIndexConcurrentReadsWhileWriting is meant for -race: readers query
// while a writer replaces and deletes features.
func TestIndexConcurrentReadsWhileWriting(t *testing.T) {
	x := NewIndex()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for r := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				b := orb.Bound{Min: orb.Point{float64(r), 0}, Max: orb.Point{float64(r) + 10, 10}}
				x.Intersecting("l", b, func(f *Feature) bool { return f.ID != "" })
				x.Ascend("l", 5, func(*Feature) bool { return true })
				x.Get("l", "7")
			}
		}()
	}
	for i := range 2000 {
		x.Put("l", uint64(i), []*Feature{pointFeature(fmt.Sprint(i%100), float64(i%10), float64(i%7))})
		if i%10 == 0 {
			x.Delete("l", uint64(i), []string{fmt.Sprint(i % 50)})
		}
	}
	close(stop)
	wg.Wait()
	if x.Count("l") > 100 {
		t.Fatalf("count %d", x.Count("l"))
	}
}

func BenchmarkIntersecting(b *testing.B) {
	x := NewIndex()
	var fs []*Feature
	for i := range 100000 {
		fs = append(fs, pointFeature(fmt.Sprint(i), float64(i%1000)/100, float64(i/1000)/100))
	}
	x.Put("l", 1, fs)
	box := orb.Bound{Min: orb.Point{2, 0.2}, Max: orb.Point{2.5, 0.3}}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		x.Intersecting("l", box, func(*Feature) bool { n++; return true })
	}
}

func seqFeature(id string, x float64, seq uint64) *Feature {
	f := pointFeature(id, x, x)
	f.Seq = seq
	return f
}

// TestIndexAppliesOnlyNewer replays the race of a load scan (older
// snapshot) against live writes: whatever the order, the newest write wins.
func TestIndexAppliesOnlyNewer(t *testing.T) {
	x := NewIndex()
	x.BeginLoad("l")
	x.Put("l", 2, []*Feature{seqFeature("a", 5, 10)}) // live write
	x.Put("l", 1, []*Feature{seqFeature("a", 1, 3)})  // scan record, older
	if f, _ := x.Get("l", "a"); f.Geom.(orb.Point)[0] != 5 {
		t.Fatalf("older scan record replaced a live write: %v", f.Geom)
	}
	x.DeleteSeq("l", 3, 11, []string{"b"})           // live delete of b
	x.Put("l", 1, []*Feature{seqFeature("b", 1, 4)}) // scan brings b back
	if _, ok := x.Get("l", "b"); ok {
		t.Fatal("a deleted feature came back from the load scan")
	}
	x.DeleteSeq("l", 3, 2, []string{"a"}) // an older delete
	if _, ok := x.Get("l", "a"); !ok {
		t.Fatal("an older delete removed a newer feature")
	}
	x.EndLoad("l")
	x.Put("l", 4, []*Feature{seqFeature("b", 1, 12)})
	if _, ok := x.Get("l", "b"); !ok {
		t.Fatal("a write after the load was refused")
	}
}
