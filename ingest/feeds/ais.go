package feeds

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	ais "github.com/BertoldVdb/go-ais"
)

// AISConfig configures an AIS feed: NMEA 0183 !AIVDM/!AIVDO sentences
// from a file (Path, read to its end) or a TCP feed (Address, host:port,
// reconnected with backoff until ctx ends). Exactly one is set.
type AISConfig struct {
	Name    string `yaml:"name"`
	Path    string `yaml:"path"`
	Address string `yaml:"address"`
	// Registry maps an MMSI to the vessel's id in its layer; without it (or
	// when it answers false) a vessel's id is "mmsi:<n>".
	Registry func(mmsi uint32) (id string, ok bool) `yaml:"-"`
	// Logger defaults to slog.Default().
	Logger *slog.Logger `yaml:"-"`
}

// AIS is the AIS feed. Position reports (types 1, 2, 3, 18, 19, 27) become
// Positions with Source "ais"; static messages (5, 24) become Vessels.
//
// A position's T is the receiver's time stamp when the line carries one
// (a tag block "\c:<unix>\" or a leading Unix time in nanoseconds), else
// its arrival time: AIS reports themselves carry only the second of the
// minute. Lines that are not AIS (other NMEA, comments) are ignored.
type AIS struct {
	cfg   AISConfig
	stats aisCounters
}

// AISStats are the AIS feed's counters since it started.
type AISStats struct {
	Lines       uint64 // lines read, AIS or not
	Sentences   uint64 // well-formed AIVDM/AIVDO sentences
	Malformed   uint64 // AIS sentences with a bad checksum or format, skipped
	Incomplete  uint64 // multi-part messages given up on (timeout, buffer full, id reused)
	Messages    uint64 // whole messages handed to the decoder
	Undecodable uint64 // messages go-ais could not decode
	Positions   uint64 // Positions delivered
	NoPosition  uint64 // position reports without a position (lon 181 / lat 91), skipped
	Vessels     uint64 // Vessels delivered
	Other       uint64 // decoded messages of other types (base stations, binary…)
	Connects    uint64 // TCP connections made
}

type aisCounters struct {
	lines, sentences, malformed, incomplete, messages, undecodable,
	positions, noPosition, vessels, other, connects atomic.Uint64
}

// NewAIS checks cfg and returns the feed.
func NewAIS(cfg AISConfig) (*AIS, error) {
	if (cfg.Path == "") == (cfg.Address == "") {
		return nil, errors.New("feeds: ais: exactly one of path and address must be set")
	}
	if cfg.Name == "" {
		cfg.Name = "ais"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &AIS{cfg: cfg}, nil
}

// Name returns the feed's name.
func (a *AIS) Name() string { return a.cfg.Name }

// Stats returns a snapshot of the counters; safe while Run runs.
func (a *AIS) Stats() AISStats {
	c := &a.stats
	return AISStats{
		Lines: c.lines.Load(), Sentences: c.sentences.Load(), Malformed: c.malformed.Load(),
		Incomplete: c.incomplete.Load(), Messages: c.messages.Load(), Undecodable: c.undecodable.Load(),
		Positions: c.positions.Load(), NoPosition: c.noPosition.Load(), Vessels: c.vessels.Load(),
		Other: c.other.Load(), Connects: c.connects.Load(),
	}
}

// Run reads the file to its end, or the TCP feed until ctx ends.
func (a *AIS) Run(ctx context.Context, sink Sink) error {
	if a.cfg.Path != "" {
		f, err := os.Open(a.cfg.Path)
		if err != nil {
			return fmt.Errorf("feeds: ais: %w", err)
		}
		defer f.Close()
		return a.read(ctx, f, sink)
	}
	return a.runTCP(ctx, sink)
}

// aisBatch is how many values a read hands to the sink at most in one call.
const aisBatch = 1024

// read decodes r line by line and hands the values to sink in batches:
// whenever aisBatch values are waiting or the reader has nothing more
// buffered (a TCP feed went quiet), so a live feed is never held back.
func (a *AIS) read(ctx context.Context, r io.Reader, sink Sink) error {
	br := bufio.NewReaderSize(r, 64<<10)
	d := newAISDecoder(a)
	for {
		line, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			// A line longer than 64 KiB is no NMEA sentence: skip the rest of it.
			a.stats.lines.Add(1)
			a.stats.malformed.Add(1)
			for errors.Is(err, bufio.ErrBufferFull) {
				_, err = br.ReadSlice('\n')
			}
			continue
		}
		if len(line) > 0 {
			d.line(string(line), time.Now())
		}
		full := len(d.ps)+len(d.vs) >= aisBatch
		if full || br.Buffered() == 0 || err != nil {
			if ferr := d.flush(ctx, sink); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("feeds: ais: reading: %w", err)
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

// runTCP connects, reads, and reconnects with a backoff of 1 s doubling
// to 30 s (back to 1 s after a connection that delivered something).
func (a *AIS) runTCP(ctx context.Context, sink Sink) error {
	backoff := time.Second
	var dialer net.Dialer
	for {
		conn, err := dialer.DialContext(ctx, "tcp", a.cfg.Address)
		if err == nil {
			a.stats.connects.Add(1)
			before := a.stats.lines.Load()
			stop := context.AfterFunc(ctx, func() { conn.Close() })
			err = a.read(ctx, conn, sink)
			stop()
			conn.Close()
			if a.stats.lines.Load() > before {
				backoff = time.Second
			}
			var se *sinkError
			if errors.As(err, &se) {
				return err
			}
			if err == nil {
				err = io.EOF
			}
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		a.cfg.Logger.Warn("feeds: ais: connection lost, reconnecting",
			"feed", a.cfg.Name, "address", a.cfg.Address, "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// sinkError marks an error of the sink, which ends Run (reconnecting would
// not help).
type sinkError struct{ err error }

func (e *sinkError) Error() string { return "feeds: sink: " + e.err.Error() }
func (e *sinkError) Unwrap() error { return e.err }

// aisDecoder turns lines into values; one per Run (it is not safe for
// concurrent use).
type aisDecoder struct {
	feed  *AIS
	codec *ais.Codec
	asm   *assembler
	bits  []byte
	ps    []Position
	vs    []Vessel
}

func newAISDecoder(a *AIS) *aisDecoder {
	c := ais.CodecNewFast(false, false, true) // generated, reflection-free decoder
	c.DropSpace = true
	return &aisDecoder{feed: a, codec: c, asm: newAssembler(64, time.Minute)}
}

// line decodes one line that arrived at now.
func (d *aisDecoder) line(line string, now time.Time) {
	st := &d.feed.stats
	st.lines.Add(1)
	v, err := parseVDM(line)
	switch {
	case errors.Is(err, errNotAIS):
		return
	case err != nil:
		st.malformed.Add(1)
		return
	}
	st.sentences.Add(1)
	dropped := d.asm.dropped
	payload, fill, first, ok := d.asm.add(v, now)
	st.incomplete.Add(uint64(d.asm.dropped - dropped))
	if !ok {
		return
	}
	st.messages.Add(1)
	d.bits = unarmour(payload, fill, d.bits)
	pkt := d.codec.DecodePacket(d.bits)
	if pkt == nil && fill > 0 {
		// Some receivers give wrong fill bits (gpsd's sample has one with
		// 5 on a whole 168-bit report); gpsd then decodes the whole payload.
		d.bits = unarmour(payload, 0, d.bits)
		pkt = d.codec.DecodePacket(d.bits)
	}
	if pkt == nil {
		st.undecodable.Add(1)
		return
	}
	t := now
	if first.recvUnix > 0 {
		if first.recvNanos {
			t = time.Unix(0, first.recvUnix)
		} else {
			t = time.Unix(first.recvUnix, 0)
		}
	}
	d.packet(pkt, t.UTC(), now)
}

// flush hands the waiting values to the sink.
func (d *aisDecoder) flush(ctx context.Context, sink Sink) error {
	if len(d.vs) > 0 {
		if err := sink.Vessels(ctx, d.vs); err != nil {
			return &sinkError{err}
		}
		d.feed.stats.vessels.Add(uint64(len(d.vs)))
		d.vs = d.vs[:0]
	}
	if len(d.ps) > 0 {
		if err := sink.Positions(ctx, d.ps); err != nil {
			return &sinkError{err}
		}
		d.feed.stats.positions.Add(uint64(len(d.ps)))
		d.ps = d.ps[:0]
	}
	return nil
}

// id is the vessel's id: the registry's, or "mmsi:<n>".
func (d *aisDecoder) id(mmsi uint32) string {
	if r := d.feed.cfg.Registry; r != nil {
		if id, ok := r(mmsi); ok {
			return id
		}
	}
	return "mmsi:" + strconv.FormatUint(uint64(mmsi), 10)
}

// trimAIS drops the '@' padding and spaces of an AIS string.
func trimAIS(s string) string { return strings.TrimRight(s, "@ ") }

// knots10 is a 0.1-knot speed, NaN for "not available" (102.3).
func knots10(v ais.Field10) float64 {
	if v >= 102.25 {
		return math.NaN()
	}
	return float64(v)
}

// course10 is a 0.1° course, NaN for "not available" (360) and beyond.
func course10(v ais.Field10) float64 {
	if v >= 360 {
		return math.NaN()
	}
	return float64(v)
}
