package ingest

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"

	"bando/crs"
)

// FlatGeobuf (flatgeobuf.org, format version 3) is read as a stream: the
// magic bytes, a size-prefixed Header table (columns, geometry type, CRS,
// feature count), the packed Hilbert R-tree when the header says it has
// one — skipped, it only serves a reader that seeks — then size-prefixed
// Feature tables to the end. One feature is held at a time; its buffer
// grows only as bytes actually arrive, so a size that lies costs nothing.

// fgbMagic is the start of every FlatGeobuf file ("fgb", version 3, "fgb",
// then a patch byte).
var fgbMagic = []byte("fgb\x03fgb")

// maxFGBHeader bounds the header table (the reference readers stop at
// 10 MB too): columns and a WKT take kilobytes.
const maxFGBHeader = 10 << 20

// maxFGBCount bounds a header's feature count even with no feature limit:
// beyond it the index size would overflow, and no file is that large.
const maxFGBCount = 1 << 40

// fgbHeader is what the reader needs of a Header table.
type fgbHeader struct {
	geomType       uint8
	hasZ, hasM     bool
	cols           []fgbColumn
	count          uint64
	indexNodeSize  int
	crsOrg, crsWKT string
	crsCode        int
}

type fgbColumn struct {
	name string
	typ  uint8
}

// readFlatGeobuf reads a FlatGeobuf file feature by feature.
func readFlatGeobuf(c *collector, r *bufio.Reader) error {
	const file = "FlatGeobuf"
	magic := make([]byte, 8)
	if n, err := io.ReadFull(r, magic); err != nil || !bytes.Equal(magic[:7], fgbMagic) {
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
			return c.readFailed(err, 0)
		}
		c.fatalIn(file, 0, RuleFlatGeobuf, fmt.Sprintf("not a FlatGeobuf file: it starts with %s, not \"fgb\\x03fgb\"", quoteExcerpt(string(magic[:n]))))
		return nil
	}
	hb, why, err := readSized(r, maxFGBHeader, "the header")
	if err != nil || why != "" {
		if err == nil {
			c.fatalIn(file, 0, RuleFlatGeobuf, why)
		}
		return c.readFailedOrNil(err)
	}
	var h fgbHeader
	if err := fbDecode(func() { h = parseFGBHeader(hb) }); err != nil {
		c.fatalIn(file, 0, RuleFlatGeobuf, "header: "+err.Error())
		return nil
	}
	if len(h.cols) > c.opt.Limits.MaxProperties {
		c.fatalIn(file, 0, RuleTooLarge, fmt.Sprintf("%d columns, more than the limit of %d", len(h.cols), c.opt.Limits.MaxProperties))
		return nil
	}
	if h.count > maxFGBCount {
		c.fatalIn(file, 0, RuleFlatGeobuf, fmt.Sprintf("the header says %d features, more than any file holds (corrupt?)", h.count))
		return nil
	}
	if h.count > uint64(c.opt.Limits.MaxFeatures) {
		c.fatalIn(file, 0, RuleTooMany, fmt.Sprintf("the header says %d features, more than %d (the limit for one input)", h.count, c.opt.Limits.MaxFeatures))
		return nil
	}
	c.total = int(h.count)
	sys := sourceCRS(c, file, h.crs)
	if sys == nil {
		return nil
	}
	if h.hasZ || h.hasM {
		c.note("FlatGeobuf: geometries carry Z and/or M values; they were dropped (the engine is 2D)")
	}
	if n := fgbIndexBytes(h.count, h.indexNodeSize); n > 0 {
		if got, err := io.CopyN(io.Discard, r, n); err != nil {
			if errors.Is(err, io.EOF) {
				c.fatalIn(file, 0, RuleFlatGeobuf, fmt.Sprintf("the spatial index of %d features takes %d bytes, the file ends after %d of them (truncated?)", h.count, n, got))
				return nil
			}
			return c.readFailed(err, 0)
		}
	}
	return readFGBFeatures(c, r, &h, sys)
}

// readFailedOrNil is readFailed for a possibly nil error.
func (c *collector) readFailedOrNil(err error) error {
	if err == nil {
		return nil
	}
	return c.readFailed(err, 0)
}

func readFGBFeatures(c *collector, r *bufio.Reader, h *fgbHeader, sys *crs.CRS) error {
	const file = "FlatGeobuf"
	names := make([]string, len(h.cols))
	for i, col := range h.cols {
		names[i] = col.name
	}
	plan := planTable(c, names)
	vals := make([]any, len(h.cols))
	maxFeature := min(int64(c.opt.Limits.MaxLineBytes), c.opt.Limits.MaxInputBytes)
	var buf []byte
	rec := 0
	for {
		if _, err := r.Peek(1); errors.Is(err, io.EOF) {
			break
		}
		rec++
		if c.full() {
			return nil
		}
		b, why, err := readSizedInto(r, buf, maxFeature, "feature "+strconv.Itoa(rec))
		if err != nil || why != "" {
			if err == nil {
				rule := RuleFlatGeobuf
				if len(b) > 0 { // the size was over the limit
					rule = RuleTooLarge
				}
				c.fatalIn(file, rec, rule, why)
			}
			return c.readFailedOrNil(err)
		}
		buf = b
		clear(vals)
		var f fgbFeature
		if err := fbDecode(func() { f = parseFGBFeature(b, h, vals, c.opt.Limits) }); err != nil {
			c.fatalIn(file, rec, RuleFlatGeobuf, fmt.Sprintf("feature %d: %v", rec, err))
			return nil
		}
		if f.fatal != "" {
			c.fatalIn(file, rec, RuleTooLarge, fmt.Sprintf("feature %d: %s", rec, f.fatal))
			return nil
		}
		c.addRow(plan, file, rec, vals, f.geom, f.gpr, sys)
		c.progress(c.count(), c.total)
	}
	if h.count != 0 && uint64(rec) != h.count {
		c.fatalIn(file, rec, RuleFlatGeobuf, fmt.Sprintf("the header says %d features, the file holds %d (truncated?)", h.count, rec))
	}
	return nil
}

// readSized reads a little-endian uint32 size and that many bytes, at most
// max. why says what is wrong with the input ("" when it reads); err is a
// failure of the reader. The buffer grows as bytes arrive, never to the
// size claimed up front.
func readSized(r *bufio.Reader, max int64, what string) (b []byte, why string, err error) {
	return readSizedInto(r, nil, max, what)
}

// readSizedInto is readSized reusing buf. When the size is over max, b is
// non-empty (the size bytes) so that the caller can tell it from a
// truncation.
func readSizedInto(r *bufio.Reader, buf []byte, max int64, what string) (b []byte, why string, err error) {
	var size [4]byte
	if n, err := io.ReadFull(r, size[:]); err != nil {
		if isEOF(err) {
			return nil, fmt.Sprintf("%s: the file ends inside its size prefix (%d of 4 bytes)", what, n), nil
		}
		return nil, "", err
	}
	n := int64(binary.LittleEndian.Uint32(size[:]))
	switch {
	case n > max:
		return size[:], fmt.Sprintf("%s says it takes %s, more than the limit of %s", what, byteSize(n), byteSize(max)), nil
	case n < 8:
		return nil, fmt.Sprintf("%s says it takes %d bytes, too few for a FlatBuffer table", what, n), nil
	}
	b = buf[:0]
	const chunk = 1 << 20
	for int64(len(b)) < n {
		k := min(n-int64(len(b)), chunk)
		b = append(b, make([]byte, k)...)
		got, err := io.ReadFull(r, b[int64(len(b))-k:])
		if err != nil {
			if isEOF(err) {
				return nil, fmt.Sprintf("%s says it takes %d bytes, the file ends after %d of them (truncated?)", what, n, int64(len(b))-k+int64(got)), nil
			}
			return nil, "", err
		}
	}
	return b, "", nil
}

func isEOF(err error) bool { return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) }

// fgbIndexBytes is the size of the packed Hilbert R-tree of count features
// with nodes of nodeSize entries (40 bytes each: a box and an offset), as
// the reference implementations compute it; 0 when there is none.
func fgbIndexBytes(count uint64, nodeSize int) int64 {
	if nodeSize < 2 || count == 0 {
		return 0
	}
	nodes, n := count, count
	for n != 1 {
		n = (n + uint64(nodeSize) - 1) / uint64(nodeSize)
		nodes += n
	}
	return int64(nodes) * 40
}

// parseFGBHeader reads the Header table (schema header.fbs: name 0,
// envelope 1, geometry_type 2, has_z 3, has_m 4, has_t 5, has_tm 6,
// columns 7, features_count 8, index_node_size 9, crs 10).
func parseFGBHeader(b []byte) fgbHeader {
	t := fbRoot(b)
	h := fgbHeader{geomType: t.u8(2, 0), hasZ: t.u8(3, 0) != 0, hasM: t.u8(4, 0) != 0,
		count: t.u64(8, 0), indexNodeSize: int(t.u16(9, 16))}
	if t.u8(5, 0) != 0 || t.u8(6, 0) != 0 {
		h.hasM = true // t and tm, dropped like M
	}
	for _, ct := range t.tables(7) { // Column: name 0, type 1
		h.cols = append(h.cols, fgbColumn{name: ct.str(0), typ: ct.u8(1, 0)})
	}
	if cr, ok := t.table(10); ok { // Crs: org 0, code 1, name 2, description 3, wkt 4
		h.crsOrg, h.crsCode, h.crsWKT = cr.str(0), int(cr.i32(1, 0)), cr.str(4)
	}
	return h
}

// crs reads the header's system: its EPSG code when crs knows it (an org
// other than EPSG is not), else its WKT; nil when the header names none.
func (h *fgbHeader) crs() (*crs.CRS, error) {
	org := h.crsOrg
	if h.crsCode != 0 && (org == "" || equalFoldASCII(org, "EPSG")) {
		sys, err := crs.FromEPSG(h.crsCode)
		if err == nil || h.crsWKT == "" {
			return sys, err
		}
	}
	if h.crsWKT != "" {
		return crs.FromWKT(h.crsWKT)
	}
	if h.crsCode != 0 {
		return nil, fmt.Errorf("the header names %s:%d, a system bando does not know", org, h.crsCode)
	}
	return nil, nil
}

func equalFoldASCII(a, b string) bool {
	return len(a) == len(b) && bytes.EqualFold([]byte(a), []byte(b))
}

// fgbFloat32 widens a float32 by its shortest decimal, so that a column
// value 0.1 reads 0.1 rather than 0.10000000149.
func fgbFloat32(bits uint32) float64 {
	f := math.Float32frombits(bits)
	v, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil {
		return float64(f)
	}
	return v
}
