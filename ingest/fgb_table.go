package ingest

import (
	"encoding/binary"
	"fmt"
	"math"
)

// FlatGeobuf's header and features are FlatBuffers tables. No maintained
// Go FlatGeobuf reader resolves here (the flatgeobuf module is not on the
// proxy), and the FlatBuffers Go runtime (google/flatbuffers) has no
// verifier: its Table reads through unchecked offsets and panics, or reads
// another part of the buffer, when an offset lies. A file off the network
// is untrusted, so the few accessors the two schemas need are written here,
// each offset checked against the buffer; a bad one stops the decoding of
// that buffer with an fbError, recovered by fbDecode.

// fbError is a malformed FlatBuffer, raised by the accessors as a panic
// and turned into an error by fbDecode.
type fbError string

// fbDecode runs fn, returning a malformed-buffer panic as an error.
func fbDecode(fn func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			fe, ok := r.(fbError)
			if !ok {
				panic(r)
			}
			err = fmt.Errorf("%s", string(fe))
		}
	}()
	fn()
	return nil
}

func fbFail(format string, args ...any) { panic(fbError(fmt.Sprintf(format, args...))) }

// fbTable is a table at pos of buf, with its vtable.
type fbTable struct {
	buf         []byte
	pos, vt     int
	vtLen, size int
}

// need checks that n bytes at off are inside the buffer.
func need(buf []byte, off, n int, what string) {
	if off < 0 || n < 0 || off > len(buf) || n > len(buf)-off {
		fbFail("%s at byte %d (%d bytes) is outside the %d-byte buffer", what, off, n, len(buf))
	}
}

func u32(buf []byte, off int, what string) int {
	need(buf, off, 4, what)
	return int(binary.LittleEndian.Uint32(buf[off:]))
}

// fbRoot returns the root table of a FlatBuffer.
func fbRoot(buf []byte) fbTable { return fbAt(buf, u32(buf, 0, "root offset")) }

// fbAt reads the table at pos: its soffset to the vtable, the vtable's
// length and the table's inline size.
func fbAt(buf []byte, pos int) fbTable {
	need(buf, pos, 4, "table")
	vt := pos - int(int32(binary.LittleEndian.Uint32(buf[pos:])))
	need(buf, vt, 4, "vtable")
	t := fbTable{buf: buf, pos: pos, vt: vt,
		vtLen: int(binary.LittleEndian.Uint16(buf[vt:])), size: int(binary.LittleEndian.Uint16(buf[vt+2:]))}
	need(buf, vt, t.vtLen, "vtable")
	need(buf, pos, t.size, "table")
	return t
}

// field returns the position of field i, or 0 when it is absent (the
// default applies).
func (t fbTable) field(i, width int) int {
	slot := 4 + 2*i
	if slot+2 > t.vtLen {
		return 0
	}
	off := int(binary.LittleEndian.Uint16(t.buf[t.vt+slot:]))
	if off == 0 {
		return 0
	}
	if off+width > t.size {
		fbFail("field %d at offset %d is outside its %d-byte table", i, off, t.size)
	}
	return t.pos + off
}

func (t fbTable) u8(i int, def uint8) uint8 {
	if p := t.field(i, 1); p != 0 {
		return t.buf[p]
	}
	return def
}

func (t fbTable) u16(i int, def uint16) uint16 {
	if p := t.field(i, 2); p != 0 {
		return binary.LittleEndian.Uint16(t.buf[p:])
	}
	return def
}

func (t fbTable) i32(i int, def int32) int32 {
	if p := t.field(i, 4); p != 0 {
		return int32(binary.LittleEndian.Uint32(t.buf[p:]))
	}
	return def
}

func (t fbTable) u64(i int, def uint64) uint64 {
	if p := t.field(i, 8); p != 0 {
		return binary.LittleEndian.Uint64(t.buf[p:])
	}
	return def
}

// ref follows the offset in field i; 0 when the field is absent.
func (t fbTable) ref(i int) int {
	p := t.field(i, 4)
	if p == 0 {
		return 0
	}
	return p + u32(t.buf, p, "offset")
}

// vector returns the position of the first element of the vector in field
// i and its length, checked for elements of width bytes; n is 0 when the
// field is absent.
func (t fbTable) vector(i, width int) (start, n int) {
	p := t.ref(i)
	if p == 0 {
		return 0, 0
	}
	n = u32(t.buf, p, "vector length")
	if n > (len(t.buf)-p-4)/width {
		fbFail("vector of field %d says %d elements, the buffer holds at most %d", i, n, (len(t.buf)-p-4)/width)
	}
	return p + 4, n
}

// bytes returns the bytes of a string or [ubyte] field, nil when absent.
func (t fbTable) bytes(i int) []byte {
	start, n := t.vector(i, 1)
	if start == 0 {
		return nil
	}
	return t.buf[start : start+n]
}

func (t fbTable) str(i int) string { return string(t.bytes(i)) }

// table returns the table in field i; ok is false when absent.
func (t fbTable) table(i int) (fbTable, bool) {
	p := t.ref(i)
	if p == 0 {
		return fbTable{}, false
	}
	return fbAt(t.buf, p), true
}

// tables returns the tables of a vector of tables in field i.
func (t fbTable) tables(i int) []fbTable {
	start, n := t.vector(i, 4)
	out := make([]fbTable, n)
	for k := range out {
		p := start + 4*k
		out[k] = fbAt(t.buf, p+u32(t.buf, p, "table offset"))
	}
	return out
}

// f64 is element k of a [double] vector starting at start.
func (t fbTable) f64(start, k int) float64 {
	return math.Float64frombits(binary.LittleEndian.Uint64(t.buf[start+8*k:]))
}

// u32At is element k of a [uint] vector starting at start.
func (t fbTable) u32At(start, k int) int {
	return int(binary.LittleEndian.Uint32(t.buf[start+4*k:]))
}
