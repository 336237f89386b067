package feeds

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The MQTT payloads. Positions and observations use the JSON of the HTTP
// feed, one object per message or several as NDJSON:
//
//	{"id": "BV-12345-TS", "t": "2025-07-01T01:00:00Z", "lon": 107.1, "lat": 10.2, "sog": 5.5, "cog": 90, "source": "gps"}
//	{"sensor": "aq-01", "quantity": "pm25", "t": "2025-07-01T01:00:00Z", "value": 35.2, "unit": "µg/m³"}
//
// sog and cog are optional (NaN when absent); source defaults to "gps".
// SensorThings observations are {"phenomenonTime": …, "result": …} on
// …/Datastreams(<id>)/Observations, the id mapped by the configuration.

type positionJSON struct {
	ID     string   `json:"id"`
	T      string   `json:"t"`
	Lon    *float64 `json:"lon"`
	Lat    *float64 `json:"lat"`
	SOG    *float64 `json:"sog"`
	COG    *float64 `json:"cog"`
	Source string   `json:"source"`
}

type observationJSON struct {
	Sensor   string   `json:"sensor"`
	Quantity string   `json:"quantity"`
	T        string   `json:"t"`
	Value    *float64 `json:"value"`
	Unit     string   `json:"unit"`
}

// eachJSON calls fn for every JSON value of an NDJSON payload (one object
// is the usual case), naming the line of a bad one.
func eachJSON(payload []byte, fn func(line int, raw []byte) error) error {
	n := 0
	for line := range bytes.SplitSeq(payload, []byte("\n")) {
		n++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		if err := fn(n, line); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	if n == 0 || len(bytes.TrimSpace(payload)) == 0 {
		return errors.New("empty payload")
	}
	return nil
}

// parsePositions parses an MQTT position payload.
func parsePositions(payload []byte, arrived time.Time) ([]Position, error) {
	var out []Position
	err := eachJSON(payload, func(_ int, raw []byte) error {
		var j positionJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return err
		}
		p, err := j.position(arrived)
		out = append(out, p)
		return err
	})
	return out, err
}

func (j *positionJSON) position(arrived time.Time) (Position, error) {
	p := Position{ID: j.ID, Arrived: arrived, SOG: math.NaN(), COG: math.NaN(), Source: j.Source}
	if p.ID == "" {
		return p, errors.New(`"id" is missing`)
	}
	t, err := parseRFC3339(j.T)
	if err != nil {
		return p, fmt.Errorf(`"t": %w`, err)
	}
	p.T = t.UTC()
	if j.Lon == nil || j.Lat == nil || !(*j.Lon >= -180 && *j.Lon <= 180 && *j.Lat >= -90 && *j.Lat <= 90) {
		return p, errors.New(`"lon"/"lat" missing or off the globe`)
	}
	p.Lon, p.Lat = *j.Lon, *j.Lat
	if j.SOG != nil {
		if *j.SOG < 0 {
			return p, fmt.Errorf(`"sog" %v is negative`, *j.SOG)
		}
		p.SOG = *j.SOG
	}
	if j.COG != nil {
		if !(*j.COG >= 0 && *j.COG <= 360) {
			return p, fmt.Errorf(`"cog" %v is not in [0, 360]`, *j.COG)
		}
		p.COG = math.Mod(*j.COG, 360)
	}
	switch p.Source {
	case "":
		p.Source = "gps"
	case "vms", "ais", "gps":
	default:
		return p, fmt.Errorf(`"source" %q is not vms, ais or gps`, p.Source)
	}
	return p, nil
}

// parseObservations parses an MQTT observation payload.
func parseObservations(payload []byte, arrived time.Time) ([]Observation, error) {
	var out []Observation
	err := eachJSON(payload, func(_ int, raw []byte) error {
		var j observationJSON
		if err := json.Unmarshal(raw, &j); err != nil {
			return err
		}
		if j.Sensor == "" || j.Quantity == "" {
			return errors.New(`"sensor" or "quantity" is missing`)
		}
		t, err := parseRFC3339(j.T)
		if err != nil {
			return fmt.Errorf(`"t": %w`, err)
		}
		if j.Value == nil {
			return errors.New(`"value" is missing`)
		}
		out = append(out, Observation{Sensor: j.Sensor, Quantity: j.Quantity, T: t.UTC(),
			Arrived: arrived, Value: *j.Value, Unit: j.Unit, Source: "mqtt"})
		return nil
	})
	return out, err
}

// Datastream says what a SensorThings datastream measures.
type Datastream struct {
	Sensor   string `yaml:"sensor"`
	Quantity string `yaml:"quantity"`
	Unit     string `yaml:"unit"`
}

// staTopic finds the datastream id in a SensorThings topic
// (e.g. "v1.1/Datastreams(42)/Observations" or "…/Datastreams('aq-1')/Observations").
var staTopic = regexp.MustCompile(`Datastreams\((?:'([^']*)'|([^)]*))\)/Observations$`)

// staID returns the datastream id of a SensorThings topic.
func staID(topic string) (string, bool) {
	m := staTopic.FindStringSubmatch(topic)
	if m == nil {
		return "", false
	}
	return m[1] + m[2], true
}

type staJSON struct {
	PhenomenonTime *string         `json:"phenomenonTime"`
	ResultTime     *string         `json:"resultTime"`
	Result         json.RawMessage `json:"result"`
}

// parseSensorThings parses one SensorThings observation of datastream ds.
// phenomenonTime may be an interval "start/end" (the end is taken); without
// it, resultTime is used. The result is a number or a numeric string.
func parseSensorThings(payload []byte, ds Datastream, arrived time.Time) (Observation, error) {
	var j staJSON
	if err := json.Unmarshal(payload, &j); err != nil {
		return Observation{}, err
	}
	ts := j.PhenomenonTime
	if ts == nil {
		ts = j.ResultTime
	}
	if ts == nil {
		return Observation{}, errors.New(`"phenomenonTime" is missing`)
	}
	s := *ts
	if i := strings.IndexByte(s, '/'); i >= 0 {
		s = s[i+1:]
	}
	t, err := parseRFC3339(s)
	if err != nil {
		return Observation{}, fmt.Errorf(`"phenomenonTime": %w`, err)
	}
	var v float64
	if err := json.Unmarshal(j.Result, &v); err != nil {
		var str string
		if json.Unmarshal(j.Result, &str) != nil {
			return Observation{}, fmt.Errorf(`"result" %s is not a number`, j.Result)
		}
		if v, err = strconv.ParseFloat(strings.TrimSpace(str), 64); err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
			return Observation{}, fmt.Errorf(`"result" %q is not a number`, str)
		}
	}
	return Observation{Sensor: ds.Sensor, Quantity: ds.Quantity, Unit: ds.Unit,
		T: t.UTC(), Arrived: arrived, Value: v, Source: "sensorthings"}, nil
}

// parseRFC3339 parses an observation time; times before 1970 are refused
// (no feed observes them, and the zero time means "unset").
func parseRFC3339(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not RFC 3339", s)
	}
	if t.Year() < 1970 {
		return time.Time{}, fmt.Errorf("%q is before 1970", s)
	}
	return t.UTC(), nil
}
