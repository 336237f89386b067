package store

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"
)

// CatalogEntry is one data steward's change to the catalog as stored: the
// layer's entry as it was sent (JSON or YAML, see layers.ParseEntry), or
// its retirement, at the catalog version the change produced.
type CatalogEntry struct {
	ID      string `json:"id"`
	Version uint64 `json:"version"`
	Retired bool   `json:"retired,omitempty"`
	Body    []byte `json:"body,omitempty"`
}

// CatalogStore holds the catalog changes made at run time, so that they
// survive a restart: at start they are replayed, in version order, over
// the built-in and configured catalog. Each call is durable when it
// returns. Pebble implements it here; a PostgreSQL store implements the
// same three methods over a table.
type CatalogStore interface {
	// LoadCatalog returns every stored entry (one per layer id: the last
	// change to it), in version order.
	LoadCatalog(ctx context.Context) ([]CatalogEntry, error)
	// SaveLayer stores a layer's entry, replacing any earlier one.
	SaveLayer(ctx context.Context, e CatalogEntry) error
	// DeleteLayer stores the retirement of a layer at a version: a
	// tombstone, since a retired built-in or configured layer must stay
	// retired after a restart.
	DeleteLayer(ctx context.Context, id string, version uint64) error
}

var catalogPrefix = []byte("c\x00")

func catalogKey(id string) []byte { return append(bytes.Clone(catalogPrefix), id...) }

// LoadCatalog implements CatalogStore.
func (s *Pebble) LoadCatalog(ctx context.Context) ([]CatalogEntry, error) {
	var out []CatalogEntry
	err := s.ScanRawPrefix(ctx, catalogPrefix, func(key, value []byte) error {
		var e CatalogEntry
		if err := json.Unmarshal(value, &e); err != nil {
			return fmt.Errorf("store: catalog entry %q: %w: %w", key[len(catalogPrefix):], ErrCorrupt, err)
		}
		out = append(out, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(out, func(a, b CatalogEntry) int { return cmp.Compare(a.Version, b.Version) })
	return out, nil
}

// SaveLayer implements CatalogStore.
func (s *Pebble) SaveLayer(ctx context.Context, e CatalogEntry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	v, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("store: catalog entry %q: %w", e.ID, err)
	}
	b := s.NewRawBatch()
	defer b.Close()
	if err := b.Set(catalogKey(e.ID), v); err != nil {
		return err
	}
	if err := b.Commit(); err != nil {
		return fmt.Errorf("store: save catalog entry %q: %w", e.ID, err)
	}
	return nil
}

// DeleteLayer implements CatalogStore.
func (s *Pebble) DeleteLayer(ctx context.Context, id string, version uint64) error {
	return s.SaveLayer(ctx, CatalogEntry{ID: id, Version: version, Retired: true})
}
