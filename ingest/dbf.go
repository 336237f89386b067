package ingest

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// dbfField is one column of a dBASE III table.
type dbfField struct {
	name     string
	typ      byte // C, N, F, L, D (others are read as text)
	off, len int
	dec      int
}

// dbfReader reads the records of a .dbf one at a time.
type dbfReader struct {
	r       *bufio.Reader
	n       int // records the header says
	recLen  int
	fields  []dbfField
	buf     []byte
	decode  func([]byte) string
	ldid    byte // language driver id (byte 29)
	rawName [][]byte
	closer  io.Closer // the member it reads, closed by its caller
}

// openDBF reads the header and the field descriptors. size is the file's
// length, which the records the header announces must fit.
func openDBF(r io.Reader, size int64, maxFields int) (*dbfReader, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head := make([]byte, 32)
	if _, err := io.ReadFull(br, head); err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	d := &dbfReader{r: br, n: int(binary.LittleEndian.Uint32(head[4:])), ldid: head[29]}
	headLen := int(binary.LittleEndian.Uint16(head[8:]))
	d.recLen = int(binary.LittleEndian.Uint16(head[10:]))
	nf := (headLen - 33) / 32
	switch {
	case headLen < 33 || d.recLen < 1:
		return nil, fmt.Errorf("header length %d or record length %d is too short", headLen, d.recLen)
	case nf > maxFields:
		return nil, fmt.Errorf("%d fields, more than the limit of %d", nf, maxFields)
	case int64(headLen)+int64(d.n)*int64(d.recLen) > size+1: // some writers omit the final 0x1A
		return nil, fmt.Errorf("header says %d records of %d bytes, more than the %d-byte file holds", d.n, d.recLen, size)
	}
	desc := make([]byte, headLen-32)
	if _, err := io.ReadFull(br, desc); err != nil {
		return nil, fmt.Errorf("field descriptors: %w", err)
	}
	off := 1 // the deletion flag
	for i := 0; i+32 <= len(desc) && desc[i] != 0x0D; i += 32 {
		fd := desc[i : i+32]
		name := fd[:11]
		if k := indexByte(name, 0); k >= 0 {
			name = name[:k]
		}
		f := dbfField{typ: fd[11], off: off, len: int(fd[16]), dec: int(fd[17])}
		if f.typ == 'C' {
			f.len += int(fd[17]) << 8 // Clipper/FoxPro: long character fields
			f.dec = 0
		}
		off += f.len
		d.fields = append(d.fields, f)
		d.rawName = append(d.rawName, append([]byte(nil), name...))
	}
	if off != d.recLen {
		return nil, fmt.Errorf("fields add up to %d bytes but a record is %d", off, d.recLen)
	}
	d.buf = make([]byte, d.recLen)
	return d, nil
}

func indexByte(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

// setDecoder names the fields with the text decoder that the records use.
func (d *dbfReader) setDecoder(dec func([]byte) string) {
	d.decode = dec
	for i := range d.fields {
		d.fields[i].name = strings.TrimSpace(dec(d.rawName[i]))
	}
}

func (d *dbfReader) names() []string {
	out := make([]string, len(d.fields))
	for i, f := range d.fields {
		out[i] = f.name
	}
	return out
}

// next reads one record: whether it is marked deleted, and its values
// (string, int64, float64, bool, or nil for an empty cell).
func (d *dbfReader) next(vals []any) (deleted bool, err error) {
	if _, err := io.ReadFull(d.r, d.buf); err != nil {
		return false, err
	}
	for i, f := range d.fields {
		vals[i] = d.value(f, d.buf[f.off:f.off+f.len])
	}
	return d.buf[0] == '*', nil
}

func (d *dbfReader) value(f dbfField, raw []byte) any {
	switch f.typ {
	case 'N', 'F':
		s := strings.TrimSpace(string(raw))
		if s == "" || strings.Trim(s, "*") == "" {
			return nil
		}
		if f.dec == 0 {
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n
			}
		}
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			return v
		}
		return s // convertText says why it does not convert
	case 'L':
		switch raw[0] {
		case 'T', 't', 'Y', 'y':
			return true
		case 'F', 'f', 'N', 'n':
			return false
		}
		return nil
	case 'D':
		s := strings.TrimSpace(string(raw))
		if len(s) == 8 && strings.Trim(s, "0") != "" {
			return s[:4] + "-" + s[4:6] + "-" + s[6:]
		}
		return nil
	}
	for len(raw) > 0 && (raw[len(raw)-1] == ' ' || raw[len(raw)-1] == 0) {
		raw = raw[:len(raw)-1]
	}
	if len(raw) == 0 {
		return nil
	}
	return d.decode(raw)
}
