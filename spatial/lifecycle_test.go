package spatial

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/paulmach/orb"
)

// polyFeature is a 10-vertex parcel-like polygon at (x, y) with props.
func polyFeature(id string, x, y float64, seq uint64) *Feature {
	var r orb.Ring
	for k := range 10 {
		r = append(r, orb.Point{x + float64(k%3)*1e-4, y + float64(k)*1e-5})
	}
	r = append(r, r[0])
	g := orb.Polygon{r}
	return &Feature{ID: id, Num: seq, Seq: seq, Geom: g, Bound: g.Bound(), Props: []any{id, int64(seq), float64(x)}}
}

func TestArenaPutReplaceDelete(t *testing.T) {
	tests := []struct {
		name   string
		ops    func(x *Index)
		want   []string // ids in order
		slots  int      // slots allocated
		deadGT bool     // dead arena space expected
	}{
		{"insert", func(x *Index) {
			x.Put("l", 1, []*Feature{polyFeature("b", 1, 1, 1), polyFeature("a", 2, 2, 1), polyFeature("2", 3, 3, 1)})
		}, []string{"2", "a", "b"}, 3, false},
		{"replace keeps the slot, leaves dead space", func(x *Index) {
			x.Put("l", 1, []*Feature{polyFeature("a", 1, 1, 1)})
			x.Put("l", 2, []*Feature{polyFeature("a", 5, 5, 2)})
		}, []string{"a"}, 1, true},
		{"delete frees the slot, insert reuses it", func(x *Index) {
			x.Put("l", 1, []*Feature{polyFeature("a", 1, 1, 1), polyFeature("b", 1, 1, 1)})
			x.DeleteSeq("l", 2, 2, []string{"a"})
			x.Put("l", 3, []*Feature{polyFeature("c", 1, 1, 3)})
		}, []string{"b", "c"}, 2, true},
		{"older write is refused", func(x *Index) {
			x.Put("l", 1, []*Feature{polyFeature("a", 1, 1, 5)})
			x.Put("l", 2, []*Feature{polyFeature("a", 9, 9, 4)})
		}, []string{"a"}, 1, false},
		{"delete of a missing id", func(x *Index) {
			x.Put("l", 1, []*Feature{polyFeature("a", 1, 1, 1)})
			x.Delete("l", 2, []string{"zz"})
		}, []string{"a"}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			x := NewIndex()
			tt.ops(x)
			var ids []string
			x.Ascend("l", 0, func(f *Feature) bool { ids = append(ids, f.ID); return true })
			if !reflect.DeepEqual(ids, tt.want) || x.Count("l") != len(tt.want) {
				t.Fatalf("ids %v count %d, want %v", ids, x.Count("l"), tt.want)
			}
			li := x.layer("l", false)
			if len(li.slots) != tt.slots {
				t.Errorf("%d slots, want %d", len(li.slots), tt.slots)
			}
			if dead := li.deadPts > 0 && li.deadRec > 0; dead != tt.deadGT {
				t.Errorf("dead space %d pts %d bytes", li.deadPts, li.deadRec)
			}
		})
	}
	x := NewIndex()
	x.Put("l", 1, []*Feature{polyFeature("a", 1, 1, 1)})
	x.Put("l", 2, []*Feature{polyFeature("a", 5, 5, 2)})
	if f, _ := x.Get("l", "a"); f.Bound.Min[0] != 5 || f.Props[1] != int64(2) {
		t.Fatalf("replaced feature reads %v %v", f.Bound, f.Props)
	}
	if n := countIn(x, orb.Bound{Min: orb.Point{0, 0}, Max: orb.Point{2, 2}}); n != 0 {
		t.Fatalf("the replaced version is still in the R-tree: %d", n)
	}
}

func countIn(x *Index, b orb.Bound) int {
	n := 0
	x.Scan("l", b, func(FeatureView) bool { n++; return true })
	return n
}

// TestArenaCompaction rewrites the same features many times, as a live
// layer does: the arenas must stay bounded and every feature must read
// back as last written.
func TestArenaCompaction(t *testing.T) {
	x := NewIndex()
	const n = 2000
	var maxPts, maxRec int
	for round := range 30 {
		var fs []*Feature
		for i := range n {
			fs = append(fs, polyFeature(fmt.Sprint(i), float64(round), float64(i)/100, uint64(round+1)))
		}
		x.Put("l", uint64(round+1), fs)
		li := x.layer("l", false)
		maxPts, maxRec = max(maxPts, len(li.pts)), max(maxRec, len(li.rec))
	}
	li := x.layer("l", false)
	live := 0
	for i := range li.slots {
		live += int(li.slots[i].npts)
	}
	if li.compactions == 0 {
		t.Fatal("30 rewrites of every feature compacted nothing")
	}
	checkMercatorY(t, x, "l")
	if live != n*11 || maxPts > 2*live+minCompact+n*11 {
		t.Fatalf("points: %d live, arena grew to %d", live, maxPts)
	}
	for i := range n {
		f, ok := x.Get("l", fmt.Sprint(i))
		if !ok || !reflect.DeepEqual(f, polyFeature(fmt.Sprint(i), 29, float64(i)/100, 30)) {
			t.Fatalf("feature %d after compaction: %v", i, f)
		}
	}
	// Delete most features: slots at the end are dropped.
	var ids []string
	for i := 10; i < n; i++ {
		ids = append(ids, fmt.Sprint(i))
	}
	x.DeleteSeq("l", 99, 99, ids)
	if len(li.slots) > 10 || x.Count("l") != 10 || len(li.pts) > 10*11 {
		t.Fatalf("after deletes: %d slots, %d features, %d points", len(li.slots), x.Count("l"), len(li.pts))
	}
	checkMercatorY(t, x, "l")
	if _, max := li.extent(); !max {
		t.Fatal("no extent")
	}
}

// TestArenaRandomOps applies random puts and deletes to the index and to
// a map, and compares them after every batch: ids, order, bounds, props.
func TestArenaRandomOps(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	x := NewIndex()
	want := map[string]*Feature{}
	for batch := range 200 {
		var fs []*Feature
		var del []string
		for range rng.IntN(50) {
			id := fmt.Sprint(rng.IntN(300))
			if rng.IntN(4) == 0 {
				id = "k" + id
			}
			if rng.IntN(3) == 0 {
				del = append(del, id)
				continue
			}
			fs = append(fs, polyFeature(id, rng.Float64()*10, rng.Float64()*10, uint64(batch)))
		}
		x.Put("l", uint64(batch), fs)
		for _, f := range fs {
			want[f.ID] = f
		}
		x.DeleteSeq("l", uint64(batch), uint64(batch), del)
		for _, id := range del {
			delete(want, id)
		}
		if x.Count("l") != len(want) {
			t.Fatalf("batch %d: count %d, want %d", batch, x.Count("l"), len(want))
		}
		for id, f := range want {
			if got, ok := x.Get("l", id); !ok || !reflect.DeepEqual(got, f) {
				t.Fatalf("batch %d: %s = %v, want %v", batch, id, got, f)
			}
		}
		var prev string
		i := 0
		x.Ascend("l", 0, func(f *Feature) bool {
			if i > 0 && !Less(prev, f.ID) {
				t.Fatalf("order: %s before %s", prev, f.ID)
			}
			prev = f.ID
			i++
			return true
		})
		if i != len(want) || countIn(x, orb.Bound{Min: orb.Point{-1, -1}, Max: orb.Point{20, 20}}) != len(want) {
			t.Fatalf("batch %d: %d in order, want %d", batch, i, len(want))
		}
	}
}

func TestAscendOffset(t *testing.T) {
	x := NewIndex()
	var fs []*Feature
	for i := range 100 {
		fs = append(fs, pointFeature(fmt.Sprint(i), 0, 0))
	}
	x.Put("l", 1, fs)
	for _, off := range []int{0, 1, 50, 99, 100, 500} {
		var got []string
		x.Ascend("l", off, func(f *Feature) bool { got = append(got, f.ID); return len(got) < 3 })
		var want []string
		for i := off; i < min(100, off+3); i++ {
			want = append(want, fmt.Sprint(i))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("offset %d: %v, want %v", off, got, want)
		}
	}
	x.Ascend("missing", 0, func(*Feature) bool { t.Fatal("feature in a missing layer"); return false })
}

// TestLoadTombstonesAcrossSlotReuse runs the load race with slots being
// freed and reused: a live delete during the load frees a slot that a new
// feature takes, and the load scan's older record of the deleted id must
// still be refused (the tombstone is by id, not by slot).
func TestLoadTombstonesAcrossSlotReuse(t *testing.T) {
	x := NewIndex()
	x.BeginLoad("l")
	x.Put("l", 1, []*Feature{polyFeature("a", 1, 1, 5)})  // scanned
	x.DeleteSeq("l", 2, 10, []string{"a"})                // live delete frees a's slot
	x.Put("l", 3, []*Feature{polyFeature("b", 2, 2, 11)}) // live insert reuses it
	x.Put("l", 1, []*Feature{polyFeature("a", 1, 1, 6)})  // scan: older than the delete
	x.Put("l", 1, []*Feature{polyFeature("b", 9, 9, 7)})  // scan: older than the live b
	x.EndLoad("l")
	if _, ok := x.Get("l", "a"); ok {
		t.Fatal("the load scan resurrected a deleted feature")
	}
	if b, _ := x.Get("l", "b"); b == nil || b.Seq != 11 || b.Bound.Min[0] != 2 {
		t.Fatalf("b = %v, want the live write", b)
	}
	if li := x.layer("l", false); len(li.slots) != 1 {
		t.Fatalf("%d slots: the freed slot was not reused", len(li.slots))
	}
	x.Put("l", 4, []*Feature{polyFeature("a", 3, 3, 6)}) // after the load no tombstone is left
	if _, ok := x.Get("l", "a"); !ok {
		t.Fatal("a write after the load was refused by a stale tombstone")
	}
}
