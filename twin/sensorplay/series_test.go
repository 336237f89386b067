package sensorplay

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"bando/ingest/feeds"
)

func TestHanoi2018(t *testing.T) {
	s, err := Hanoi2018()
	if err != nil {
		t.Fatal(err)
	}
	// The source file has 7,998 valid hours of 2018, one of them in 2019.
	if s.Len() < 7900 || s.Len() > 8760 {
		t.Fatalf("%d hours, want the year's valid ones", s.Len())
	}
	ict := time.FixedZone("ICT", 7*3600)
	for _, c := range []struct {
		at   time.Time
		want float64
	}{
		// The first lines of the file (2018-01-01 01:00 and 02:00 local).
		{time.Date(2026, 1, 1, 1, 30, 0, 0, ict), 69.2},
		{time.Date(2026, 1, 1, 2, 0, 0, 0, ict), 75.5},
		{time.Date(2025, 12, 31, 19, 0, 0, 0, time.UTC), 75.5}, // the same hour in UTC
	} {
		if v, ok := s.At(c.at); !ok || v != c.want {
			t.Errorf("At(%s) = %v %v, want %v", c.at, v, ok, c.want)
		}
	}
	if _, ok := s.At(time.Date(2028, 2, 29, 12, 0, 0, 0, ict)); !ok {
		if _, ok28 := s.At(time.Date(2028, 2, 28, 12, 0, 0, 0, ict)); ok28 {
			t.Error("29 February should take 28 February's value")
		}
	}
}

func TestParse(t *testing.T) {
	for _, c := range []struct {
		in   string
		n    int
		fail bool
	}{
		{"2018-01-01T01:00:00+07:00,1.5\n2018-01-01T02:00:00+07:00,2\n", 2, false},
		{"2018-01-01T01:00:00+07:00,1.5\n2019-01-01T00:00:00+07:00,3\n", 1, false},
		{"2018-01-01T01:00:00+07:00\n", 0, true},
		{"2018-01-01 01:00,1\n", 0, true},
		{"2018-01-01T01:00:00+07:00,-999\n", 0, true},
		{"2018-01-01T01:00:00+07:00,NaN\n", 0, true},
		{"", 0, true},
	} {
		s, err := Parse(strings.NewReader(c.in), 2018)
		if (err != nil) != c.fail || err == nil && s.Len() != c.n {
			t.Errorf("Parse(%q): %v, err %v; want %d hours, fail %v", c.in, s, err, c.n, c.fail)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add("2018-01-01T01:00:00+07:00,69.2\n2018-01-01T02:00:00+07:00,75.5\n")
	f.Add("2018-02-28T23:00:00Z,1e3\n")
	f.Fuzz(func(t *testing.T, in string) {
		s, err := Parse(strings.NewReader(in), 2018)
		if err != nil {
			return
		}
		for h := range s.hours {
			if h < 0 || h >= 366*24 {
				t.Fatalf("hour key %d out of the year", h)
			}
		}
	})
}

type obsSink struct {
	mu sync.Mutex
	os []feeds.Observation
}

func (s *obsSink) Positions(context.Context, []feeds.Position) error { return nil }
func (s *obsSink) Vessels(context.Context, []feeds.Vessel) error     { return nil }
func (s *obsSink) Observations(_ context.Context, os []feeds.Observation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.os = append(s.os, os...)
	return nil
}

// TestPlayer: the warm-up hours at once, then each hour once the clock
// reaches it, with the series' value of that hour, labelled a replay.
func TestPlayer(t *testing.T) {
	s, err := Hanoi2018()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 5, 30, 0, 0, time.UTC)
	sink := &obsSink{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- Player{Series: s, Sensor: "x", Quantity: "pm25", Unit: "µg/m³", Warm: 3 * time.Hour, Tick: time.Millisecond,
			Now: func() time.Time { mu.Lock(); defer mu.Unlock(); return now }}.Run(ctx, sink)
	}()
	count := func() int { sink.mu.Lock(); defer sink.mu.Unlock(); return len(sink.os) }
	waitFor := func(n int) {
		for deadline := time.Now().Add(10 * time.Second); count() < n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d observations, want %d", count(), n)
			}
		}
		time.Sleep(20 * time.Millisecond) // and no more
	}
	waitFor(3) // 03:00, 04:00, 05:00
	mu.Lock()
	now = now.Add(40 * time.Minute) // 06:10: one more hour
	mu.Unlock()
	waitFor(4)
	cancel()
	<-done
	if count() != 4 {
		t.Fatalf("%d observations, want 4", count())
	}
	for i, o := range sink.os {
		at := time.Date(2026, 1, 1, 3+i, 0, 0, 0, time.UTC)
		want, _ := s.At(at)
		if !o.T.Equal(at) || o.Value != want || o.Source != Source || o.Sensor != "x" {
			t.Errorf("observation %d: %+v, want %s = %v from the replay", i, o, at, want)
		}
	}
}
