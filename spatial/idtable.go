package spatial

import (
	"encoding/binary"
	"hash/maphash"
)

// idTable maps feature ids to slots without a map[string]: an
// open-addressing hash table of slot numbers (+1, so 0 is empty) with
// linear probing, whose keys are the ids stored in the layer's record
// arena. At most half full, so probes stay short; deletion shifts the
// following entries back instead of leaving tombstones.
type idTable struct {
	cells []uint32
	n     int
	seed  maphash.Seed
}

const minTableSize = 16

func (t *idTable) init() {
	t.cells = make([]uint32, minTableSize)
	t.seed = maphash.MakeSeed()
}

func (t *idTable) home(id string) int {
	return int(maphash.String(t.seed, id) & uint64(len(t.cells)-1))
}

// idOf returns the id of slot s, pointing into the arena.
func (li *layerIndex) idOf(s uint32) string {
	sl := &li.slots[s]
	b := li.rec[sl.rec : sl.rec+sl.nrec]
	n, w := binary.Uvarint(b)
	return bytesString(b[w : w+int(n)])
}

// lookup returns the slot holding id.
func (li *layerIndex) lookup(id string) (uint32, bool) {
	t := &li.table
	mask := len(t.cells) - 1
	for i := t.home(id); ; i = (i + 1) & mask {
		c := t.cells[i]
		if c == 0 {
			return 0, false
		}
		if li.idOf(c-1) == id {
			return c - 1, true
		}
	}
}

// insert adds slot s, whose id is not in the table yet.
func (t *idTable) insert(li *layerIndex, s uint32) {
	if 2*(t.n+1) > len(t.cells) {
		t.grow(li)
	}
	t.place(li, s)
	t.n++
}

func (t *idTable) place(li *layerIndex, s uint32) {
	mask := len(t.cells) - 1
	i := t.home(li.idOf(s))
	for t.cells[i] != 0 {
		i = (i + 1) & mask
	}
	t.cells[i] = s + 1
}

func (t *idTable) grow(li *layerIndex) {
	old := t.cells
	t.cells = make([]uint32, 2*len(old))
	for _, c := range old {
		if c != 0 {
			t.place(li, c-1)
		}
	}
}

// remove takes slot s out of the table. Entries after it in its probe run
// move back into the gap when their home position allows, so lookups
// never stop early at a hole.
func (t *idTable) remove(li *layerIndex, s uint32) {
	mask := len(t.cells) - 1
	i := t.home(li.idOf(s))
	for t.cells[i] != s+1 {
		if t.cells[i] == 0 {
			return
		}
		i = (i + 1) & mask
	}
	t.cells[i] = 0
	t.n--
	for j := (i + 1) & mask; t.cells[j] != 0; j = (j + 1) & mask {
		h := t.home(li.idOf(t.cells[j] - 1))
		// The entry at j may fill the hole at i if its home is not in
		// the cyclic range (i, j].
		if (j > i && (h <= i || h > j)) || (j < i && h <= i && h > j) {
			t.cells[i], t.cells[j] = t.cells[j], 0
			i = j
		}
	}
}
