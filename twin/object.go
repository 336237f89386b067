package twin

import (
	"math"
	"time"

	"bando/ingest/feeds"
)

// fix is one accepted position.
type fix struct {
	T, Arrived time.Time
	Lon, Lat   float64
	SOG, COG   float64
	Source     string
	Status     string
}

func fixOf(p *feeds.Position) fix {
	return fix{T: p.T, Arrived: p.Arrived, Lon: p.Lon, Lat: p.Lat, SOG: p.SOG, COG: p.COG,
		Source: p.Source, Status: p.Status}
}

// object is the live state of one moving object: its last accepted fix
// and what the rules remember about it.
type object struct {
	id    string
	layer string
	last  fix
	has   bool
	// stored says the store already records the object (objectKey).
	stored bool
	// portDist is the distance of the last fix to the nearest port,
	// capped: +Inf beyond the largest distance any rule asks for.
	portDist float64
	// rejected counts consecutive implausible jumps: after a few, the
	// object is taken to have truly moved and the next fix is accepted.
	rejected int
	vessel   *feeds.Vessel
	// num is the tile feature number; static the registry's values boxed
	// in the layer's schema, for the vessel record staticOf.
	num      uint64
	static   []any
	staticOf *feeds.Vessel

	cell   uint64
	inGrid bool
	// inside holds, per geofence layer, the ids of the zones the object
	// is in.
	inside map[string][]string
	// outside counts consecutive fixes outside the permitted zone.
	outside int
	// pairs maps an encounter partner to the time the pair began.
	pairs map[*object]time.Time
	group *gathering
}

// sensor is the live state of one fixed sensor.
type sensor struct {
	id     string
	layer  string
	last   time.Time // latest observation of any quantity
	values map[string]reading
}

type reading struct {
	T     time.Time
	Value float64
	Unit  string
}

// outcome is what plausibility made of a position.
type outcome uint8

const (
	accepted outcome = iota
	duplicate
	outOfOrder
	implausibleFuture
	implausibleJump
	implausibleNull // 0,0, off the globe, or no id
	implausibleLand // on land far from the water (LandRule)
	nOutcomes
)

var outcomeNames = [nOutcomes]string{"accepted", "duplicate", "out_of_order",
	"implausible_future", "implausible_jump", "implausible_null", "implausible_land"}

// maxRejected is how many consecutive jumps are refused before the object
// is taken to have moved (its earlier fix was the wrong one).
const maxRejected = 3

// classify decides what a position is, against the object's last fix.
// aheadLimit > 0 refuses fixes more than that after now.
func (o *object) classify(p *feeds.Position, now time.Time, aheadLimit time.Duration, maxKn float64) outcome {
	// 0,0 is a receiver's "no position"; so is anything off the globe
	// (AIS sends 181, 91 for "not available").
	if p.Lon == 0 && p.Lat == 0 || !(p.Lon >= -180 && p.Lon <= 180 && p.Lat >= -90 && p.Lat <= 90) || p.ID == "" {
		return implausibleNull
	}
	if aheadLimit > 0 && p.T.After(now.Add(aheadLimit)) {
		return implausibleFuture
	}
	if !o.has {
		return accepted
	}
	switch {
	case p.T.Equal(o.last.T):
		return duplicate // a second fix at the same instant adds nothing
	case p.T.Before(o.last.T):
		return outOfOrder
	}
	dt := p.T.Sub(o.last.T).Seconds()
	d := haversine(o.last.Lon, o.last.Lat, p.Lon, p.Lat)
	// 100 m of slack absorbs GPS noise between close fixes.
	if d > 100 && d/dt > maxKn*metresPerKnotSecond && o.rejected < maxRejected {
		return implausibleJump
	}
	return accepted
}

func (o *object) sogBelow(kn float64) bool {
	return !math.IsNaN(o.last.SOG) && o.last.SOG < kn
}
