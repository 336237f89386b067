package steward

import (
	"context"
	"fmt"

	"bando/layers"
	"bando/store"
)

// Replay applies the stored catalog changes over cat (the built-in and
// configured catalog), in version order, and leaves cat at the last
// version; it returns how many entries it applied. An entry that no longer
// applies (the config now declares an indicator it conflicts with) stops
// the start with an error that names it: serving without a layer a steward
// made would be a silent loss.
func Replay(ctx context.Context, cat *layers.Catalog, cs store.CatalogStore) (int, error) {
	entries, err := cs.LoadCatalog(ctx)
	if err != nil {
		return 0, err
	}
	next, version := cat, cat.Version()
	for _, e := range entries {
		version = max(version, e.Version)
		if e.Retired {
			if _, err := next.Get(e.ID); err != nil {
				continue // retired, and not declared again since
			}
			if next, err = next.Next(nil, e.ID); err != nil {
				return 0, fmt.Errorf("catalog entry %q (version %d, retired): %w", e.ID, e.Version, err)
			}
		} else {
			l, err := layers.ParseEntry(e.Body, e.ID)
			if err != nil {
				return 0, fmt.Errorf("catalog entry %q (version %d): %w", e.ID, e.Version, err)
			}
			if next, err = next.Next(l, ""); err != nil {
				return 0, fmt.Errorf("catalog entry %q (version %d): %w", e.ID, e.Version, err)
			}
		}
	}
	if len(entries) > 0 {
		cat.Set(next, version)
	}
	return len(entries), nil
}
