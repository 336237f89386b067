package feeds

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// The NMEA 0183 sentence layer of the AIS feed: one !AIVDM/!AIVDO line
// (with an optional IEC 61162-450 tag block or a leading receive time),
// its checksum, and the reassembly of multi-part messages. The decoding of
// the reassembled bits is go-ais's (ais.go).

// vdm is one parsed !AIVDM/!AIVDO sentence.
type vdm struct {
	own       bool // VDO: our own vessel
	total     int  // fragments in the message, 1..9
	num       int  // this fragment's number, 1..total
	seq       string
	channel   string
	payload   string // 6-bit armoured
	fill      int    // fill bits of the last fragment, 0..5
	recvUnix  int64  // receive time from the tag block (c:) or a line prefix, 0 when none
	recvNanos bool   // recvUnix is in nanoseconds
}

var (
	errNotAIS    = errors.New("not an AIVDM/AIVDO sentence")
	errChecksum  = errors.New("bad checksum")
	errMalformed = errors.New("malformed sentence")
)

// parseVDM parses one line. Lines that are not AIS (other NMEA sentences,
// comments, blank lines) give errNotAIS; broken AIS sentences give
// errChecksum or errMalformed.
func parseVDM(line string) (vdm, error) {
	var v vdm
	line = strings.TrimRight(line, "\r\n \t")
	i := strings.IndexByte(line, '!')
	if i < 0 {
		return v, errNotAIS
	}
	prefix, s := line[:i], line[i:]
	v.recvUnix, v.recvNanos = receiveTime(prefix)
	if len(s) < 7 || (s[3:6] != "VDM" && s[3:6] != "VDO") {
		return v, errNotAIS
	}
	v.own = s[3:6] == "VDO"
	star := strings.LastIndexByte(s, '*')
	if star < 0 || len(s) < star+3 {
		return v, errMalformed
	}
	want, err := strconv.ParseUint(s[star+1:star+3], 16, 8)
	if err != nil {
		return v, errMalformed
	}
	if checksum(s[1:star]) != byte(want) {
		return v, errChecksum
	}
	f := strings.Split(s[1:star], ",")
	if len(f) != 7 {
		return v, errMalformed
	}
	v.total, err = strconv.Atoi(f[1])
	if err != nil || v.total < 1 || v.total > 9 {
		return v, errMalformed
	}
	v.num, err = strconv.Atoi(f[2])
	if err != nil || v.num < 1 || v.num > v.total {
		return v, errMalformed
	}
	v.seq, v.channel, v.payload = f[3], f[4], f[5]
	v.fill, err = strconv.Atoi(f[6])
	if err != nil || v.fill < 0 || v.fill > 5 || !armoured(v.payload) {
		return v, errMalformed
	}
	return v, nil
}

// checksum is the XOR of the bytes between '!' and '*'.
func checksum(s string) byte {
	var c byte
	for i := 0; i < len(s); i++ {
		c ^= s[i]
	}
	return c
}

// receiveTime reads the receiver's time stamp in front of the sentence:
// a tag block "\c:1241544035,...*hh\" (Unix seconds, or milliseconds when
// it has 13 digits) or a bare Unix time in nanoseconds as go-ais's samples
// carry ("1608040934000000000 !AIVDM…").
func receiveTime(prefix string) (int64, bool) {
	prefix = strings.TrimSpace(prefix)
	if prefix == "" {
		return 0, false
	}
	if strings.HasPrefix(prefix, `\`) {
		body := strings.Trim(prefix, `\`)
		if j := strings.IndexByte(body, '*'); j >= 0 {
			body = body[:j]
		}
		for _, kv := range strings.Split(body, ",") {
			if rest, ok := strings.CutPrefix(kv, "c:"); ok {
				n, err := strconv.ParseInt(rest, 10, 64)
				if err != nil || n <= 0 {
					return 0, false
				}
				if len(rest) >= 13 { // milliseconds
					return n * int64(time.Millisecond), true
				}
				return n, false
			}
		}
		return 0, false
	}
	n, err := strconv.ParseInt(prefix, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, len(prefix) >= 19
}

// armoured reports whether s holds only 6-bit armour characters.
func armoured(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < '0' || c > 'w' || (c > 'W' && c < '`') {
			return false
		}
	}
	return true
}

// unarmour turns the armoured payload into one byte per bit (0 or 1), the
// form go-ais decodes, dropping the fill bits.
func unarmour(payload string, fill int, bits []byte) []byte {
	bits = bits[:0]
	for i := 0; i < len(payload); i++ {
		c := payload[i] - 48
		if c > 40 {
			c -= 8
		}
		for b := 5; b >= 0; b-- {
			bits = append(bits, (c>>b)&1)
		}
	}
	if fill > len(bits) {
		fill = len(bits)
	}
	return bits[:len(bits)-fill]
}

// assembler joins the fragments of multi-part messages. Fragments are keyed
// by sequential message id, channel and VDM/VDO; at most max messages wait at
// once (the oldest is dropped when a new one would exceed it) and a message
// whose first fragment came more than timeout ago is dropped.
type assembler struct {
	max     int
	timeout time.Duration
	pending map[string]*partial
	order   []string // keys in arrival order, for eviction
	dropped int      // incomplete messages given up on
}

type partial struct {
	first time.Time
	parts []string // payloads by fragment number - 1
	got   uint16   // bit n: fragment n is in
	have  int
	v     vdm // the first fragment seen (receive time)
}

func newAssembler(max int, timeout time.Duration) *assembler {
	return &assembler{max: max, timeout: timeout, pending: map[string]*partial{}}
}

// add takes one fragment, arriving at now, and returns the whole message's
// payload and fill bits once every fragment is in.
func (a *assembler) add(v vdm, now time.Time) (payload string, fill int, first vdm, ok bool) {
	if v.total == 1 {
		return v.payload, v.fill, v, true
	}
	a.expire(now)
	key := v.seq + "|" + v.channel + "|" + strconv.Itoa(v.total) + "|" + strconv.FormatBool(v.own)
	p := a.pending[key]
	if p != nil && p.got&(1<<v.num) != 0 {
		// A new message reuses the id before the old one completed.
		a.remove(key)
		a.dropped++
		p = nil
	}
	if p == nil {
		if len(a.pending) >= a.max {
			a.remove(a.order[0])
			a.dropped++
		}
		p = &partial{first: now, parts: make([]string, v.total), v: v}
		a.pending[key] = p
		a.order = append(a.order, key)
	}
	p.parts[v.num-1] = v.payload
	p.got |= 1 << v.num
	p.have++
	if v.num == v.total {
		p.v.fill = v.fill // only the last fragment's fill bits count
	}
	if p.have < v.total {
		return "", 0, vdm{}, false
	}
	a.remove(key)
	return strings.Join(p.parts, ""), p.v.fill, p.v, true
}

func (a *assembler) expire(now time.Time) {
	for len(a.order) > 0 {
		p := a.pending[a.order[0]]
		if now.Sub(p.first) <= a.timeout {
			return
		}
		a.remove(a.order[0])
		a.dropped++
	}
}

func (a *assembler) remove(key string) {
	delete(a.pending, key)
	for i, k := range a.order {
		if k == key {
			a.order = append(a.order[:i], a.order[i+1:]...)
			return
		}
	}
}
