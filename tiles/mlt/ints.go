package mlt

import "encoding/binary"

// Integer streams are written with the cheapest of the techniques a
// stream allows, counted exactly before anything is written: plain
// varints, RLE (runs then values), delta (zig-zag varints of the
// differences) or delta then RLE (a sequence such as ascending ids with a
// constant step is two varints). All are physical varints.

// technique is a logical encoding of an unsigned integer stream.
type technique uint8

const (
	techPlain technique = 1 << iota
	techRLE
	techDelta
	techDeltaRLE
)

type unsigned interface{ ~uint8 | ~uint32 | ~uint64 }

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// delta returns the zig-zag difference of v from prev.
func delta[T unsigned](v, prev T) uint64 { return zigzag64(int64(uint64(v) - uint64(prev))) }

// intSizes returns the payload size of vs under each technique, and the
// number of runs of vs and of its deltas.
func intSizes[T unsigned](vs []T) (plain, rle, dlt, dltRLE, runs, dltRuns int) {
	var prev T
	var runV, dRunV uint64
	runLen, dRunLen := 0, 0
	for i, v := range vs {
		u, d := uint64(v), delta(v, prev)
		plain += uvarintLen(u)
		dlt += uvarintLen(d)
		if i > 0 && u == runV {
			runLen++
		} else {
			if runLen > 0 {
				rle += uvarintLen(uint64(runLen)) + uvarintLen(runV)
			}
			runs++
			runV, runLen = u, 1
		}
		if i > 0 && d == dRunV {
			dRunLen++
		} else {
			if dRunLen > 0 {
				dltRLE += uvarintLen(uint64(dRunLen)) + uvarintLen(dRunV)
			}
			dltRuns++
			dRunV, dRunLen = d, 1
		}
		prev = v
	}
	if runLen > 0 {
		rle += uvarintLen(uint64(runLen)) + uvarintLen(runV)
	}
	if dRunLen > 0 {
		dltRLE += uvarintLen(uint64(dRunLen)) + uvarintLen(dRunV)
	}
	// RLE metadata carries two more varints.
	rle += uvarintLen(uint64(runs)) + uvarintLen(uint64(len(vs)))
	dltRLE += uvarintLen(uint64(dltRuns)) + uvarintLen(uint64(len(vs)))
	return
}

// appendInts writes vs as one stream of the given physical and logical
// type with the smallest of the allowed techniques (plain when only one).
func appendInts[T unsigned](b []byte, kind, sub byte, vs []T, allow technique, scratch []byte) ([]byte, []byte) {
	best := techPlain
	if allow != techPlain {
		plain, rle, dlt, dltRLE, _, _ := intSizes(vs)
		size := plain
		for _, c := range [...]struct {
			t technique
			n int
		}{{techDelta, dlt}, {techRLE, rle}, {techDeltaRLE, dltRLE}} {
			if allow&c.t != 0 && c.n < size {
				best, size = c.t, c.n
			}
		}
	}
	return writeInts(b, kind, sub, vs, best, scratch)
}

// writeInts writes vs as one stream with technique t.
func writeInts[T unsigned](b []byte, kind, sub byte, vs []T, t technique, scratch []byte) ([]byte, []byte) {
	s := stream{kind: kind, sub: sub, phys: physVarint, numValues: len(vs)}
	p := scratch[:0]
	switch t {
	case techPlain:
		for _, v := range vs {
			p = binary.AppendUvarint(p, uint64(v))
		}
	case techDelta:
		s.log1 = logDelta
		var prev T
		for _, v := range vs {
			p = binary.AppendUvarint(p, delta(v, prev))
			prev = v
		}
	case techRLE:
		s.log1 = logRLE
		p, s.runs = appendRuns(p, vs, func(v, _ T) uint64 { return uint64(v) })
		s.numValues, s.rleValues = 2*s.runs, len(vs)
	case techDeltaRLE:
		s.log1, s.log2 = logDelta, logRLE
		p, s.runs = appendRuns(p, vs, delta[T])
		s.numValues, s.rleValues = 2*s.runs, len(vs)
	}
	return appendStream(b, s, p), p
}

// appendRuns writes the run lengths and then the run values of f(v, prev)
// over vs, and returns the number of runs.
func appendRuns[T unsigned](p []byte, vs []T, f func(v, prev T) uint64) ([]byte, int) {
	// Two passes over vs (lengths, then values) keep the layout without a
	// buffer of runs.
	var prev T
	runs := 0
	var cur uint64
	n := 0
	for i, v := range vs {
		x := f(v, prev)
		prev = v
		if i > 0 && x == cur {
			n++
			continue
		}
		if n > 0 {
			p = binary.AppendUvarint(p, uint64(n))
			runs++
		}
		cur, n = x, 1
	}
	if n > 0 {
		p = binary.AppendUvarint(p, uint64(n))
		runs++
	}
	prev, n = 0, 0
	for i, v := range vs {
		x := f(v, prev)
		prev = v
		if i > 0 && x == cur {
			continue
		}
		p = binary.AppendUvarint(p, x)
		cur = x
		n++
	}
	return p, runs
}
