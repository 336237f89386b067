package feeds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"bando/ingest"
)

// The HTTP feed: POST /api/twin/positions and /api/twin/observations take
// newline-delimited JSON, one value per line:
//
//	{"id": "…", "t": "RFC 3339", "lon": …, "lat": …, "sog": knots, "cog": degrees, "source": "vms"|"ais"|"gps"}
//	{"sensor": "…", "quantity": "pm25", "t": …, "value": …, "unit": "µg/m³"}
//
// A line with a problem is reported (line number, id, field, rule) and
// skipped; the others are accepted. Blank lines are ignored.

// HTTPReport says what became of each line of one body.
type HTTPReport struct {
	Read            int              `json:"read"`
	Accepted        int              `json:"accepted"`
	Rejected        []ingest.Problem `json:"rejected,omitempty"`
	RejectedOmitted int              `json:"rejected_omitted,omitempty"`
}

func (r *HTTPReport) reject(p ingest.Problem) {
	if len(r.Rejected) < ingest.MaxProblems {
		r.Rejected = append(r.Rejected, p)
	} else {
		r.RejectedOmitted++
	}
}

// ErrTooLarge refuses a whole body over its limits (bytes, lines, a line).
var ErrTooLarge = errors.New("feeds: input too large")

type positionLine struct {
	ID     *string  `json:"id"`
	T      *string  `json:"t"`
	Lon    *float64 `json:"lon"`
	Lat    *float64 `json:"lat"`
	SOG    *float64 `json:"sog"`
	COG    *float64 `json:"cog"`
	Source *string  `json:"source"`
	Status *string  `json:"status"`
}

type observationLine struct {
	Sensor   *string  `json:"sensor"`
	Quantity *string  `json:"quantity"`
	T        *string  `json:"t"`
	Value    *float64 `json:"value"`
	Unit     *string  `json:"unit"`
}

func limits(l ingest.Limits) ingest.Limits {
	d := ingest.DefaultLimits
	if l.MaxInputBytes == 0 {
		l.MaxInputBytes = d.MaxInputBytes
	}
	if l.MaxLineBytes == 0 {
		l.MaxLineBytes = d.MaxLineBytes
	}
	if l.MaxFeatures == 0 {
		l.MaxFeatures = d.MaxFeatures
	}
	if l.MaxIDBytes == 0 {
		l.MaxIDBytes = d.MaxIDBytes
	}
	return l
}

// eachLine calls fn with every non-blank line and its 1-based number,
// after checking the body's limits.
func eachLine(body []byte, lim ingest.Limits, fn func(n int, line []byte)) error {
	lim = limits(lim)
	if lim.MaxInputBytes > 0 && int64(len(body)) > lim.MaxInputBytes {
		return fmt.Errorf("%w: body of %d bytes exceeds %d", ErrTooLarge, len(body), lim.MaxInputBytes)
	}
	count := 0
	for n := 1; len(body) > 0; n++ {
		line := body
		if i := bytes.IndexByte(body, '\n'); i >= 0 {
			line, body = body[:i], body[i+1:]
		} else {
			body = nil
		}
		if lim.MaxLineBytes > 0 && len(line) > lim.MaxLineBytes {
			return fmt.Errorf("%w: line %d exceeds %d bytes", ErrTooLarge, n, lim.MaxLineBytes)
		}
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if count++; lim.MaxFeatures > 0 && count > lim.MaxFeatures {
			return fmt.Errorf("%w: more than %d lines", ErrTooLarge, lim.MaxFeatures)
		}
		fn(n, line)
	}
	return nil
}

// ParsePositions parses an NDJSON body of positions.
func ParsePositions(body []byte, lim ingest.Limits) ([]Position, HTTPReport, error) {
	var out []Position
	var rep HTTPReport
	lim = limits(lim)
	err := eachLine(body, lim, func(n int, line []byte) {
		idx := rep.Read
		rep.Read++
		var pl positionLine
		bad := func(id, field, rule, msg string) {
			rep.reject(ingest.Problem{Index: idx, Line: n, ID: id, Field: field, Rule: rule, Message: msg})
		}
		if !fastPosition(line, &pl) {
			pl = positionLine{}
			if err := json.Unmarshal(line, &pl); err != nil {
				bad("", "", ingest.RuleJSON, "not a JSON position object: "+ingest.Excerpt(err.Error()))
				return
			}
		}
		p, field, rule, msg := pl.position(lim)
		if rule != "" {
			bad(p.ID, field, rule, msg)
			return
		}
		out = append(out, p)
		rep.Accepted++
	})
	return out, rep, err
}

func (pl *positionLine) position(lim ingest.Limits) (p Position, field, rule, msg string) {
	p.SOG, p.COG = Unknown, Unknown
	if pl.ID == nil || *pl.ID == "" {
		return p, "id", ingest.RuleMissingID, `"id" is required`
	}
	p.ID = *pl.ID
	if len(p.ID) > lim.MaxIDBytes {
		return p, "id", ingest.RuleTooLarge, fmt.Sprintf("id exceeds %d bytes", lim.MaxIDBytes)
	}
	t, f, r, m := parseTime(pl.T)
	if r != "" {
		return p, f, r, m
	}
	p.T = t
	if pl.Lon == nil || pl.Lat == nil {
		return p, "lon", ingest.RuleCoordinate, `"lon" and "lat" are required`
	}
	p.Lon, p.Lat = *pl.Lon, *pl.Lat
	if p.Lon < -180 || p.Lon > 180 || p.Lat < -90 || p.Lat > 90 {
		return p, "lon", ingest.RuleRange, fmt.Sprintf("position (%g, %g) is outside lon [-180, 180] / lat [-90, 90]", p.Lon, p.Lat)
	}
	if pl.SOG != nil {
		if *pl.SOG < 0 {
			return p, "sog", ingest.RuleRange, "sog (knots) must not be negative"
		}
		p.SOG = *pl.SOG
	}
	if pl.COG != nil {
		if *pl.COG < 0 || *pl.COG > 360 {
			return p, "cog", ingest.RuleRange, "cog must be in [0, 360] degrees"
		}
		p.COG = *pl.COG
	}
	p.Source = "gps"
	if pl.Source != nil {
		switch s := strings.ToLower(*pl.Source); s {
		case "vms", "ais", "gps":
			p.Source = s
		default:
			return p, "source", ingest.RuleType, `source must be "vms", "ais" or "gps"`
		}
	}
	if pl.Status != nil {
		p.Status = ingest.Excerpt(*pl.Status)
	}
	return p, "", "", ""
}

func parseTime(s *string) (time.Time, string, string, string) {
	if s == nil {
		return time.Time{}, "t", ingest.RuleRequired, `"t" (RFC 3339 time) is required`
	}
	t, err := time.Parse(time.RFC3339Nano, *s)
	if err != nil {
		return time.Time{}, "t", ingest.RuleType, "t " + quote(*s) + " is not an RFC 3339 time"
	}
	if y := t.Year(); y < 1900 || y > 9999 {
		return time.Time{}, "t", ingest.RuleRange, "t is out of range"
	}
	return t.UTC(), "", "", ""
}

func quote(s string) string { return fmt.Sprintf("%q", ingest.Excerpt(s)) }

// ParseObservations parses an NDJSON body of sensor observations.
func ParseObservations(body []byte, lim ingest.Limits) ([]Observation, HTTPReport, error) {
	var out []Observation
	var rep HTTPReport
	lim = limits(lim)
	err := eachLine(body, lim, func(n int, line []byte) {
		idx := rep.Read
		rep.Read++
		bad := func(id, field, rule, msg string) {
			rep.reject(ingest.Problem{Index: idx, Line: n, ID: id, Field: field, Rule: rule, Message: msg})
		}
		var ol observationLine
		if !fastObservation(line, &ol) {
			ol = observationLine{}
			if err := json.Unmarshal(line, &ol); err != nil {
				bad("", "", ingest.RuleJSON, "not a JSON observation object: "+ingest.Excerpt(err.Error()))
				return
			}
		}
		if ol.Sensor == nil || *ol.Sensor == "" {
			bad("", "sensor", ingest.RuleMissingID, `"sensor" is required`)
			return
		}
		o := Observation{Sensor: *ol.Sensor, Source: "http"}
		if len(o.Sensor) > lim.MaxIDBytes {
			bad("", "sensor", ingest.RuleTooLarge, fmt.Sprintf("sensor id exceeds %d bytes", lim.MaxIDBytes))
			return
		}
		if ol.Quantity == nil || *ol.Quantity == "" {
			bad(o.Sensor, "quantity", ingest.RuleRequired, `"quantity" is required`)
			return
		}
		o.Quantity = ingest.Excerpt(*ol.Quantity)
		t, f, r, m := parseTime(ol.T)
		if r != "" {
			bad(o.Sensor, f, r, m)
			return
		}
		o.T = t
		if ol.Value == nil || math.IsNaN(*ol.Value) {
			bad(o.Sensor, "value", ingest.RuleRequired, `"value" (a number) is required`)
			return
		}
		o.Value = *ol.Value
		if ol.Unit != nil {
			o.Unit = ingest.Excerpt(*ol.Unit)
		}
		out = append(out, o)
		rep.Accepted++
	})
	return out, rep, err
}
