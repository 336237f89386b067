package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
)

// readNDJSON reads one GeoJSON Feature per line. Blank lines are skipped;
// a record separator (0x1E, RFC 8142) at the start of a line is ignored. A
// line that is not a Feature is a problem of that feature alone.
func readNDJSON(c *collector, r io.Reader) error {
	lr := newLineReader(r, c.opt.Limits.MaxLineBytes)
	if b, _ := lr.br.Peek(len(bom)); bytes.Equal(b, bom) {
		lr.br.Discard(len(bom))
	}
	if w := ndjsonWorkers(); w > 1 && !lr.fewLines() {
		return readNDJSONParallel(c, lr, w)
	}
	fr := newFeatureReader(c.sch)
	defer c.ignore(fr.ignored)
	for {
		line, n, err := lr.next()
		if err != nil {
			return c.readFailed(err, n)
		}
		if line == nil {
			return nil
		}
		if c.full() {
			return nil
		}
		it := item{index: len(c.items), line: n}
		fr.line(&it, line)
		c.add(it)
	}
}

// line parses one NDJSON line into it.
func (fr *featureReader) line(it *item, b []byte) {
	fr.sc.data, fr.sc.pos, fr.sc.bad, fr.inLine = b, 0, 0, true
	if se := fr.guard(func() { fr.feature(it); fr.trailing() }); se != nil {
		it.f, it.repairs = nil, nil
		it.probs = []Problem{{Index: it.index, Line: it.line, ID: excerpt(it.id), Rule: se.problemRule(),
			Message: se.msg + " (column " + strconv.Itoa(se.off+1) + ")"}}
	}
}

// lineReader yields the non-blank lines of r with their 1-based numbers,
// trimmed of surrounding whitespace and a leading record separator. A line
// is valid until the next call. A line longer than max bytes is an error
// (*limitError), found before more than max bytes of it are held.
type lineReader struct {
	br   *bufio.Reader
	long []byte
	n    int
	max  int
}

func newLineReader(r io.Reader, max int) *lineReader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReaderSize(r, 1<<16)
	}
	if max <= 0 {
		max = DefaultLimits.MaxLineBytes
	}
	return &lineReader{br: br, max: max}
}

// fewLines reports whether the whole rest of the input is already buffered
// and holds less than one parallel batch: a single-feature write is parsed
// on the caller's goroutine, without the pipeline's goroutines and buffers.
func (lr *lineReader) fewLines() bool {
	b, err := lr.br.Peek(lr.br.Size())
	return err != nil && bytes.Count(b, []byte{'\n'}) < batchLines
}

// next returns the next non-blank line, or nil at the end of input.
func (lr *lineReader) next() ([]byte, int, error) {
	for {
		b, err := lr.br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			lr.long = append(lr.long[:0], b...)
			for errors.Is(err, bufio.ErrBufferFull) {
				if len(lr.long) > lr.max {
					lr.long = nil // do not keep a huge buffer alive
					return nil, lr.n + 1, tooLarge("line %d is longer than %s (the limit)", lr.n+1, byteSize(int64(lr.max)))
				}
				b, err = lr.br.ReadSlice('\n')
				lr.long = append(lr.long, b...)
			}
			b = lr.long
		}
		if err != nil && err != io.EOF {
			return nil, lr.n + 1, err
		}
		if len(b) == 0 && err == io.EOF {
			return nil, lr.n, nil
		}
		lr.n++
		if len(b) > lr.max+1 { // +1: the newline
			return nil, lr.n, tooLarge("line %d is longer than %s (the limit)", lr.n, byteSize(int64(lr.max)))
		}
		b = bytes.TrimLeft(bytes.TrimSpace(b), "\x1e")
		if len(b) > 0 {
			return b, lr.n, nil
		}
		if err == io.EOF {
			return nil, lr.n, nil
		}
	}
}
