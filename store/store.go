// Package store is bando's durable system of record. The embedded default is
// Pebble (an LSM key-value store); every write is synced before it is
// acknowledged and becomes events on the change feed.
package store

import (
	"context"
	"errors"
	"time"

	"bando/layers"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// ErrNotFound is returned for a feature that is not stored.
var ErrNotFound = errors.New("store: not found")

// ErrUnavailable is wrapped by errors of a store that cannot be reached
// (a database restarting, a network blip): the write may be retried, and
// the API answers 503 with Retry-After.
var ErrUnavailable = errors.New("store: unavailable")

// ChangeKind says what a change did to a feature.
type ChangeKind string

// Change kinds.
const (
	Upsert ChangeKind = "upsert"
	Delete ChangeKind = "delete"
)

// Change is one event of the change feed: every write to the store becomes
// one Change per feature. The index, the tile cache and the twin's rules all
// consume the same events.
type Change struct {
	Layer   string
	ID      string
	Kind    ChangeKind
	Old     *orb.Bound // bounds before the change, nil if the feature was new
	New     *orb.Bound // bounds after the change, nil for a delete
	Version uint64     // the layer version this change produced
	Seq     uint64     // commit sequence of the write, across layers and restarts
	Time    time.Time
	// Feature is the stored feature after an upsert, for in-process
	// consumers; consumers in another process reload it by id. A change
	// read back from a shared database (store/postgis) carries the feature
	// as stored when it was read: nil if a later change deleted it, a newer
	// version (with a higher Seq) if a later change replaced it.
	Feature *spatial.Feature
	// Schema is the layer declaration Feature's properties are laid out
	// by (the writer's), so that a consumer can tell a write made under a
	// declaration the catalog has since replaced (nil: unknown).
	Schema *layers.Layer
}

// Store is a durable feature store. Put and Delete are atomic per call: after
// a crash either every feature of the call is stored or none is.
type Store interface {
	// Put inserts or replaces features (by id) and returns the changes once
	// they are durable. It assigns Feature.Num to features that lack one.
	Put(ctx context.Context, l *layers.Layer, fs []*spatial.Feature) ([]Change, error)
	// Delete removes features by id; ids that are not stored are skipped.
	Delete(ctx context.Context, l *layers.Layer, ids []string) ([]Change, error)
	// Scan calls fn for every stored feature of the layer, in key order.
	Scan(ctx context.Context, l *layers.Layer, fn func(*spatial.Feature) error) error
	// Version returns the layer version (0 for a layer never written).
	Version(layer string) (uint64, error)
	// Empty reports whether the store holds no data at all (a new directory).
	Empty() (bool, error)
	Close() error
}
