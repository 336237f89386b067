package main

import (
	"encoding/binary"
	"slices"
	"testing"
	"time"

	"bando/layers"
)

// msg appends a length-delimited field.
func msg(b []byte, num int, data []byte) []byte {
	b = binary.AppendUvarint(b, uint64(num<<3|2))
	b = binary.AppendUvarint(b, uint64(len(data)))
	return append(b, data...)
}

func varint(b []byte, num int, v uint64) []byte {
	return binary.AppendUvarint(binary.AppendUvarint(b, uint64(num<<3)), v)
}

// TestCountFeatures counts features in hand-built tiles with layers of
// several sizes, fields of every wire type, and truncated input.
func TestCountFeatures(t *testing.T) {
	layer := func(name string, n int) []byte {
		var l []byte
		l = varint(l, 15, 2)
		l = msg(l, 1, []byte(name))
		for i := range n {
			var f []byte
			f = varint(f, 1, uint64(i))
			f = varint(f, 3, 1)
			f = msg(f, 4, []byte{9, 2, 2})
			l = msg(l, 2, f)
		}
		l = msg(l, 3, []byte("key"))
		return varint(l, 5, 4096)
	}
	for _, n := range []int{0, 1, 7, 300} {
		var tile []byte
		tile = msg(tile, 3, layer("a", n))
		tile = msg(tile, 3, layer("b", 1))
		got, err := countFeatures(tile)
		if err != nil || got != n+1 {
			t.Errorf("%d+1 features: counted %d (%v)", n, got, err)
		}
		if _, err := countFeatures(tile[:len(tile)-1]); err == nil {
			t.Errorf("truncated tile of %d features: no error", n)
		}
	}
	fixed := binary.LittleEndian.AppendUint64(binary.AppendUvarint(nil, 7<<3|1), 1)
	if got, err := countFeatures(append(fixed, msg(nil, 3, layer("c", 2))...)); err != nil || got != 2 {
		t.Errorf("with a fixed64 field: %d (%v)", got, err)
	}
}

func TestStats(t *testing.T) {
	s := &side{phases: []phase{
		{n: 100, elapsed: time.Second, lat: []time.Duration{1, 2, 3, 4, 100}},
		{n: 300, elapsed: time.Second, lat: []time.Duration{5}},
		{n: 200, elapsed: time.Second},
	}}
	if r := s.medianRate(); r != 200 {
		t.Errorf("median rate %v, want 200", r)
	}
	if p := s.pct(0.99); p != 100 {
		t.Errorf("p99 %v, want 100", p)
	}
	o := &side{phases: []phase{{n: 50, elapsed: time.Second}, {n: 100, elapsed: time.Second}, {n: 400, elapsed: time.Second}}}
	if r := median(ratios(s, o)); r != 2 {
		t.Errorf("median ratio %v, want 2 (ratios %v)", r, ratios(s, o))
	}
}

func TestSampleTiles(t *testing.T) {
	l := &layers.Layer{ID: "p", Zoom: layers.Zoom{Min: 14, Max: 18}}
	ds := &dataset{layers: []*layers.Layer{l}, centres: map[string][][2]float64{"p": {{106.7, 10.8}, {106.6, 10.7}, {106.8, 10.9}}}}
	a, b := sampleTiles(ds, 12, 16, 20, 0, 1), sampleTiles(ds, 12, 16, 20, 0, 1)
	if len(a) == 0 || !slices.Equal(a, b) {
		t.Fatalf("not deterministic: %v vs %v", a, b)
	}
	for _, tt := range a {
		if tt.z < 14 || tt.z > 16 {
			t.Errorf("tile %s outside z14–16 (layer min 14, asked 12–16)", tt.path())
		}
		holds := false
		for _, c := range ds.centres["p"] {
			x, y := tileOf(c[0], c[1], tt.z)
			holds = holds || x == tt.x && y == tt.y
		}
		if !holds {
			t.Errorf("tile %s holds no centre", tt.path())
		}
	}
	if x, y := tileOf(0, 0, 1); x != 1 || y != 1 {
		t.Errorf("tileOf(0,0,1) = %d,%d, want 1,1", x, y)
	}
}
