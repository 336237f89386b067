package feeds

import (
	"bufio"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readVMS(t testing.TB, format, text string) (*VMS, []Position, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vms")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	v, err := NewVMS(VMSConfig{Path: path, Format: format})
	if err != nil {
		t.Fatal(err)
	}
	sink := &memSink{}
	err = v.Run(context.Background(), sink)
	return v, sink.ps, err
}

func TestVMSFormats(t *testing.T) {
	want := Position{ID: "BV-12345-TS", T: time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC),
		Lon: 107.1, Lat: 10.2, SOG: 5.5, COG: 90, Source: "vms"}
	cases := []struct{ name, format, text string }{
		{"csv", "", "registration,time,lon,lat,speed,course\nBV-12345-TS,2025-07-01T08:00:00+07:00,107.1,10.2,5.5,90\n"},
		{"csv aliases and local time", "csv", "So_Dang_Ky;Thoi gian;Kinh do;Vi do;SOG;COG\nBV-12345-TS;2025-07-01 08:00:00;107,1;10,2;5,5;90\n"},
		{"csv tab, day first", "", "Vessel ID\tTimestamp\tLongitude\tLatitude\tSpeed\tHeading\nBV-12345-TS\t01/07/2025 08:00\t107.1\t10.2\t5.5\t90\n"},
		{"csv UTC, BOM, extra column", "", "\ufeffreg,extra,t,lng,lat,speed_kn,course\nBV-12345-TS,x,2025-07-01T01:00:00Z,107.1,10.2,5.5,90\n"},
		{"csv unix seconds", "", "id,ts,x,y,sog,cog\nBV-12345-TS,1751331600,107.1,10.2,5.5,90\n"},
		{"json array", "", `[{"registration":"BV-12345-TS","time":"2025-07-01T08:00:00+07:00","lon":107.1,"lat":10.2,"speed":5.5,"course":90}]`},
		{"ndjson strings", "json", `{"Reg No":"BV-12345-TS","datetime":"2025-07-01 08:00","longitude":"107.1","latitude":"10.2","sog":"5.5","cog":"90"}` + "\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, ps, err := readVMS(t, c.format, c.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(ps) != 1 {
				t.Fatalf("%d positions, stats %+v", len(ps), v.Stats())
			}
			if got := ps[0]; got != want {
				t.Errorf("got %+v\nwant %+v", got, want)
			}
		})
	}
}

func TestVMSBadRows(t *testing.T) {
	text := "registration,time,lon,lat,speed,course\n" +
		"A,2025-07-01 08:00,107,10,,\n" + // speed and course missing: NaN
		"B,yesterday,107,10,1,1\n" + // bad time
		"C,2025-07-01 08:00,190,10,1,1\n" + // lon off the globe
		",2025-07-01 08:00,107,10,1,1\n" + // no registration
		"D,2025-07-01 08:00,107,10,1\n" + // short row: course empty
		"E,2025-07-01 08:00,107,10,1,400\n" // course beyond 360
	v, ps, err := readVMS(t, "", text)
	if err != nil {
		t.Fatal(err)
	}
	st := v.Stats()
	if st.Rows != 6 || st.Bad != 4 || st.Positions != 2 || len(ps) != 2 {
		t.Fatalf("stats %+v, %d positions", st, len(ps))
	}
	if !strings.Contains(st.FirstError, "line 3") || !strings.Contains(st.FirstError, "yesterday") {
		t.Errorf("first error %q does not name line 3 and the time", st.FirstError)
	}
	if !math.IsNaN(ps[0].SOG) || !math.IsNaN(ps[0].COG) || ps[1].ID != "D" || !math.IsNaN(ps[1].COG) {
		t.Errorf("positions %+v", ps)
	}
}

func TestVMSHeaderError(t *testing.T) {
	_, _, err := readVMS(t, "", "name,when,lon,lat\nA,2025-07-01,1,2\n")
	if err == nil || !strings.Contains(err.Error(), "registration") {
		t.Fatalf("err %v, want one naming the missing registration column", err)
	}
	_, _, err = readVMS(t, "", `[{"registration":"A","time":"2025-07-01","lon":1,"lat":2}, {`)
	if err == nil || !strings.Contains(err.Error(), "record 2") {
		t.Fatalf("err %v, want one naming record 2", err)
	}
}

func TestVMSTimeZone(t *testing.T) {
	cases := map[string]time.Time{
		"2025-07-01 08:00":          time.Date(2025, 7, 1, 1, 0, 0, 0, time.UTC),
		"2025-07-01T08:00:00.5":     time.Date(2025, 7, 1, 1, 0, 0, 5e8, time.UTC),
		"01/07/2025 08:00:30":       time.Date(2025, 7, 1, 1, 0, 30, 0, time.UTC),
		"2025-07-01 08:00:00 +0000": time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC),
		"2025-07-01T08:00:00Z":      time.Date(2025, 7, 1, 8, 0, 0, 0, time.UTC),
		"2025-07-01":                time.Date(2025, 6, 30, 17, 0, 0, 0, time.UTC),
	}
	for in, want := range cases {
		got, err := parseVMSTime(in, Vietnam)
		if err != nil || !got.Equal(want) {
			t.Errorf("%q: %v %v, want %v", in, got, err, want)
		}
	}
}

// FuzzVMS: any input either fails cleanly or gives positions with an id,
// a time, and lon/lat on the globe; never a panic.
func FuzzVMS(f *testing.F) {
	f.Add("registration,time,lon,lat,speed,course\nA,2025-07-01 08:00,107,10,1,2\n")
	f.Add(`[{"id":"A","t":"2025-07-01T08:00:00Z","x":1,"y":2}]`)
	f.Add(`{"id":"A","t":1751331600,"lon":"1,5","lat":2}` + "\n" + `{"id":null}`)
	f.Add("reg;ts;lng;lat\n\"A;\"\"\";01/07/2025;1;2\n")
	f.Fuzz(func(t *testing.T, text string) {
		v, _ := NewVMS(VMSConfig{Path: "-"})
		sink := &memSink{}
		br := bufio.NewReader(strings.NewReader(text))
		_ = v.read(context.Background(), br, sink)
		for _, p := range sink.ps {
			if p.ID == "" || p.T.IsZero() || !(p.Lon >= -180 && p.Lon <= 180 && p.Lat >= -90 && p.Lat <= 90) {
				t.Fatalf("bad position %+v", p)
			}
		}
		if st := v.Stats(); st.Positions != uint64(len(sink.ps)) || st.Rows < st.Positions+st.Bad {
			t.Fatalf("stats %+v with %d positions", st, len(sink.ps))
		}
	})
}

// BenchmarkVMSCSV: rows parsed per second, local times and decimal commas
// included.
func BenchmarkVMSCSV(b *testing.B) {
	var sb strings.Builder
	sb.WriteString("So_Dang_Ky;Thoi gian;Kinh do;Vi do;SOG;COG\n")
	for i := 0; i < 10000; i++ {
		sb.WriteString("BV-12345-TS;2025-07-01 08:00:00;107,1;10,2;5,5;90\n")
	}
	text := sb.String()
	b.ReportAllocs()
	b.SetBytes(int64(len(text)))
	for i := 0; i < b.N; i++ {
		v, _ := NewVMS(VMSConfig{Path: "-"})
		if err := v.read(context.Background(), strings.NewReader(text), discard{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*10000)/b.Elapsed().Seconds(), "rows/s")
}

// discard is a sink that keeps nothing.
type discard struct{}

func (discard) Positions(context.Context, []Position) error       { return nil }
func (discard) Observations(context.Context, []Observation) error { return nil }
func (discard) Vessels(context.Context, []Vessel) error           { return nil }
