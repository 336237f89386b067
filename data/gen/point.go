package gen

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Point features are written as one GeoJSON Feature per line, built by
// appending: featureStart, then the properties, then featureEnd. Numbers are
// written exactly (integers, or fixed decimals) so the same seed gives the
// same bytes.

func featureStart(b []byte, id int) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendInt(b, int64(id), 10)
	return append(b, `,"properties":{`...)
}

func key(b []byte, k string) []byte {
	if b[len(b)-1] != '{' {
		b = append(b, ',')
	}
	b = append(b, '"')
	b = append(b, k...)
	return append(b, `":`...)
}

// appendString appends a property whose value needs no JSON escaping
// (codes and enumerations); use appendRaw with a pre-quoted value otherwise.
func appendString(b []byte, k, v string) []byte {
	b = append(key(b, k), '"')
	b = append(b, v...)
	return append(b, '"')
}

func appendRaw(b []byte, k string, v []byte) []byte { return append(key(b, k), v...) }

func appendInt(b []byte, k string, v int64) []byte { return strconv.AppendInt(key(b, k), v, 10) }

func appendBool(b []byte, k string, v bool) []byte { return strconv.AppendBool(key(b, k), v) }

// appendFloat appends v with at most one decimal.
func appendFloat(b []byte, k string, v float64) []byte {
	return appendFixed(key(b, k), int64(math.Round(v*10)), 1)
}

// featureEnd closes the properties and writes a Point at (x, y)·10⁻ᵈ.
func featureEnd(b []byte, x, y int64, d int) []byte {
	b = append(b, `},"geometry":{"type":"Point","coordinates":[`...)
	b = appendFixed(b, x, d)
	b = append(b, ',')
	b = appendFixed(b, y, d)
	return append(b, "]}}\n"...)
}

// lineWriter buffers feature lines for w and names the feature that failed.
type lineWriter struct {
	bw    *bufio.Writer
	layer string
}

func newLineWriter(w io.Writer, layer string) *lineWriter {
	return &lineWriter{bw: bufio.NewWriterSize(w, 1<<16), layer: layer}
}

func (lw *lineWriter) write(b []byte, id int) error {
	if _, err := lw.bw.Write(b); err != nil {
		return fmt.Errorf("gen: write %s %d: %w", lw.layer, id, err)
	}
	return nil
}

func (lw *lineWriter) flush() error {
	if err := lw.bw.Flush(); err != nil {
		return fmt.Errorf("gen: write %s: %w", lw.layer, err)
	}
	return nil
}

// micro rounds degrees to integer micro-degrees.
func micro(v float64) int64 { return int64(math.Round(v * 1e6)) }
