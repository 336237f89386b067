package store

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"time"
)

// Track keys: track/<layer>/<id>/<8-byte big-endian Unix nanoseconds>, so an
// object's fixes are contiguous and in time order, and a time range is one
// range scan. A second fix of the same object at the same instant replaces
// the first (a duplicate). Ids may hold '/': a scan checks that a key's
// remainder is exactly the 8 time bytes, so "a" never reads "a/b"'s fixes.

// TrackPoint is one stored fix.
type TrackPoint struct {
	T, Arrived time.Time
	Lon, Lat   float64
	SOG, COG   float64
	Source     string
	Status     string
}

// TrackPrefix is the key prefix of one object's track.
func TrackPrefix(layer, id string) []byte {
	return []byte("track/" + layer + "/" + id + "/")
}

// TrackKey is the key of one fix.
func TrackKey(layer, id string, t time.Time) []byte {
	return binary.BigEndian.AppendUint64(TrackPrefix(layer, id), timeKey(t))
}

// timeKey orders times before 1970 too (offset binary).
func timeKey(t time.Time) uint64 { return uint64(t.UnixNano()) ^ (1 << 63) }

func keyTime(u uint64) time.Time { return time.Unix(0, int64(u^(1<<63))).UTC() }

var errShortTrack = errors.New("store: short track record")

// EncodeTrackPoint appends the stored form of p (the time is in the key).
func EncodeTrackPoint(dst []byte, p TrackPoint) []byte {
	for _, f := range [...]float64{p.Lon, p.Lat, p.SOG, p.COG} {
		dst = binary.LittleEndian.AppendUint64(dst, math.Float64bits(f))
	}
	dst = binary.AppendVarint(dst, p.Arrived.UnixNano())
	dst = append(dst, byte(len(p.Source)))
	dst = append(dst, p.Source[:min(len(p.Source), 255)]...)
	dst = append(dst, byte(len(p.Status)))
	return append(dst, p.Status[:min(len(p.Status), 255)]...)
}

// DecodeTrackPoint reads a stored fix.
func DecodeTrackPoint(t time.Time, v []byte) (TrackPoint, error) {
	p := TrackPoint{T: t}
	if len(v) < 32 {
		return p, errShortTrack
	}
	fs := [4]*float64{&p.Lon, &p.Lat, &p.SOG, &p.COG}
	for i, f := range fs {
		*f = math.Float64frombits(binary.LittleEndian.Uint64(v[i*8:]))
	}
	v = v[32:]
	a, n := binary.Varint(v)
	if n <= 0 {
		return p, errShortTrack
	}
	p.Arrived = time.Unix(0, a).UTC()
	v = v[n:]
	for _, s := range [...]*string{&p.Source, &p.Status} {
		if len(v) < 1 || len(v) < 1+int(v[0]) {
			return p, errShortTrack
		}
		*s = string(v[1 : 1+int(v[0])])
		v = v[1+int(v[0]):]
	}
	return p, nil
}

// Track calls fn for every fix of one object with from <= T <= to, in time
// order. A week at one fix a minute (10,080 fixes) is one range scan.
func (s *Pebble) Track(ctx context.Context, layer, id string, from, to time.Time, fn func(TrackPoint) error) error {
	prefix := TrackPrefix(layer, id)
	lo := binary.BigEndian.AppendUint64(prefix, timeKey(from))
	hi := binary.BigEndian.AppendUint64(TrackPrefix(layer, id), timeKey(to)+1)
	if timeKey(to) == math.MaxUint64 {
		hi = prefixEnd(prefix)
	}
	return s.ScanRawRange(ctx, lo, hi, func(k, v []byte) error {
		if len(k) != len(prefix)+8 {
			return nil // another id that extends this one ("a/b" under "a")
		}
		p, err := DecodeTrackPoint(keyTime(binary.BigEndian.Uint64(k[len(prefix):])), v)
		if err != nil {
			return fmt.Errorf("store: track %s/%s: %w", layer, id, err)
		}
		return fn(p)
	})
}
