package ingest

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode/utf8"
)

// Limits bound what one input may cost, so that a small hostile body (a
// gzip bomb, one endless line, a polygon of millions of vertices) is refused
// early with rule too-large instead of growing the process. A zero field
// takes its default (DefaultLimits); a negative field means no limit.
// Every limit is checked while reading: nothing beyond a limit is held in
// memory.
type Limits struct {
	// MaxInputBytes bounds the input after decompression. Default 64 MiB.
	MaxInputBytes int64
	// MaxRatio bounds decompressed bytes per compressed byte of a gzip
	// input, checked once 1 MiB has been decompressed.
	// Default 100: real GeoJSON, CSV and Overpass files compress 3–20×, a
	// stream of zeros about 1000×.
	MaxRatio int
	// MaxLineBytes bounds one NDJSON line and one CSV record. Default 32 MiB.
	MaxLineBytes int
	// MaxFieldBytes bounds one property value (a JSON string, a CSV cell
	// other than the WKT column, an OSM tag). Default 1 MiB.
	MaxFieldBytes int
	// MaxIDBytes bounds a feature id, in bytes of UTF-8. Default 256.
	MaxIDBytes int
	// MaxVertices bounds the positions of one geometry (all its rings and
	// parts), and the nodes of one OSM way. Default 1,000,000.
	MaxVertices int
	// MaxFeatures bounds the features of one input. Default 100,000: a
	// feature costs a few hundred bytes of memory until it is stored, so
	// this bounds an API write to tens of MB; bulk loads lift it.
	MaxFeatures int
	// MaxDepth bounds JSON nesting. Default 64 (GeoJSON needs 8).
	MaxDepth int
	// MaxProperties bounds the properties of one feature (GeoJSON
	// members, CSV columns, OSM tags). Default 10,000.
	MaxProperties int
}

// DefaultLimits are the limits a zero Limits field takes.
var DefaultLimits = Limits{
	MaxInputBytes: 64 << 20,
	MaxRatio:      100,
	MaxLineBytes:  32 << 20,
	MaxFieldBytes: 1 << 20,
	MaxIDBytes:    256,
	MaxVertices:   1_000_000,
	MaxFeatures:   100_000,
	MaxDepth:      64,
	MaxProperties: 10_000,
}

// unlimited stands for a negative (disabled) limit.
const unlimited = int(^uint(0) >> 1)

// resolved returns l with zero fields set to their defaults and negative
// ones to "no limit".
func (l Limits) resolved() Limits {
	pick := func(v, def int) int {
		switch {
		case v == 0:
			return def
		case v < 0:
			return unlimited
		}
		return v
	}
	out := Limits{
		MaxRatio:      pick(l.MaxRatio, DefaultLimits.MaxRatio),
		MaxLineBytes:  pick(l.MaxLineBytes, DefaultLimits.MaxLineBytes),
		MaxFieldBytes: pick(l.MaxFieldBytes, DefaultLimits.MaxFieldBytes),
		MaxIDBytes:    pick(l.MaxIDBytes, DefaultLimits.MaxIDBytes),
		MaxVertices:   pick(l.MaxVertices, DefaultLimits.MaxVertices),
		MaxFeatures:   pick(l.MaxFeatures, DefaultLimits.MaxFeatures),
		MaxDepth:      pick(l.MaxDepth, DefaultLimits.MaxDepth),
		MaxProperties: pick(l.MaxProperties, DefaultLimits.MaxProperties),
	}
	switch {
	case l.MaxInputBytes == 0:
		out.MaxInputBytes = DefaultLimits.MaxInputBytes
	case l.MaxInputBytes < 0:
		out.MaxInputBytes = int64(unlimited)
	default:
		out.MaxInputBytes = l.MaxInputBytes
	}
	return out
}

// limitError is a limit exceeded while reading; the readers turn it into a
// too-large problem that refuses the input.
type limitError struct{ msg string }

func (e *limitError) Error() string { return e.msg }

func tooLarge(format string, args ...any) *limitError {
	return &limitError{msg: fmt.Sprintf(format, args...)}
}

func asLimitErr(err error) (*limitError, bool) {
	var le *limitError
	ok := errors.As(err, &le)
	return le, ok
}

// ratioFloor is how much must be decompressed before the ratio is judged:
// the gzip header and a small file say nothing.
const ratioFloor = 1 << 20

// boundedReader refuses input beyond max bytes, and a decompression ratio
// above ratio once floor bytes have been read (compressed, nil for input
// that is not compressed, says how many compressed bytes were consumed).
// It fails before handing out the byte over the limit, so a reader
// downstream never holds more than max bytes. The compressed input is
// bounded by the same max: it is never smaller than what it decompresses to
// by much.
type boundedReader struct {
	r          io.Reader
	n, max     int64
	compressed func() int64
	ratio      int64
	floor      int64
	err        error // the limit error, once exceeded
}

func newBoundedReader(r io.Reader, lim Limits, compressed func() int64) *boundedReader {
	return &boundedReader{r: r, max: lim.MaxInputBytes, compressed: compressed, ratio: int64(lim.MaxRatio), floor: ratioFloor}
}

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.err != nil {
		// Sticky: bufio.Reader.Peek hands an error out once and forgets it.
		return 0, b.err
	}
	if b.n >= b.max {
		// Is there more? One byte tells a body of exactly max bytes from a
		// longer one.
		var one [1]byte
		n, err := b.r.Read(one[:])
		if n > 0 {
			b.err = tooLarge("input is larger than %s after decompression (the limit)", byteSize(b.max))
			return 0, b.err
		}
		return 0, err
	}
	if rest := b.max - b.n; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	if b.compressed != nil && b.n >= b.floor {
		if c := b.compressed(); c > 0 && b.n/c > b.ratio {
			b.err = tooLarge("gzip input expands more than %d× (%s from %s): refused as a decompression bomb",
				b.ratio, byteSize(b.n), byteSize(c))
			return 0, b.err
		}
	}
	return n, err
}

// byteSize renders a byte count for a message.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// excerptLen is how much of an input text a message quotes.
const excerptLen = 64

// excerpt returns s, or when s is longer than excerptLen bytes its first
// excerptLen bytes (cut at a rune boundary) and "…(N bytes)", so that an
// error never echoes a huge value.
func excerpt(s string) string {
	if len(s) <= excerptLen {
		return s
	}
	cut := excerptLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…(" + strconv.Itoa(len(s)) + " bytes)"
}

// Excerpt is excerpt, for messages outside the package that quote client
// input: at most 64 bytes of s, then "…(N bytes)".
func Excerpt(s string) string { return excerpt(s) }

// quoteExcerpt quotes s like strconv.Quote, or its first excerptLen bytes
// followed by "…(N bytes)" outside the quotes.
func quoteExcerpt(s string) string {
	if len(s) <= excerptLen {
		return strconv.Quote(s)
	}
	cut := excerptLen
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "…(" + strconv.Itoa(len(s)) + " bytes)"
}
