// Package sensorplay replays a real, recorded sensor series into the live
// twin on the wall clock — the demo's live sensors. Each hour of today is
// given the value recorded at the same hour of the same day of the
// series' year; every observation is labelled as a replay (its sensor id
// and its source say so), never as a live measurement.
package sensorplay

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"time"

	"bando/data"
)

// Series is one hourly series of one recorded year, keyed by the hour of
// the year in its local time.
type Series struct {
	Year  int
	Zone  *time.Location
	hours map[int]float64 // (yday-1)*24 + hour → value
}

// Hanoi2018File is the demo's recorded series: U.S. Embassy Hà Nội PM2.5,
// 2018, valid hourly raw concentrations in µg/m³ (data/prep/pm25.sh).
const Hanoi2018File = "hanoi_pm25_2018.csv.gz"

// Hanoi2018 reads the demo's Hà Nội PM2.5 series.
func Hanoi2018() (*Series, error) {
	b, err := fs.ReadFile(data.Demo(), Hanoi2018File)
	if err != nil {
		return nil, fmt.Errorf("sensorplay: %w", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("sensorplay: %s: %w", Hanoi2018File, err)
	}
	return Parse(zr, 2018)
}

// Parse reads "RFC 3339 time,value" lines, keeping those of year (in each
// line's own offset) and refusing a malformed one.
func Parse(r io.Reader, year int) (*Series, error) {
	s := &Series{Year: year, hours: map[int]float64{}}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		ts, vs, ok := bytes.Cut(line, []byte(","))
		if !ok {
			return nil, fmt.Errorf("sensorplay: line %d: want time,value", n)
		}
		t, err := time.Parse(time.RFC3339, string(ts))
		if err != nil {
			return nil, fmt.Errorf("sensorplay: line %d: %w", n, err)
		}
		v, err := strconv.ParseFloat(string(vs), 64)
		if err != nil || v != v || v < 0 {
			return nil, fmt.Errorf("sensorplay: line %d: value %q is not a concentration", n, vs)
		}
		if s.Zone == nil {
			s.Zone = t.Location()
		}
		if t = t.In(s.Zone); t.Year() == year {
			s.hours[key(t)] = v
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("sensorplay: %w", err)
	}
	if len(s.hours) == 0 {
		return nil, errors.New("sensorplay: no values of the series' year")
	}
	return s, nil
}

func key(t time.Time) int { return (t.YearDay()-1)*24 + t.Hour() }

// Len is the number of recorded hours.
func (s *Series) Len() int { return len(s.hours) }

// At is the value recorded at the hour of t's month, day and hour (in the
// series' zone) in the series' year; 29 February takes 28 February's. ok
// is false for an hour the series did not record (a gap in the original).
func (s *Series) At(t time.Time) (v float64, ok bool) {
	t = t.In(s.Zone)
	m, d := t.Month(), t.Day()
	if m == time.February && d == 29 {
		d = 28
	}
	r := time.Date(s.Year, m, d, t.Hour(), 0, 0, 0, s.Zone)
	v, ok = s.hours[key(r)]
	return v, ok
}
