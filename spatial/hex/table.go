package hex

// cellTable maps cells to their count and to a small integer (the cell's
// position in a part's other figures). It is an open-addressing table with
// linear probing, kept at most half full: counting a feature in a cell is
// one probe of one slot, where Go's map and a separate count slice spent
// twice as long on the same 1M additions (BenchmarkCount1M's profile).
type cellTable struct {
	slots []cellSlot // power-of-two length
	n     int
}

type cellSlot struct {
	cell  Cell // 0: empty (0 is not a cell)
	count int64
	idx   int32
}

func newCellTable() *cellTable { return &cellTable{slots: make([]cellSlot, 1024)} }

// maxPooledSlots bounds the tables kept for reuse (24 MB each): a question
// with more cells allocates its own.
const maxPooledSlots = 1 << 20

// reset empties the table for reuse and reports whether it is worth
// keeping.
func (t *cellTable) reset() bool {
	if len(t.slots) > maxPooledSlots {
		return false
	}
	clear(t.slots)
	t.n = 0
	return true
}

func cellSlotOf(c Cell, mask int) int {
	return int((uint64(c)*0x9E3779B97F4A7C15)>>32) & mask
}

// get returns c's slot, or nil. The slot is valid until the next put.
func (t *cellTable) get(c Cell) *cellSlot {
	mask := len(t.slots) - 1
	for i := cellSlotOf(c, mask); t.slots[i].cell != 0; i = (i + 1) & mask {
		if t.slots[i].cell == c {
			return &t.slots[i]
		}
	}
	return nil
}

// put adds c with index idx and count 0, and returns its slot; c must not
// be present.
func (t *cellTable) put(c Cell, idx int32) *cellSlot {
	if 2*(t.n+1) > len(t.slots) {
		old := t.slots
		t.slots = make([]cellSlot, 2*len(old))
		for _, s := range old {
			if s.cell != 0 {
				t.insert(s)
			}
		}
	}
	t.n++
	return t.insert(cellSlot{cell: c, idx: idx})
}

func (t *cellTable) insert(s cellSlot) *cellSlot {
	mask := len(t.slots) - 1
	i := cellSlotOf(s.cell, mask)
	for t.slots[i].cell != 0 {
		i = (i + 1) & mask
	}
	t.slots[i] = s
	return &t.slots[i]
}
