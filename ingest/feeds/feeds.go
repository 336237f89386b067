// Package feeds holds bando's live feeds — HTTP NDJSON, MQTT, AIS, VMS —
// each one small file behind one interface, all normalised to the same
// Position, Observation and Vessel values that the twin consumes.
//
// A feed acknowledges upstream (an HTTP 2xx, an MQTT PUBACK, a file offset)
// only after its Sink has returned: the sink returns once the values are
// durable, so nothing acknowledged is lost on a crash.
package feeds

import (
	"context"
	"math"
	"time"
)

// Position is one fix of a moving object (a vessel, a vehicle).
type Position struct {
	// ID is the object's id in its layer (a registration number, or
	// "mmsi:<n>" for an AIS vessel not in the registry).
	ID string
	// T is the observation time (when the fix was taken), Arrived when
	// bando received it. Rules run on T.
	T, Arrived time.Time
	Lon, Lat   float64
	// SOG is the speed over ground in knots and COG the course over ground
	// in degrees from north; NaN when the source did not give them.
	SOG, COG float64
	// Status is the source's navigational status, "" when unknown.
	Status string
	// Source is "vms", "ais" or "gps".
	Source string
}

// Observation is one value of a fixed sensor.
type Observation struct {
	Sensor     string
	Quantity   string // e.g. "pm25", "water_level", "salinity"
	T, Arrived time.Time
	Value      float64
	Unit       string // e.g. "µg/m³"
	Source     string // e.g. "http", "mqtt", "sensorthings"
}

// Vessel is one registry record: the static attributes of a moving object.
// AIS static messages (types 5 and 24) and registry files fill it.
type Vessel struct {
	ID           string
	MMSI         uint32 // 0 when unknown
	Registration string
	Name         string
	LengthM      float64 // 0 when unknown
	HomeProvince string  // province code, e.g. "79"
	Kind         string  // e.g. "fishing"
}

// Sink takes normalised values from a feed. Each call returns once the
// values are durable (or with the error that kept them from being so); a
// feed acknowledges upstream only after that.
type Sink interface {
	Positions(ctx context.Context, ps []Position) error
	Observations(ctx context.Context, os []Observation) error
	Vessels(ctx context.Context, vs []Vessel) error
}

// Feed is one live source. Run delivers its values to sink until ctx is
// done or the source ends (a file), and returns why it stopped.
type Feed interface {
	Name() string
	Run(ctx context.Context, sink Sink) error
}

// Unknown is the value of SOG or COG when a source does not give it.
var Unknown = math.NaN()
