package spatial

import "github.com/paulmach/orb"

// Compaction. Replacing or deleting a feature leaves its old points and
// record in the arenas as dead space. After each batch of writes, an arena
// whose dead part exceeds its live part (and minCompact) is rewritten with
// only the live data, in slot order. Each rewrite costs O(live) and
// happens only after at least as much was written as dead, so a stream of
// writes (a live layer rewriting the same vessels every second) costs
// amortised O(1) per write and memory stays within about twice the live
// data.
//
// The arenas' slices are replaced, never rewritten in place: a reader
// still holding a view of the old arena would not be possible anyway (the
// writer holds the write lock), but strings handed out before stay valid
// memory.

// minCompact is the dead size (points, or record bytes) below which an
// arena is not compacted: small layers do not churn the allocator.
const minCompact = 4096

// minTrimSlots is the number of free slots below which the slot array is
// not trimmed.
const minTrimSlots = 64

// maybeCompact compacts the arenas that are more dead than alive. The
// caller holds the write lock.
func (li *layerIndex) maybeCompact() {
	if li.deadPts > minCompact && li.deadPts > len(li.pts)-li.deadPts {
		li.compactPts(growRoom)
	}
	if li.deadRec > minCompact && li.deadRec > len(li.rec)-li.deadRec {
		li.compactRec(growRoom)
	}
	if n := len(li.free); n >= minTrimSlots && 2*n > len(li.slots) {
		li.trimSlots()
	}
}

// growRoom is the spare capacity given to a compacted arena, as a
// fraction of its live size, so that the next writes do not immediately
// reallocate it.
const growRoom = 8

// trim gives each arena exactly the capacity it needs (after a load,
// when appends have left up to a quarter of the capacity unused).
func (li *layerIndex) trim() {
	// The y slab grows by its own appends: its spare capacity counts too.
	if cap(li.pts) > len(li.pts)-li.deadPts+len(li.pts)/16 || cap(li.my) > len(li.my)-li.deadPts+len(li.my)/16 {
		li.compactPts(0)
	}
	if cap(li.rec) > len(li.rec)-li.deadRec+len(li.rec)/16 {
		li.compactRec(0)
	}
	if cap(li.slots) > len(li.slots)+len(li.slots)/16 {
		li.slots = append([]slot(nil), li.slots...)
	}
}

// room returns the capacity for live elements with 1/frac spare (none
// when frac is 0).
func room(live, frac int) int {
	if frac == 0 {
		return live
	}
	return live + live/frac
}

func (li *layerIndex) compactPts(frac int) {
	pts := make([]orb.Point, 0, room(len(li.pts)-li.deadPts, frac))
	my := make([]float64, 0, cap(pts))
	for i := range li.slots {
		sl := &li.slots[i]
		if sl.kind == kindFree {
			continue
		}
		start := uint32(len(pts))
		pts = append(pts, li.pts[sl.pts:sl.pts+sl.npts]...)
		my = append(my, li.my[sl.pts:sl.pts+sl.npts]...)
		sl.pts = start
	}
	li.pts, li.my, li.deadPts = pts, my, 0
	li.compactions++
}

func (li *layerIndex) compactRec(frac int) {
	rec := make([]byte, 0, room(len(li.rec)-li.deadRec, frac))
	for i := range li.slots {
		sl := &li.slots[i]
		if sl.kind == kindFree {
			continue
		}
		start := uint32(len(rec))
		rec = append(rec, li.rec[sl.rec:sl.rec+sl.nrec]...)
		sl.rec = start
	}
	li.rec, li.deadRec = rec, 0
	li.compactions++
}

// trimSlots drops free slots from the end of the slot array, after
// deletes left many of them: the free list keeps only slots below the
// new end. Slots in use keep their numbers (the trees refer to them).
func (li *layerIndex) trimSlots() {
	end := len(li.slots)
	for end > 0 && li.slots[end-1].kind == kindFree {
		end--
	}
	if end == len(li.slots) {
		return
	}
	kept := li.free[:0]
	for _, s := range li.free {
		if int(s) < end {
			kept = append(kept, s)
		}
	}
	li.free = kept
	li.slots = append([]slot(nil), li.slots[:end]...)
}
