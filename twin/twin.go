// Package twin is bando's live digital twin: the last state of every moving
// object and sensor (in memory and in the spatial index), their tracks in
// the store, the rules evaluated on observation time (with a clock for the
// rules that fire on silence), the alerts they raise, and the events the
// stream and the outbox carry.
//
// One mutex orders every update: rules look across objects (pairs, groups),
// and the order in which fixes are applied is the order in which their
// batch is applied to the store, so memory and disk agree. The fsync is
// waited for outside the mutex, so concurrent feeds share it.
package twin

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"sync"
	"time"

	"bando/ingest/feeds"
	"bando/layers"
	"bando/spatial"
	"bando/store"

	"github.com/paulmach/orb"
)

// Config configures a Twin.
type Config struct {
	Catalog *layers.Catalog
	Index   *spatial.Index
	// Store makes tracks, states and alerts durable; nil keeps them in
	// memory only (a replay).
	Store *store.Pebble
	Rules Rules
	Hub   *Hub
	// Outbox receives every alert change for its sinks; nil has none.
	Outbox *Outbox
	Logger *slog.Logger
	// Layer takes the positions (default: the first catalog layer of kind
	// vessel or vehicle); SensorLayer the observations (first of kind
	// sensor).
	Layer, SensorLayer string
	// MaxAhead refuses fixes more than this after the wall clock; 0 turns
	// the check off (a replay of a simulated future).
	MaxAhead time.Duration
	// FeedClock runs the silence rules on the latest observation time
	// seen instead of the wall clock (a replay).
	FeedClock bool
	// Now is the wall clock (default time.Now).
	Now func() time.Time
	// OnMove is told the bounds a batch of fixes touched, per layer, so
	// that cached tiles are dropped.
	OnMove func(layer string, bounds []orb.Bound)
}

// Twin is the live state. It implements feeds.Sink.
type Twin struct {
	cfg   Config
	props propIndex

	mu       sync.Mutex
	objects  map[string]*object
	sensors  map[string]*sensor
	vessels  map[string]*feeds.Vessel
	byMMSI   map[uint32]string
	grid     *grid
	groups   []*gathering
	nextGrp  uint64
	alerts   *alertBook
	clock    time.Time // the latest observation time seen
	lastTick time.Time
	posCount map[string]*[nOutcomes]uint64 // per source
	obsCount map[string]*[nOutcomes]uint64
	maxPort  float64 // the largest port distance any rule asks for
	land     *landMask
	// provinceField is the position of the province code in the coastal
	// zone layer's schema, -1 when it has none; classField that of the
	// band in a single zone layer.
	provinceField, classField int
	// staleEvery is each sensor layer's expected interval.
	staleEvery map[string]time.Duration
	// relay, when set, carries the writes through a shared log (see
	// shared.go); it is set before the twin serves and never changes.
	relay Relay
}

var _ feeds.Sink = (*Twin)(nil)

// tickEvery is how often the feed clock runs the silence rules in a
// replay. Their alerts carry the exact moment the threshold was crossed,
// so the step changes only when they are noticed, not what they say.
const tickEvery = time.Minute

// New returns a twin, restoring what the store holds.
func New(ctx context.Context, cfg Config) (*Twin, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Index == nil {
		cfg.Index = spatial.NewIndex()
	}
	if err := cfg.Rules.Validate(); err != nil {
		return nil, err
	}
	if cfg.Catalog != nil {
		for _, l := range cfg.Catalog.All() {
			if cfg.Layer == "" && (l.Kind == layers.KindVessel || l.Kind == layers.KindVehicle) {
				cfg.Layer = l.ID
			}
			if cfg.SensorLayer == "" && l.Kind == layers.KindSensor {
				cfg.SensorLayer = l.ID
			}
		}
	}
	if cfg.Layer == "" {
		cfg.Layer = "vessels"
	}
	if cfg.SensorLayer == "" {
		cfg.SensorLayer = "sensors"
	}
	t := &Twin{cfg: cfg, objects: map[string]*object{}, sensors: map[string]*sensor{},
		vessels: map[string]*feeds.Vessel{}, byMMSI: map[uint32]string{}, grid: newGrid(),
		alerts: newAlertBook(), posCount: map[string]*[nOutcomes]uint64{},
		obsCount: map[string]*[nOutcomes]uint64{}}
	r := cfg.Rules
	t.maxPort = max(r.SignalLoss.AtSeaFrom, r.Gathering.PortDistM, r.Encounter.PortDistM)
	start := time.Now()
	t.land = buildLandMask(cfg.Index, r.Land, r.Ports)
	if r.Land.Layer != "" {
		cfg.Logger.Info("twin: land mask", "layer", r.Land.Layer, "deep_cells", len(t.land.deep),
			"took", time.Since(start).Round(time.Millisecond))
	}
	t.provinceField, t.classField = -1, -1
	t.staleEvery = map[string]time.Duration{}
	if cfg.Catalog != nil {
		if l, err := cfg.Catalog.Get(cfg.Layer); err == nil {
			t.props = newPropIndex(l)
		}
		coastal := r.Zones.Coastal
		if r.Zones.Layer != "" {
			coastal = r.Zones.Layer
			l, err := cfg.Catalog.Get(r.Zones.Layer)
			if err != nil {
				return nil, fmt.Errorf("twin: rules: permitted_zones.layer: %w", err)
			}
			if t.classField = l.FieldIndex(r.Zones.ClassField); t.classField < 0 {
				return nil, fmt.Errorf("twin: rules: permitted_zones: layer %q has no field %q", l.ID, r.Zones.ClassField)
			}
		}
		if l, err := cfg.Catalog.Get(coastal); err == nil {
			t.provinceField = l.FieldIndex(r.Zones.ProvinceField)
		}
	}
	if err := t.restore(ctx); err != nil {
		return nil, err
	}
	return t, nil
}

// Layer is the layer of the moving objects.
func (t *Twin) Layer() string { return t.cfg.Layer }

// SensorLayer is the layer of the sensors.
func (t *Twin) SensorLayer() string { return t.cfg.SensorLayer }

// Positions implements feeds.Sink: it returns once every accepted fix is
// durable (and the alerts they raised with them).
func (t *Twin) Positions(ctx context.Context, ps []feeds.Position) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if r := t.relay; r != nil {
		return r.Positions(ctx, ps)
	}
	return t.positions(ps, 0)
}

// positions applies a batch of fixes; seq, when not 0, is the shared
// log's sequence the batch ends at (see shared.go).
func (t *Twin) positions(ps []feeds.Position, seq uint64) error {
	now := t.cfg.Now().UTC()
	spots := t.locate(ps)
	u := t.newUpdate()
	u.seq = seq
	u.moves = make([]moved, 0, len(ps))
	u.feats = make([]*spatial.Feature, 0, len(ps))
	u.bounds = make([]orb.Bound, 0, len(ps))
	t.mu.Lock()
	for i := range ps {
		at := now
		if seq != 0 && !ps[i].Arrived.IsZero() {
			// From the shared log: judged against when it arrived, so that
			// every replica, and a replay after a restart, judge alike.
			at = ps[i].Arrived
		}
		t.position(u, &ps[i], &spots[i], at)
	}
	err := u.apply(t)
	t.mu.Unlock()
	return u.finish(t, err)
}

func (t *Twin) position(u *update, p *feeds.Position, sp *spot, now time.Time) {
	if p.Arrived.IsZero() {
		p.Arrived = now
	}
	p.T = p.T.UTC()
	p.ID = t.resolveID(p.ID)
	o := t.objects[p.ID]
	if o == nil {
		o = &object{id: p.ID, layer: t.cfg.Layer, portDist: math.Inf(1), vessel: t.vessels[p.ID]}
		t.objects[p.ID] = o
	}
	oc := o.classify(p, now, t.cfg.MaxAhead, t.cfg.Rules.MaxSpeedKn)
	if sp.deepLand && (oc == accepted || oc == outOfOrder) {
		oc = implausibleLand
	}
	t.countPos(p.Source, oc)
	switch oc {
	case implausibleJump:
		o.rejected++
		return
	case duplicate, implausibleFuture, implausibleNull, implausibleLand:
		return
	case outOfOrder:
		u.track(t, o, fixOf(p)) // into the track, in time order by key; not into the rules
		return
	}
	o.rejected = 0
	f := fixOf(p)
	u.track(t, o, f)
	t.advance(f.T)
	t.applyFix(o, f, sp)
	u.moved(t, o)
}

func (t *Twin) resolveID(id string) string {
	if len(id) > 5 && id[:5] == "mmsi:" {
		var n uint32
		if _, err := fmt.Sscan(id[5:], &n); err == nil {
			if reg, ok := t.byMMSI[n]; ok {
				return reg
			}
		}
	}
	return id
}

// advance moves the feed clock; in a replay it also runs the silence
// rules on it.
func (t *Twin) advance(at time.Time) {
	if !at.After(t.clock) {
		return
	}
	t.clock = at
	if t.cfg.FeedClock && at.Sub(t.lastTick) >= tickEvery {
		t.tickLocked(at)
	}
}

// Tick runs the rules that fire on silence at the wall clock time now (a
// live server calls it periodically) and makes their alerts durable.
func (t *Twin) Tick(ctx context.Context, now time.Time) error {
	if r := t.relay; r != nil {
		return r.Tick(ctx, now)
	}
	return t.tick(now, 0)
}

func (t *Twin) tick(now time.Time, seq uint64) error {
	u := t.newUpdate()
	u.seq = seq
	t.mu.Lock()
	t.tickLocked(now.UTC())
	err := u.apply(t)
	t.mu.Unlock()
	return u.finish(t, err)
}

// Flush runs the silence rules at the feed clock (the end of a replay).
func (t *Twin) Flush(ctx context.Context) error {
	t.mu.Lock()
	now := t.clock
	t.mu.Unlock()
	return t.tick(now, 0)
}

func (t *Twin) tickLocked(now time.Time) {
	t.lastTick = now
	t.signalLoss(now)
	t.staleSensors(now)
}

// Vessels implements feeds.Sink: registry records, durable on return.
func (t *Twin) Vessels(ctx context.Context, vs []feeds.Vessel) error {
	if r := t.relay; r != nil {
		return r.Vessels(ctx, vs)
	}
	return t.vesselRecords(vs, 0)
}

func (t *Twin) vesselRecords(vs []feeds.Vessel, seq uint64) error {
	u := t.newUpdate()
	u.seq = seq
	t.mu.Lock()
	for i := range vs {
		v := vs[i]
		if v.ID == "" {
			continue
		}
		t.vessels[v.ID] = &v
		if v.MMSI != 0 {
			t.byMMSI[v.MMSI] = v.ID
		}
		if o := t.objects[v.ID]; o != nil {
			o.vessel = &v
		}
		u.vessel(&v)
	}
	err := u.apply(t)
	t.mu.Unlock()
	return u.finish(t, err)
}

// Clock returns the latest observation time seen.
func (t *Twin) Clock() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.clock
}

func (t *Twin) countPos(source string, oc outcome) {
	c := t.posCount[source]
	if c == nil {
		c = new([nOutcomes]uint64)
		t.posCount[source] = c
	}
	c[oc]++
}

// Counts returns, per source, how many positions (obs false) or
// observations (obs true) had each outcome: accepted, duplicate,
// out_of_order, implausible_future, implausible_jump, implausible_null, implausible_land.
func (t *Twin) Counts(obs bool) map[string]map[string]uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	src := t.posCount
	if obs {
		src = t.obsCount
	}
	out := make(map[string]map[string]uint64, len(src))
	for s, c := range src {
		m := make(map[string]uint64, nOutcomes)
		for i, n := range c {
			m[outcomeNames[i]] = n
		}
		out[s] = m
	}
	return out
}
