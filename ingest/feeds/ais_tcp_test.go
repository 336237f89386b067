package feeds

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestAISTCP: the feed reads a TCP source, reconnects after the server
// closes the connection, and stops when ctx ends.
func TestAISTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	lines := []string{
		"!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\r\n",
		"!AIVDM,1,1,,A,16SteH0P00Jt63hHaa6SagvJ087r,0*42\r\n",
	}
	go func() {
		for _, l := range lines { // one sentence per connection, then hang up
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("garbage\r\n!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4B\r\n" + l))
			c.Close()
		}
	}()
	a, err := NewAIS(AISConfig{Address: ln.Addr().String(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx, sink) }()
	deadline := time.Now().Add(20 * time.Second)
	for a.Stats().Positions < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("Run returned %v, want context.Canceled", err)
	}
	st := a.Stats()
	if st.Positions != 2 || st.Connects < 2 || st.Malformed != 2 {
		t.Fatalf("stats %+v: want 2 positions over ≥ 2 connections, 2 bad checksums", st)
	}
	if sink.ps[0].ID != "mmsi:371798000" || sink.ps[1].ID != "mmsi:440348000" {
		t.Errorf("ids %s %s", sink.ps[0].ID, sink.ps[1].ID)
	}
}

func TestAISRegistry(t *testing.T) {
	path := filepath.Join(t.TempDir(), "one.nmea")
	os.WriteFile(path, []byte("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n"), 0o644)
	a, _ := NewAIS(AISConfig{Path: path, Registry: func(m uint32) (string, bool) {
		return "BV-" + strconv.Itoa(int(m)), m == 371798000
	}})
	sink := &memSink{}
	if err := a.Run(context.Background(), sink); err != nil {
		t.Fatal(err)
	}
	if len(sink.ps) != 1 || sink.ps[0].ID != "BV-371798000" {
		t.Fatalf("positions %+v", sink.ps)
	}
}

// BenchmarkAISDecode: sentences decoded per second over gpsd's sample
// (all 26 message types, multi-part ones included).
func BenchmarkAISDecode(b *testing.B) {
	raw, err := os.ReadFile(filepath.Join("testdata", "ais", "gpsd_sample.aivdm"))
	if err != nil {
		b.Fatal(err)
	}
	var lines []string
	for _, l := range strings.Split(string(raw), "\n") {
		if strings.HasPrefix(l, "!") {
			lines = append(lines, l)
		}
	}
	a, _ := NewAIS(AISConfig{Path: "-"})
	d := newAISDecoder(a)
	now := time.Now()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, l := range lines {
			d.line(l, now)
		}
		d.ps, d.vs = d.ps[:0], d.vs[:0]
	}
	b.ReportMetric(float64(b.N*len(lines))/b.Elapsed().Seconds(), "sentences/s")
}
