package feeds

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"bando/ingest"
)

func TestParsePositions(t *testing.T) {
	body := strings.Join([]string{
		`{"id":"VN-1","t":"2026-03-01T00:00:00Z","lon":107.5,"lat":10.2,"sog":7.5,"cog":90,"source":"vms"}`,
		``,
		`{"id":"VN-2","t":"2026-03-01T00:00:00+07:00","lon":107.5,"lat":10.2}`,
		`{"t":"2026-03-01T00:00:00Z","lon":1,"lat":2}`,
		`{"id":"VN-3","t":"yesterday","lon":1,"lat":2}`,
		`{"id":"VN-4","t":"2026-03-01T00:00:00Z","lon":200,"lat":2}`,
		`{"id":"VN-5","t":"2026-03-01T00:00:00Z","lon":1,"lat":2,"source":"radio"}`,
		`not json`,
		`{"id":"VN-6","t":"2026-03-01T00:00:00Z","lat":2}`,
	}, "\n")
	ps, rep, err := ParsePositions([]byte(body), ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Read != 8 || rep.Accepted != 2 || len(ps) != 2 {
		t.Fatalf("read %d accepted %d (%d), want 8 and 2", rep.Read, rep.Accepted, len(ps))
	}
	if p := ps[0]; p.ID != "VN-1" || p.SOG != 7.5 || p.COG != 90 || p.Source != "vms" || !p.T.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("first = %+v", p)
	}
	if p := ps[1]; !math.IsNaN(p.SOG) || !math.IsNaN(p.COG) || p.Source != "gps" || p.T.Hour() != 17 || p.T.Location() != time.UTC {
		t.Errorf("second = %+v (sog/cog unknown, default source, UTC)", p)
	}
	want := []struct {
		line      int
		rule, fld string
	}{
		{4, ingest.RuleMissingID, "id"}, {5, ingest.RuleType, "t"}, {6, ingest.RuleRange, "lon"},
		{7, ingest.RuleType, "source"}, {8, ingest.RuleJSON, ""}, {9, ingest.RuleCoordinate, "lon"},
	}
	if len(rep.Rejected) != len(want) {
		t.Fatalf("rejected %+v", rep.Rejected)
	}
	for i, w := range want {
		if p := rep.Rejected[i]; p.Line != w.line || p.Rule != w.rule || p.Field != w.fld {
			t.Errorf("problem %d = %+v, want line %d rule %s field %q", i, p, w.line, w.rule, w.fld)
		}
	}
}

func TestParseLimits(t *testing.T) {
	line := `{"id":"a","t":"2026-03-01T00:00:00Z","lon":1,"lat":2}` + "\n"
	_, _, err := ParsePositions([]byte(strings.Repeat(line, 3)), ingest.Limits{MaxFeatures: 2})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("3 lines over a limit of 2: %v", err)
	}
	_, _, err = ParsePositions([]byte(line), ingest.Limits{MaxInputBytes: 10})
	if !errors.Is(err, ErrTooLarge) {
		t.Errorf("body over the byte limit: %v", err)
	}
	_, rep, _ := ParsePositions([]byte(`{"id":"`+strings.Repeat("x", 300)+`","t":"2026-03-01T00:00:00Z","lon":1,"lat":2}`), ingest.Limits{})
	if rep.Accepted != 0 || len(rep.Rejected) != 1 || rep.Rejected[0].Rule != ingest.RuleTooLarge {
		t.Errorf("long id: %+v", rep)
	}
}

func TestParseObservations(t *testing.T) {
	body := `{"sensor":"hn-01","quantity":"pm25","t":"2026-03-01T01:00:00Z","value":42.5,"unit":"µg/m³"}
{"sensor":"hn-01","quantity":"pm25","t":"2026-03-01T01:00:00Z"}
{"quantity":"pm25","t":"2026-03-01T01:00:00Z","value":1}`
	os, rep, err := ParseObservations([]byte(body), ingest.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if len(os) != 1 || os[0].Value != 42.5 || os[0].Unit != "µg/m³" || os[0].Quantity != "pm25" {
		t.Fatalf("observations %+v", os)
	}
	if len(rep.Rejected) != 2 || rep.Rejected[0].Field != "value" || rep.Rejected[1].Rule != ingest.RuleMissingID {
		t.Fatalf("rejected %+v", rep.Rejected)
	}
}

// FuzzParsePositions checks that any body parses without panicking, that
// every line is either accepted or rejected, and that what is accepted is
// a valid position.
func FuzzParsePositions(f *testing.F) {
	f.Add([]byte(`{"id":"VN-1","t":"2026-03-01T00:00:00Z","lon":107.5,"lat":10.2,"sog":7.5,"cog":90,"source":"vms"}`))
	f.Add([]byte("{\"id\":\"a\"}\n\n{}\nnull\n[1,2]\n{\"id\":1}"))
	f.Add([]byte(`{"sensor":"s","quantity":"pm25","t":"2026-03-01T00:00:00Z","value":1}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		ps, rep, err := ParsePositions(body, ingest.Limits{MaxFeatures: 1000})
		if err != nil {
			return
		}
		if rep.Accepted+len(rep.Rejected)+rep.RejectedOmitted != rep.Read || len(ps) != rep.Accepted {
			t.Fatalf("report does not add up: %+v, %d positions", rep, len(ps))
		}
		for _, p := range ps {
			if p.ID == "" || p.Lon < -180 || p.Lon > 180 || p.Lat < -90 || p.Lat > 90 || p.T.IsZero() {
				t.Fatalf("accepted an invalid position %+v", p)
			}
		}
		os, orep, err := ParseObservations(body, ingest.Limits{MaxFeatures: 1000})
		if err == nil && (len(os) != orep.Accepted || orep.Accepted+len(orep.Rejected) != orep.Read) {
			t.Fatalf("observation report does not add up: %+v", orep)
		}
	})
}

// FuzzFlatJSON checks the fast path against encoding/json: whenever the
// fast path takes a line, encoding/json reads the same values from it.
func FuzzFlatJSON(f *testing.F) {
	f.Add([]byte(`{"id":"VN-1","t":"2026-03-01T00:00:00Z","lon":107.5,"lat":10.2,"sog":7.5,"cog":90,"source":"vms"}`))
	f.Add([]byte(`{"ID":"x","lon":-0.0e+1,"lat":null,"extra":"é"}`))
	f.Add([]byte(`{"sensor":"s","quantity":"pm25","t":"x","value":1e400}`))
	f.Add([]byte(` { } `))
	f.Fuzz(func(t *testing.T, line []byte) {
		var fast, slow positionLine
		if fastPosition(line, &fast) {
			if err := json.Unmarshal(line, &slow); err != nil {
				t.Fatalf("fast path took %q, encoding/json refuses it: %v", line, err)
			}
			a, _ := json.Marshal(fast)
			b, _ := json.Marshal(slow)
			if string(a) != string(b) {
				t.Fatalf("%q: fast %s, encoding/json %s", line, a, b)
			}
		}
		var fo, so observationLine
		if fastObservation(line, &fo) {
			if err := json.Unmarshal(line, &so); err != nil {
				t.Fatalf("fast path took %q, encoding/json refuses it: %v", line, err)
			}
			a, _ := json.Marshal(fo)
			b, _ := json.Marshal(so)
			if string(a) != string(b) {
				t.Fatalf("%q: fast %s, encoding/json %s", line, a, b)
			}
		}
	})
}

func BenchmarkParsePositions(b *testing.B) {
	var sb strings.Builder
	for i := range 1000 {
		sb.WriteString(`{"id":"VN-` + strings.Repeat("1", i%5+1) + `","t":"2026-03-01T00:00:00Z","lon":107.512345,"lat":10.212345,"sog":7.5,"cog":90.1,"source":"ais"}` + "\n")
	}
	body := []byte(sb.String())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		if _, rep, err := ParsePositions(body, ingest.Limits{}); err != nil || rep.Accepted != 1000 {
			b.Fatal(err, rep.Accepted)
		}
	}
}
