// Package steward applies a data steward's changes to the layer catalog
// while the server runs: create, change and retire a layer. A change is
// validated (as the YAML catalog is, and against the features already
// stored), stored durably at the next catalog version, and then takes
// effect at once: the catalog's snapshot is swapped, the layer's features
// are re-read under the new schema when its fields changed, and whatever
// caches per-layer state (tiles, indicators) is told.
package steward

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"bando/layers"
	"bando/spatial"
	"bando/store"
)

// Backend is what the manager needs of the store: the catalog entries, the
// stored features to check a change against, a way to re-read a layer into
// the index, and deletes for a purge. store.Pebble implements it.
type Backend interface {
	store.CatalogStore
	ScanStored(ctx context.Context, layer string, fn func(store.StoredFeature) error) error
	ReloadLayer(ctx context.Context, l *layers.Layer, idx *spatial.Index, swapped func()) (int, error)
	Delete(ctx context.Context, l *layers.Layer, ids []string) ([]store.Change, error)
}

// Config configures a Manager.
type Config struct {
	Catalog *layers.Catalog
	Store   Backend
	Index   *spatial.Index
	// Changed is called after a layer was created, changed or retired,
	// with the catalog already holding the new state: the tile cache drops
	// the layer's tiles, indicators reading it recompute.
	Changed func(id string)
	Logger  *slog.Logger
}

// Manager applies catalog changes, one at a time.
type Manager struct {
	cfg    Config
	mu     sync.Mutex
	pinned map[string]string // layer id → why its fields may not change (Pin)
}

// New returns a manager.
func New(cfg Config) *Manager {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Changed == nil {
		cfg.Changed = func(string) {}
	}
	return &Manager{cfg: cfg}
}

// Result says what a change did.
type Result struct {
	Layer   *layers.Layer // the layer as it is now; for a retirement, as it was
	Version uint64        // the catalog version the change produced
	Purged  int           // features deleted with a retired layer
}

// Create adds a new layer from its catalog entry.
func (m *Manager) Create(ctx context.Context, body []byte) (Result, error) {
	l, err := parse(body, "")
	if err != nil {
		return Result{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, err := m.cfg.Catalog.Get(l.ID); err == nil {
		return Result{}, &Error{Kind: Exists, Msg: fmt.Sprintf("layer %q exists; change it with PUT /collections/%s", l.ID, l.ID)}
	}
	return m.put(ctx, nil, l, body)
}

// Replace changes the layer id to the catalog entry in body. The entry's
// id, when given, must be id.
func (m *Manager) Replace(ctx context.Context, id string, body []byte) (Result, error) {
	l, err := parse(body, id)
	if err != nil {
		return Result{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	old, err := m.cfg.Catalog.Get(id)
	if err != nil {
		return Result{}, &Error{Kind: NotFound, Msg: fmt.Sprintf("no layer %q; create it with POST /collections", id)}
	}
	return m.put(ctx, old, l, body)
}

// put checks l against the catalog and the stored features, stores it,
// swaps it in and re-reads its features if their layout changed.
func (m *Manager) put(ctx context.Context, old, l *layers.Layer, body []byte) (Result, error) {
	if old != nil && !layers.SameFields(old, l) {
		if err := m.pinnedError(l.ID); err != nil {
			return Result{}, err
		}
	}
	next, err := m.cfg.Catalog.Next(l, "")
	if err != nil {
		return Result{}, &Error{Kind: Invalid, Msg: err.Error(), Err: err}
	}
	stored, err := m.check(ctx, old, l)
	if err != nil {
		return Result{}, err
	}
	v := m.cfg.Catalog.Version() + 1
	if err := m.cfg.Store.SaveLayer(ctx, store.CatalogEntry{ID: l.ID, Version: v, Body: body}); err != nil {
		return Result{}, err
	}
	// Stored: from here the change happens even if the client goes away.
	ctx = context.WithoutCancel(ctx)
	set := func() { m.cfg.Catalog.Set(next, v) }
	if stored > 0 && (old == nil || !layers.SameFields(old, l)) {
		// The features held in memory are laid out by the old fields:
		// re-read them under the new ones, and swap the catalog with them.
		// The entry is durable, so the catalog changes even if the re-read
		// fails; the layer is then dropped from memory rather than served
		// laid out by the wrong fields, until a restart reads it again.
		if _, err := m.cfg.Store.ReloadLayer(ctx, l, m.cfg.Index, set); err != nil {
			m.cfg.Logger.Error("steward: re-read layer after change failed; restart to serve its features", "layer", l.ID, "err", err)
			set()
			m.cfg.Index.DropLayer(l.ID)
		}
	} else {
		set()
	}
	m.cfg.Changed(l.ID)
	m.cfg.Logger.Info("catalog: layer stored", "layer", l.ID, "version", v, "created", old == nil)
	return Result{Layer: l, Version: v}, nil
}

// Retire removes layer id from the catalog. A layer that still holds
// features is refused unless purge, which deletes them first (through the
// store, so the index, tiles and indicators follow as for any delete).
func (m *Manager) Retire(ctx context.Context, id string, purge bool) (Result, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	old, err := m.cfg.Catalog.Get(id)
	if err != nil {
		return Result{}, &Error{Kind: NotFound, Msg: fmt.Sprintf("no layer %q", id)}
	}
	if err := m.pinnedError(id); err != nil {
		return Result{}, err
	}
	next, err := m.cfg.Catalog.Next(nil, id)
	if err != nil {
		return Result{}, &Error{Kind: Conflict, Msg: err.Error(), Err: err}
	}
	ids, err := m.storedIDs(ctx, id)
	if err != nil {
		return Result{}, err
	}
	if len(ids) > 0 && !purge {
		return Result{}, &Error{Kind: Conflict, Msg: fmt.Sprintf(
			"layer %q holds %d features; retire it with ?purge=true to delete them too, or delete them first", id, len(ids))}
	}
	ctx = context.WithoutCancel(ctx) // a purge once begun is finished
	if err := m.purge(ctx, old, ids); err != nil {
		return Result{}, err
	}
	v := m.cfg.Catalog.Version() + 1
	if err := m.cfg.Store.DeleteLayer(ctx, id, v); err != nil {
		return Result{}, err
	}
	m.cfg.Catalog.Set(next, v)
	m.cfg.Index.DropLayer(id)
	m.cfg.Changed(id)
	m.cfg.Logger.Info("catalog: layer retired", "layer", id, "version", v, "purged", len(ids))
	return Result{Layer: old, Version: v, Purged: len(ids)}, nil
}

// purgeBatch is how many features one delete call removes.
const purgeBatch = 4096

func (m *Manager) purge(ctx context.Context, l *layers.Layer, ids []string) error {
	for len(ids) > 0 {
		n := min(len(ids), purgeBatch)
		if _, err := m.cfg.Store.Delete(ctx, l, ids[:n]); err != nil {
			return fmt.Errorf("steward: purge %s: %w", l.ID, err)
		}
		ids = ids[n:]
	}
	return nil
}

func (m *Manager) storedIDs(ctx context.Context, id string) ([]string, error) {
	var ids []string
	err := m.cfg.Store.ScanStored(ctx, id, func(f store.StoredFeature) error {
		ids = append(ids, f.ID)
		return nil
	})
	return ids, err
}

// parse reads a catalog entry; id, when not empty, is the id the entry
// must have (taken as the id when the entry names none).
func parse(body []byte, id string) (*layers.Layer, error) {
	l, err := layers.ParseEntry(body, id)
	switch {
	case errors.Is(err, layers.ErrMalformedEntry):
		return nil, &Error{Kind: Malformed, Msg: err.Error(), Err: err}
	case err != nil:
		return nil, &Error{Kind: Invalid, Msg: err.Error(), Err: err}
	case id != "" && l.ID != id:
		return nil, &Error{Kind: Invalid, Msg: fmt.Sprintf("the entry's id %q is not the layer's %q: a layer cannot be renamed", l.ID, id)}
	}
	return l, nil
}

// Pin marks layers whose fields a running component read at start and
// keeps by position (the live twin's): changing their fields, or retiring
// them, is refused with reason until a restart. Other changes (titles,
// style, zoom, access) go through.
func (m *Manager) Pin(ids []string, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.pinned == nil {
		m.pinned = map[string]string{}
	}
	for _, id := range ids {
		m.pinned[id] = reason
	}
}

// pinnedError refuses a change to a pinned layer's fields, or nil.
func (m *Manager) pinnedError(id string) error {
	if reason, ok := m.pinned[id]; ok {
		return &Error{Kind: Conflict, Msg: fmt.Sprintf("layer %q: %s", id, reason)}
	}
	return nil
}
