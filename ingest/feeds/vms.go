package feeds

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"
)

// VMSConfig configures a VMS file feed: the positions a vessel monitoring
// system exports, one row per fix (registration, time, lon, lat, speed,
// course), as CSV or JSON (an array of objects, or NDJSON).
//
// Column names are matched case-insensitively, ignoring spaces, "_" and
// "-", against these aliases (vmsAliases):
//
//	registration: registration, reg, regno, registrationnumber, id, vessel, vesselid, sodangky, biensotau
//	time:         time, t, timestamp, datetime, ts, gpstime, timeutc, thoigian
//	lon:          lon, lng, long, longitude, x, kinhdo
//	lat:          lat, latitude, y, vido
//	speed:        speed, sog, speedkn, speedknots, tocdo, vantoc (knots; optional)
//	course:       course, cog, heading, huong (degrees; optional)
//
// Times are RFC 3339, Unix seconds, or "2006-01-02 15:04[:05]",
// "2006-01-02T15:04[:05]", "02/01/2006 15:04[:05]" (day first, as written
// in Vietnam). A time without an offset is in Location, by default
// Vietnam's UTC+07:00 (no daylight saving): "2025-07-01 08:00" is
// 01:00 UTC.
type VMSConfig struct {
	Name string `yaml:"name"`
	Path string `yaml:"path"`
	// Format is "csv" or "json" (array or NDJSON); "" guesses from the
	// first non-blank byte ('[' or '{' is JSON).
	Format string `yaml:"format"`
	// Location is the time zone of times without an offset (UTC+7 when nil).
	Location *time.Location `yaml:"-"`
}

// Vietnam is the time zone of VMS times without an offset: UTC+07:00.
var Vietnam = time.FixedZone("ICT", 7*3600)

// VMS is the VMS file feed; Source of its positions is "vms".
type VMS struct {
	cfg                  VMSConfig
	rows, positions, bad atomic.Uint64
	firstErr             atomic.Pointer[error]
}

// VMSStats are the VMS feed's counters.
type VMSStats struct {
	Rows, Positions, Bad uint64
	// FirstError names the first bad row (line and problem), "" when none.
	FirstError string
}

// NewVMS checks cfg and returns the feed.
func NewVMS(cfg VMSConfig) (*VMS, error) {
	if cfg.Path == "" {
		return nil, errors.New("feeds: vms: path is required")
	}
	if cfg.Format != "" && cfg.Format != "csv" && cfg.Format != "json" {
		return nil, fmt.Errorf("feeds: vms: format %q (want csv or json)", cfg.Format)
	}
	if cfg.Name == "" {
		cfg.Name = "vms"
	}
	if cfg.Location == nil {
		cfg.Location = Vietnam
	}
	return &VMS{cfg: cfg}, nil
}

// Name returns the feed's name.
func (v *VMS) Name() string { return v.cfg.Name }

// Stats returns a snapshot of the counters.
func (v *VMS) Stats() VMSStats {
	s := VMSStats{Rows: v.rows.Load(), Positions: v.positions.Load(), Bad: v.bad.Load()}
	if e := v.firstErr.Load(); e != nil {
		s.FirstError = (*e).Error()
	}
	return s
}

// Run reads the file to its end. Bad rows are counted and skipped; an
// unreadable file or a header without the required columns is an error.
func (v *VMS) Run(ctx context.Context, sink Sink) error {
	f, err := os.Open(v.cfg.Path)
	if err != nil {
		return fmt.Errorf("feeds: vms: %w", err)
	}
	defer f.Close()
	return v.read(ctx, f, sink)
}

func (v *VMS) read(ctx context.Context, r io.Reader, sink Sink) error {
	br := bufio.NewReaderSize(r, 64<<10)
	format := v.cfg.Format
	if format == "" {
		format = sniffVMS(br)
	}
	b := &vmsBatch{ctx: ctx, sink: sink, feed: v}
	var err error
	if format == "json" {
		err = readVMSJSON(br, v.cfg.Location, b.add)
	} else {
		err = readVMSCSV(br, v.cfg.Location, b.add)
	}
	if err != nil {
		return err
	}
	return b.flush()
}

// sniffVMS peeks at the first non-blank byte.
func sniffVMS(br *bufio.Reader) string {
	head, _ := br.Peek(512)
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n")
	if len(head) > 0 && (head[0] == '[' || head[0] == '{') {
		return "json"
	}
	return "csv"
}

// vmsBatch hands positions to the sink 1,024 at a time.
type vmsBatch struct {
	ctx  context.Context
	sink Sink
	feed *VMS
	ps   []Position
}

func (b *vmsBatch) add(p Position, err error) error {
	b.feed.rows.Add(1)
	if err != nil {
		if b.feed.bad.Add(1) == 1 {
			b.feed.firstErr.Store(&err)
		}
		return nil
	}
	b.ps = append(b.ps, p)
	if len(b.ps) >= 1024 {
		return b.flush()
	}
	return b.ctx.Err()
}

func (b *vmsBatch) flush() error {
	if len(b.ps) == 0 {
		return nil
	}
	if err := b.sink.Positions(b.ctx, b.ps); err != nil {
		return &sinkError{err}
	}
	b.feed.positions.Add(uint64(len(b.ps)))
	b.ps = b.ps[:0]
	return nil
}

// vmsField is one of the columns a VMS row has.
type vmsField int

const (
	vmsReg vmsField = iota
	vmsTime
	vmsLon
	vmsLat
	vmsSpeed
	vmsCourse
	vmsFields
)

var vmsFieldNames = [vmsFields]string{"registration", "time", "lon", "lat", "speed", "course"}

// vmsAliases maps a normalised column name to its field.
var vmsAliases = func() map[string]vmsField {
	m := map[string]vmsField{}
	for f, names := range map[vmsField]string{
		vmsReg:    "registration reg regno registrationnumber id vessel vesselid sodangky biensotau",
		vmsTime:   "time t timestamp datetime ts gpstime timeutc thoigian",
		vmsLon:    "lon lng long longitude x kinhdo",
		vmsLat:    "lat latitude y vido",
		vmsSpeed:  "speed sog speedkn speedknots tocdo vantoc",
		vmsCourse: "course cog heading huong",
	} {
		for _, n := range strings.Fields(names) {
			m[n] = f
		}
	}
	return m
}()

// vmsColumn finds the field a column name stands for.
func vmsColumn(name string) (vmsField, bool) {
	n := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '_', '-', '.', '\ufeff':
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(name)))
	f, ok := vmsAliases[n]
	return f, ok
}

// vmsRow turns the text of one row's fields into a Position.
func vmsRow(vals *[vmsFields]string, loc *time.Location) (Position, error) {
	p := Position{Source: "vms", SOG: math.NaN(), COG: math.NaN()}
	p.ID = strings.TrimSpace(vals[vmsReg])
	if p.ID == "" {
		return p, errors.New("registration is empty")
	}
	t, err := parseVMSTime(vals[vmsTime], loc)
	if err != nil {
		return p, err
	}
	p.T = t
	if p.Lon, err = vmsNumber(vals[vmsLon], "lon", -180, 180); err != nil {
		return p, err
	}
	if p.Lat, err = vmsNumber(vals[vmsLat], "lat", -90, 90); err != nil {
		return p, err
	}
	if s := strings.TrimSpace(vals[vmsSpeed]); s != "" {
		if p.SOG, err = vmsNumber(s, "speed", 0, 102.2); err != nil {
			return p, err
		}
	}
	if s := strings.TrimSpace(vals[vmsCourse]); s != "" {
		if p.COG, err = vmsNumber(s, "course", 0, 360); err != nil {
			return p, err
		}
		if p.COG == 360 {
			p.COG = 0
		}
	}
	return p, nil
}

// vmsNumber parses a number in [lo, hi]; a decimal comma is accepted.
func vmsNumber(s, what string, lo, hi float64) (float64, error) {
	s = strings.TrimSpace(s)
	if strings.Count(s, ",") == 1 && !strings.Contains(s, ".") {
		s = strings.Replace(s, ",", ".", 1)
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !(x >= lo && x <= hi) {
		return 0, fmt.Errorf("%s %q is not a number in [%g, %g]", what, s, lo, hi)
	}
	return x, nil
}

// readVMSCSV reads a CSV with a header row; the delimiter (",", ";" or
// tab) is the one the header uses most.
func readVMSCSV(br *bufio.Reader, loc *time.Location, emit func(Position, error) error) error {
	head, _ := br.Peek(4096)
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		head = head[:i]
	}
	cr := csv.NewReader(br)
	cr.Comma = ','
	for _, d := range []rune{';', '\t'} {
		if bytes.Count(head, []byte(string(d))) > bytes.Count(head, []byte(string(cr.Comma))) {
			cr.Comma = d
		}
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		return fmt.Errorf("feeds: vms: reading the header: %w", err)
	}
	col := [vmsFields]int{-1, -1, -1, -1, -1, -1}
	for i, h := range header {
		if f, ok := vmsColumn(h); ok && col[f] < 0 {
			col[f] = i
		}
	}
	for f := vmsReg; f <= vmsLat; f++ {
		if col[f] < 0 {
			return fmt.Errorf("feeds: vms: the header has no %s column (got %q)", vmsFieldNames[f], header)
		}
	}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		var p Position
		var pe *csv.ParseError
		switch {
		case errors.As(err, &pe):
			err = fmt.Errorf("feeds: vms: line %d: %w", pe.Line, pe.Err)
		case err != nil:
			return fmt.Errorf("feeds: vms: reading: %w", err)
		default:
			var vals [vmsFields]string
			for f, i := range col {
				if i >= 0 && i < len(rec) {
					vals[f] = rec[i]
				}
			}
			line, _ := cr.FieldPos(0)
			if p, err = vmsRow(&vals, loc); err != nil {
				err = fmt.Errorf("feeds: vms: line %d: %w", line, err)
			}
		}
		if err := emit(p, err); err != nil {
			return err
		}
	}
}
