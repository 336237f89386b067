package twin

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"time"
)

// Alert states.
const (
	Open         = "open"
	Acknowledged = "acknowledged"
	Resolved     = "resolved"
)

// Alert kinds.
const (
	KindGeofenceEnter = "geofence_enter"
	KindGeofenceExit  = "geofence_exit"
	KindOutsideZone   = "outside_permitted_zone"
	KindSignalLoss    = "signal_loss"
	KindGathering     = "gathering"
	KindEncounter     = "encounter"
	KindThreshold     = "threshold"
	KindStale         = "stale"
)

// Alert is one raised condition. There is at most one unresolved alert per
// rule × subject (an object, a pair, a group, a sensor quantity).
type Alert struct {
	ID      string   `json:"id"`
	Kind    string   `json:"kind"`
	Level   string   `json:"level"`
	Objects []string `json:"objects"`
	// Layer is the objects' layer: the access policy decides who sees the
	// alert by it.
	Layer      string     `json:"layer"`
	OpenedAt   time.Time  `json:"opened_at"`
	ResolvedAt *time.Time `json:"resolved_at"`
	Zone       string     `json:"zone"`
	Evidence   []Evidence `json:"evidence"`
	State      string     `json:"state"`
	Ack        *Ack       `json:"ack,omitempty"`
	// Version counts the alert's changes; with the id it is the
	// idempotency key of each delivery.
	Version int    `json:"version"`
	Subject string `json:"subject"`
	seq     uint64
}

// Ack records who acknowledged an alert.
type Ack struct {
	By   string    `json:"by"`
	At   time.Time `json:"at"`
	Note string    `json:"note,omitempty"`
}

// Evidence is a position or an observation behind an alert.
type Evidence struct {
	ID       string    `json:"id"`
	T        time.Time `json:"t"`
	Lon      *float64  `json:"lon,omitempty"`
	Lat      *float64  `json:"lat,omitempty"`
	SOG      *float64  `json:"sog,omitempty"`
	Quantity string    `json:"quantity,omitempty"`
	Value    *float64  `json:"value,omitempty"`
}

func fixEvidence(id string, f fix) Evidence {
	e := Evidence{ID: id, T: f.T, Lon: ptr(f.Lon), Lat: ptr(f.Lat)}
	if f.SOG == f.SOG { // not NaN
		e.SOG = ptr(f.SOG)
	}
	return e
}

func ptr(v float64) *float64 { return &v }

// ReplayLine is the NDJSON shape of an alert printed by bando twin replay.
type ReplayLine struct {
	Kind       string     `json:"kind"`
	Level      string     `json:"level"`
	Objects    []string   `json:"objects"`
	OpenedAt   time.Time  `json:"opened_at"`
	ResolvedAt *time.Time `json:"resolved_at"`
	Zone       string     `json:"zone"`
	Evidence   []Evidence `json:"evidence"`
}

// Line is the alert in the replay shape.
func (a *Alert) Line() ReplayLine {
	return ReplayLine{Kind: a.Kind, Level: a.Level, Objects: a.Objects, OpenedAt: a.OpenedAt,
		ResolvedAt: a.ResolvedAt, Zone: a.Zone, Evidence: a.Evidence}
}

// alertBook holds every alert and the open one per rule × subject.
type alertBook struct {
	all  []*Alert // in opening order
	byID map[string]*Alert
	open map[ruleKey]*Alert
	next uint64
	// changed collects the alerts changed by the current update, to
	// persist, publish and deliver once it is durable.
	changed []*Alert
	// stable names alerts by what they are rather than by a local
	// counter, so that replicas name the same alert alike (shared.go).
	stable bool
}

// ruleKey is a rule × subject; a struct key costs no concatenation.
type ruleKey struct{ kind, subject string }

func newAlertBook() *alertBook {
	return &alertBook{byID: map[string]*Alert{}, open: map[ruleKey]*Alert{}}
}

func openKey(kind, subject string) ruleKey { return ruleKey{kind, subject} }

func (b *alertBook) isOpen(kind, subject string) *Alert { return b.open[openKey(kind, subject)] }

// raise opens an alert unless one is open for the rule × subject.
func (b *alertBook) raise(a *Alert) *Alert {
	k := openKey(a.Kind, a.Subject)
	if cur := b.open[k]; cur != nil {
		return cur
	}
	b.next++
	a.seq = b.next
	a.ID = fmt.Sprintf("al-%d", a.seq)
	if b.stable {
		a.ID = b.stableID(a)
	}
	a.State = Open
	a.Version = 1
	b.add(a)
	b.changed = append(b.changed, a)
	return a
}

func (b *alertBook) add(a *Alert) {
	b.all = append(b.all, a)
	b.byID[a.ID] = a
	if a.State != Resolved {
		b.open[openKey(a.Kind, a.Subject)] = a
	}
	if a.seq > b.next {
		b.next = a.seq
	}
}

// resolve closes the open alert of a rule × subject, if any.
func (b *alertBook) resolve(kind, subject string, at time.Time) *Alert {
	k := openKey(kind, subject)
	a := b.open[k]
	if a == nil {
		return nil
	}
	delete(b.open, k)
	at = at.UTC()
	a.ResolvedAt = &at
	a.State = Resolved
	b.touch(a)
	return a
}

// touch records a change of a.
func (b *alertBook) touch(a *Alert) {
	a.Version++
	for _, c := range b.changed {
		if c == a {
			return
		}
	}
	b.changed = append(b.changed, a)
}

func (b *alertBook) takeChanged() []*Alert {
	c := b.changed
	b.changed = nil
	return c
}

// AlertFilter selects alerts; empty fields match everything.
type AlertFilter struct {
	State, Kind, Object string
}

func (f AlertFilter) match(a *Alert) bool {
	if f.State != "" && f.State != a.State {
		return false
	}
	if f.Kind != "" && f.Kind != a.Kind {
		return false
	}
	if f.Object == "" {
		return true
	}
	for _, o := range a.Objects {
		if o == f.Object {
			return true
		}
	}
	return false
}

// sortAlerts orders alerts deterministically: by opening time, kind,
// objects, zone.
func sortAlerts(as []*Alert) {
	sort.SliceStable(as, func(i, j int) bool {
		a, b := as[i], as[j]
		if !a.OpenedAt.Equal(b.OpenedAt) {
			return a.OpenedAt.Before(b.OpenedAt)
		}
		if a.Kind != b.Kind {
			return a.Kind < b.Kind
		}
		if x, y := fmt.Sprint(a.Objects), fmt.Sprint(b.Objects); x != y {
			return x < y
		}
		return a.Zone < b.Zone
	})
}

func encodeAlert(a *Alert) ([]byte, error) {
	b, err := json.Marshal(a)
	if err != nil {
		return nil, fmt.Errorf("twin: encode alert %s: %w", a.ID, err)
	}
	return b, nil
}

// stableID names an alert by its rule, subject and opening time: every
// replica that applies the same positions in the same order opens it at
// the same time, so they all give it this id, whatever else they hold
// (a replica that started later counts alerts differently). The rule ×
// subject has one open alert at a time, so the triple is unique but for
// a re-opening at the very instant of the resolution; a suffix then
// tells them apart, alike on every replica.
func (b *alertBook) stableID(a *Alert) string {
	h := sha256.Sum256([]byte(a.Kind + "\x00" + a.Subject + "\x00" + a.OpenedAt.UTC().Format(time.RFC3339Nano)))
	id := "al-" + hex.EncodeToString(h[:8])
	for n := 2; b.byID[id] != nil; n++ {
		id = fmt.Sprintf("al-%s-%d", hex.EncodeToString(h[:8]), n)
	}
	return id
}
