package sim

import (
	"bytes"
	"testing"
	"time"
)

var start = time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)

func generate(t testing.TB, cfg Config) *Fleet {
	t.Helper()
	w, err := DemoWorld()
	if err != nil {
		t.Fatal(err)
	}
	f, err := Generate(w, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestDemoWorldPorts(t *testing.T) {
	w, err := DemoWorld()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range w.Home {
		t.Logf("home port %q %v gate %v", p.Name, p.At, p.Gate)
	}
	if len(w.Home) < 3 || len(w.Ports) <= len(w.Home) {
		t.Fatalf("%d home ports of %d: want a few sea ports and the river ferries left out", len(w.Home), len(w.Ports))
	}
}

// TestDeterministic: the same seed gives the same bytes, another seed others.
func TestDeterministic(t *testing.T) {
	out := func(seed uint64) []byte {
		f := generate(t, Config{N: 12, Seed: seed, Start: start, Hours: 24, Events: true})
		var b bytes.Buffer
		for _, w := range []func(*bytes.Buffer) error{
			func(b *bytes.Buffer) error { return f.WritePositions(b) },
			func(b *bytes.Buffer) error { return f.WriteRegistry(b) },
			func(b *bytes.Buffer) error { return f.WriteTruth(b) }} {
			if err := w(&b); err != nil {
				t.Fatal(err)
			}
		}
		return b.Bytes()
	}
	a, b := out(7), out(7)
	if !bytes.Equal(a, b) {
		t.Fatal("seed 7 gave different bytes on two runs")
	}
	if bytes.Equal(a, out(8)) {
		t.Fatal("seeds 7 and 8 gave the same fleet")
	}
}

func BenchmarkGenerate40(b *testing.B) {
	w, err := DemoWorld()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Generate(w, Config{N: 40, Seed: 1, Start: start, Hours: 24, Events: true}); err != nil {
			b.Fatal(err)
		}
	}
}
