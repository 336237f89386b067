package feeds

import (
	"bufio"
	"context"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// memSink collects what a feed delivers.
type memSink struct {
	mu   sync.Mutex
	ps   []Position
	os   []Observation
	vs   []Vessel
	fail error // returned by every call when set
}

func (s *memSink) Positions(_ context.Context, ps []Position) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.ps = append(s.ps, ps...)
	return nil
}

func (s *memSink) Observations(_ context.Context, os []Observation) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.os = append(s.os, os...)
	return nil
}

func (s *memSink) Vessels(_ context.Context, vs []Vessel) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	s.vs = append(s.vs, vs...)
	return nil
}

func runAISFile(t testing.TB, path string) (*AIS, *memSink) {
	t.Helper()
	a, err := NewAIS(AISConfig{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	if err := a.Run(context.Background(), sink); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return a, sink
}

// gpsdLine is one line of gpsd's unscaled pipe-separated decode (.chk).
type gpsdLine struct {
	typ  int
	f    []string
	line int
}

func readChk(t *testing.T, path string) []gpsdLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []gpsdLine
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		fs := strings.Split(sc.Text(), "|")
		typ, err := strconv.Atoi(fs[0])
		if err != nil {
			t.Fatalf("%s:%d: %v", path, n, err)
		}
		out = append(out, gpsdLine{typ, fs, n})
	}
	return out
}

func (g gpsdLine) num(t *testing.T, i int) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(g.f[i], 64)
	if err != nil {
		t.Fatalf("chk line %d field %d: %v", g.line, i, err)
	}
	return v
}

// expected returns what gpsd says of a position report: lon, lat, speed in
// knots and course in degrees, NaN where gpsd gives the "not available"
// value. Field positions and scales are those of gpsd's unscaled dump.
func (g gpsdLine) expected(t *testing.T) (mmsi string, lon, lat, sog, cog float64) {
	mmsi = strings.TrimLeft(g.f[2], "0")
	var iLon, iSpeed, iCourse int
	scale := 600000.0 // 1/10000 minute
	switch g.typ {
	case 1, 2, 3:
		iSpeed, iLon, iCourse = 5, 7, 9
	case 18, 19:
		iSpeed, iLon, iCourse = 4, 6, 8
	case 27:
		iLon, iSpeed, iCourse = 5, 7, 8
		scale = 600 // 1/10 minute
	}
	lon, lat = g.num(t, iLon)/scale, g.num(t, iLon+1)/scale
	sog, cog = g.num(t, iSpeed), g.num(t, iCourse)
	if g.typ == 27 {
		if sog == 63 {
			sog = math.NaN()
		}
		if cog == 511 {
			cog = math.NaN()
		}
		return
	}
	if sog == 1023 {
		sog = math.NaN()
	}
	if cog == 3600 {
		cog = math.NaN()
	}
	return mmsi, lon, lat, sog / 10, cog / 10
}

func sameFloat(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	return math.Abs(a-b) <= tol
}

// TestAISGolden: every position report gpsd decodes from its sample gives
// the same MMSI, position, speed and course here, in the same order; every
// static message the same name and length.
func TestAISGolden(t *testing.T) {
	a, sink := runAISFile(t, filepath.Join("testdata", "ais", "gpsd_sample.aivdm"))
	chk := readChk(t, filepath.Join("testdata", "ais", "gpsd_sample.aivdm.chk"))
	next, checked := 0, 0
	for _, g := range chk {
		switch g.typ {
		case 1, 2, 3, 18, 19, 27:
		default:
			continue
		}
		mmsi, lon, lat, sog, cog := g.expected(t)
		if lon == 181 || lat == 91 {
			continue // gpsd's "no position": we skip these (NoPosition)
		}
		// Our positions come in the same order; find the next with this MMSI.
		for next < len(sink.ps) && sink.ps[next].ID != "mmsi:"+mmsi {
			next++
		}
		if next == len(sink.ps) {
			t.Fatalf("chk line %d: type %d MMSI %s: no position decoded", g.line, g.typ, mmsi)
		}
		p := sink.ps[next]
		next++
		checked++
		if !sameFloat(p.Lon, lon, 1e-9) || !sameFloat(p.Lat, lat, 1e-9) {
			t.Errorf("chk line %d (%s): position %v,%v, gpsd %v,%v", g.line, mmsi, p.Lon, p.Lat, lon, lat)
		}
		if !sameFloat(p.SOG, sog, 1e-9) || !sameFloat(p.COG, cog, 1e-9) {
			t.Errorf("chk line %d (%s): sog/cog %v/%v, gpsd %v/%v", g.line, mmsi, p.SOG, p.COG, sog, cog)
		}
		if p.Source != "ais" {
			t.Errorf("source %q", p.Source)
		}
	}
	if checked == 0 {
		t.Error("no position report compared")
	}
	checkStatic(t, chk, sink.vs)
	st := a.Stats()
	t.Logf("compared %d positions; stats %+v", checked, st)
	if st.Malformed != 0 {
		t.Errorf("gpsd's sample has no malformed sentence, counted %d", st.Malformed)
	}
}

// checkStatic: for each type 5 and 24 line of gpsd, a Vessel with that
// MMSI, name and length (bow + stern) was delivered.
func checkStatic(t *testing.T, chk []gpsdLine, vs []Vessel) {
	t.Helper()
	n := 0
	for _, g := range chk {
		var name string
		var bow, stern float64
		switch g.typ {
		case 5:
			name, bow, stern = g.f[6], g.num(t, 8), g.num(t, 9)
		case 24:
			name, bow, stern = g.f[3], g.num(t, 9), g.num(t, 10)
		default:
			continue
		}
		n++
		mmsi := strings.TrimLeft(g.f[2], "0")
		var gotName, gotLen bool
		for _, v := range vs {
			if strconv.FormatUint(uint64(v.MMSI), 10) != mmsi || v.ID != "mmsi:"+mmsi {
				continue
			}
			gotName = gotName || v.Name == name
			if bow > 0 && stern > 0 {
				gotLen = gotLen || v.LengthM == bow+stern
			} else {
				gotLen = gotLen || v.LengthM == 0
			}
		}
		if !gotName || !gotLen {
			t.Errorf("chk line %d: MMSI %s %q length %v: name found %v, length found %v",
				g.line, mmsi, name, bow+stern, gotName, gotLen)
		}
	}
	if n == 0 {
		t.Error("no static message in the golden file")
	}
}

// TestAISSamples: the other real samples decode without a crash, and the
// counters add up against an independent count of the AIS lines.
func TestAISSamples(t *testing.T) {
	for _, name := range []string{"gpsd_ais-nmea.log", "goais_aistest.nmea", "pyais_nmea_data_sample.txt"} {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join("testdata", "ais", name)
			raw, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			lines, aisLines := 0, 0
			for _, l := range strings.Split(strings.TrimRight(string(raw), "\n"), "\n") {
				lines++
				if strings.Contains(l, "VDM,") || strings.Contains(l, "VDO,") {
					aisLines++
				}
			}
			a, sink := runAISFile(t, path)
			st := a.Stats()
			t.Logf("%d lines, %d AIS: %+v", lines, aisLines, st)
			if st.Lines != uint64(lines) {
				t.Errorf("lines %d, file has %d", st.Lines, lines)
			}
			if st.Sentences+st.Malformed != uint64(aisLines) {
				t.Errorf("sentences %d + malformed %d != %d AIS lines", st.Sentences, st.Malformed, aisLines)
			}
			if st.Positions == 0 || st.Positions != uint64(len(sink.ps)) {
				t.Errorf("positions counted %d, delivered %d", st.Positions, len(sink.ps))
			}
			for _, p := range sink.ps {
				if !(p.Lon >= -180 && p.Lon <= 180 && p.Lat >= -90 && p.Lat <= 90) || p.ID == "" {
					t.Fatalf("bad position %+v", p)
				}
			}
		})
	}
}

func TestAISTimes(t *testing.T) {
	_, sink := runAISFile(t, filepath.Join("testdata", "ais", "goais_aistest.nmea"))
	// The first line is stamped 1550303566167726840 ns.
	want := time.Unix(0, 1550303566167726840).UTC()
	if len(sink.ps) == 0 || !sink.ps[0].T.Equal(want) {
		t.Fatalf("first T %v, want %v", sink.ps[0].T, want)
	}
}
