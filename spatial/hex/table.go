package hex

// cellTable maps cells to small integers (a cell's position in a part's
// figures). It is an open-addressing table with linear probing, kept at
// most half full: one probe of a 16-byte slot per look-up, where Go's map
// spent twice as long on the same 1M look-ups (BenchmarkCount1M's profile).
type cellTable struct {
	slots []cellSlot // power-of-two length
	n     int
}

type cellSlot struct {
	cell Cell // 0: empty (0 is not a cell)
	idx  int32
}

func newCellTable() *cellTable { return &cellTable{slots: make([]cellSlot, 1024)} }

func cellSlotOf(c Cell, mask int) int {
	return int((uint64(c)*0x9E3779B97F4A7C15)>>32) & mask
}

// get returns c's index, or -1.
func (t *cellTable) get(c Cell) int32 {
	mask := len(t.slots) - 1
	for i := cellSlotOf(c, mask); t.slots[i].cell != 0; i = (i + 1) & mask {
		if t.slots[i].cell == c {
			return t.slots[i].idx
		}
	}
	return -1
}

// put adds c with index idx; c must not be present.
func (t *cellTable) put(c Cell, idx int32) {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]cellSlot, 2*len(old))
		for _, s := range old {
			if s.cell != 0 {
				t.insert(s)
			}
		}
	}
	t.insert(cellSlot{c, idx})
	t.n++
}

func (t *cellTable) insert(s cellSlot) {
	mask := len(t.slots) - 1
	i := cellSlotOf(s.cell, mask)
	for t.slots[i].cell != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = s
}
