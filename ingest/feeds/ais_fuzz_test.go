package feeds

import (
	"bufio"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzAIS: any bytes decode without a panic; every position is on the
// globe and every counter adds up.
func FuzzAIS(f *testing.F) {
	for _, name := range []string{"gpsd_sample.aivdm", "pyais_nmea_data_sample.txt"} {
		raw, err := os.ReadFile(filepath.Join("testdata", "ais", name))
		if err != nil {
			f.Fatal(err)
		}
		lines := strings.Split(string(raw), "\n")
		for i := 0; i+3 < len(lines) && i < 120; i += 3 {
			f.Add(strings.Join(lines[i:i+3], "\n"))
		}
	}
	f.Add("!AIVDM,2,1,3,B,55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp8,0*1C\n!AIVDM,2,2,3,B,88888888880,2*25\n")
	f.Add(`\c:1241544035*hh\!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A`)
	f.Fuzz(func(t *testing.T, text string) {
		a, _ := NewAIS(AISConfig{Path: "-"})
		sink := &memSink{}
		if err := a.read(context.Background(), bufio.NewReader(strings.NewReader(text)), sink); err != nil {
			t.Fatal(err)
		}
		for _, p := range sink.ps {
			if !(p.Lon >= -180 && p.Lon <= 180 && p.Lat >= -90 && p.Lat <= 90) || !strings.HasPrefix(p.ID, "mmsi:") {
				t.Fatalf("bad position %+v", p)
			}
		}
		st := a.Stats()
		if st.Positions != uint64(len(sink.ps)) || st.Vessels != uint64(len(sink.vs)) ||
			st.Messages > st.Sentences || st.Sentences+st.Malformed > st.Lines {
			t.Fatalf("stats %+v, %d positions %d vessels", st, len(sink.ps), len(sink.vs))
		}
	})
}

// TestAISAssembler: fragments join by id and channel, out of order too;
// a stale or displaced fragment is counted and dropped.
func TestAISAssembler(t *testing.T) {
	t0 := time.Unix(0, 0)
	a := newAssembler(2, time.Minute)
	frag := func(seq, ch string, num, total int, payload string) vdm {
		return vdm{seq: seq, channel: ch, num: num, total: total, payload: payload}
	}
	if _, _, _, ok := a.add(frag("1", "A", 2, 2, "b"), t0); ok {
		t.Fatal("half a message came out")
	}
	if _, _, _, ok := a.add(frag("1", "B", 1, 2, "x"), t0); ok { // other channel
		t.Fatal("fragments of different channels joined")
	}
	p, _, _, ok := a.add(frag("1", "A", 1, 2, "a"), t0)
	if !ok || p != "ab" {
		t.Fatalf("got %q %v, want ab", p, ok)
	}
	// The buffer holds 2: a third pending message evicts the oldest (1/B).
	a.add(frag("2", "A", 1, 2, "c"), t0)
	a.add(frag("3", "A", 1, 2, "e"), t0)
	if a.dropped != 1 {
		t.Fatalf("dropped %d, want 1", a.dropped)
	}
	if _, _, _, ok := a.add(frag("1", "B", 2, 2, "y"), t0); ok {
		t.Fatal("an evicted message completed")
	}
	// Everything pending is older than the timeout a minute later.
	if _, _, _, ok := a.add(frag("2", "A", 2, 2, "d"), t0.Add(2*time.Minute)); ok {
		t.Fatal("a timed-out message completed")
	}
	if a.dropped != 4 { // 1/B, then 2/A, 3/A and the 1/B of just now expired
		t.Fatalf("dropped %d, want 4", a.dropped)
	}
}

// FuzzAISPayload fuzzes the payload behind a valid checksum, where the
// decoder (go-ais) is reached; FuzzAIS rarely gets past the checksum.
func FuzzAISPayload(f *testing.F) {
	f.Add("15RTgt0PAso;90TKcjM8h6g208CQ", uint8(0))
	f.Add("55?MbV02;H;s<HtKR20EHE:0@T4@Dn2222222216L961O5Gf0NSQEp6ClRp888888888880", uint8(2))
	f.Add("B39H9GP0;@H136UI3ijEowU5oP06", uint8(0))
	f.Add("H42O55i18tMET00000000000000", uint8(2))
	f.Add("I>0l=kH0@D9e", uint8(4))
	f.Fuzz(func(t *testing.T, payload string, fill uint8) {
		body := "AIVDM,1,1,,A," + payload + "," + strconv.Itoa(int(fill%6))
		line := "!" + body + "*" + strings.ToUpper(strconv.FormatUint(uint64(checksum(body))|0x100, 16)[1:])
		a, _ := NewAIS(AISConfig{Path: "-"})
		sink := &memSink{}
		if err := a.read(context.Background(), strings.NewReader(line+"\n"), sink); err != nil {
			t.Fatal(err)
		}
		for _, p := range sink.ps {
			if !(p.Lon >= -180 && p.Lon <= 180 && p.Lat >= -90 && p.Lat <= 90) ||
				p.SOG < 0 || p.SOG > 102.2 || p.COG < 0 || p.COG >= 360 {
				t.Fatalf("bad position %+v from %q", p, line)
			}
		}
		if st := a.Stats(); armoured(payload) && !strings.ContainsAny(payload, ",*!\\\n\r") && st.Sentences != 1 {
			t.Fatalf("%q: stats %+v", line, st)
		}
	})
}
