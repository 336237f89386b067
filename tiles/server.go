package tiles

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

const (
	// NoBuffer in Config.Buffer renders tiles without a buffer (0 means
	// DefaultBuffer).
	NoBuffer = -1
	// DefaultCacheBytes is the tile cache size when Config.CacheBytes is 0.
	DefaultCacheBytes = 64 << 20
	// maxExtent bounds Config.Extent.
	maxExtent = 1 << 16
)

// Config configures a tile Server. Zero values take the defaults.
type Config struct {
	// Index holds the features; required.
	Index *spatial.Index
	// Catalog holds the layers and decides access; required.
	Catalog *layers.Catalog
	// Buffer is the margin rendered around each tile, in units of the
	// tile's extent: 0 means DefaultBuffer (256), NoBuffer means none.
	Buffer int
	// Extent is the tile width in tile units: 0 means DefaultExtent (4096).
	Extent int
	// CacheBytes bounds the tile cache: 0 means DefaultCacheBytes, a
	// negative value disables caching (concurrent requests for the same
	// tile still render once).
	CacheBytes int64
	// Archives serve some layers from pre-rendered files instead of the
	// index, by layer id (see Archive).
	Archives map[string]Archive
	// Aggregates configures the H3 and heat tiles (aggregate.go).
	Aggregates AggConfig
	// TileBytes is the tile-wide byte budget: a tile over it loses its
	// least visible features first (budget.go). 0 means DefaultTileBytes,
	// a negative value none.
	TileBytes int
	// TileFeatures is the tile-wide feature budget; 0 means none.
	TileFeatures int
	// OnChange, when set, hears every Invalidate with bounds as the tiles
	// it touched (the tile-invalidation events of /api/stream?topics=tiles),
	// on the invalidating goroutine: it must be quick.
	OnChange func(Change)
}

// withDefaults returns c with zero values replaced by the defaults.
func (c Config) withDefaults() Config {
	switch c.Buffer {
	case 0:
		c.Buffer = DefaultBuffer
	case NoBuffer:
		c.Buffer = 0
	}
	if c.Extent == 0 {
		c.Extent = DefaultExtent
	}
	if c.CacheBytes == 0 {
		c.CacheBytes = DefaultCacheBytes
	}
	switch {
	case c.TileBytes == 0:
		c.TileBytes = DefaultTileBytes
	case c.TileBytes < 0:
		c.TileBytes = 0
	}
	return c
}

// Validate reports whether the configuration can run a server.
func (c Config) Validate() error {
	d := c.withDefaults()
	switch {
	case c.Index == nil:
		return errors.New("tiles: config: Index is required")
	case c.Catalog == nil:
		return errors.New("tiles: config: Catalog is required")
	case d.Extent <= 0 || d.Extent > maxExtent:
		return fmt.Errorf("tiles: config: extent %d is outside 1..%d", c.Extent, maxExtent)
	case d.Buffer < 0 || d.Buffer > d.Extent:
		return fmt.Errorf("tiles: config: buffer %d is outside 0..extent (%d) (use NoBuffer for none)", c.Buffer, d.Extent)
	}
	return c.Aggregates.validate()
}

// Server renders, caches and describes vector tiles. It is safe for
// concurrent use.
type Server struct {
	index    *spatial.Index
	catalog  *layers.Catalog
	opts     tileOptions
	cache    *cache
	archives map[string]Archive
	agg      *aggTiles // H3 and heat tiles, their own cache
	onChange func(Change)
	stats    statsBook
}

// New returns a server for the configuration. A configuration that fails
// Validate is a programming error and makes New panic; call Validate first
// to check one that comes from outside.
func New(cfg Config) *Server {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	cfg = cfg.withDefaults()
	opts := tileOptions{buffer: cfg.Buffer, extent: cfg.Extent, tileBytes: cfg.TileBytes, tileFeatures: max(0, cfg.TileFeatures)}
	return &Server{
		index:    cfg.Index,
		catalog:  cfg.Catalog,
		opts:     opts,
		cache:    newCache(cfg.CacheBytes, opts),
		archives: cfg.Archives,
		agg:      newAggTiles(cfg, opts),
		onChange: cfg.OnChange,
	}
}

// Buffer returns the buffer in tile units.
func (s *Server) Buffer() int { return s.opts.buffer }

// Extent returns the tile extent in tile units.
func (s *Server) Extent() int { return s.opts.extent }

// Tile returns tile z/x/y with one MVT layer per requested layer id (named
// by the id, in request order; repeated ids count once). A tile without
// features has an empty body (the API answers 204). Layers outside their
// zoom range contribute nothing. Only the fields of layers.VisibleFields(p,
// l) are encoded.
//
// Errors: a bad coordinate or an empty layer list wraps ErrBadTile; an
// unknown layer, and a layer p may not see, give the same error wrapping
// layers.ErrUnknownLayer, so the answer never reveals that a hidden layer
// exists; a cancelled ctx gives ctx.Err().
func (s *Server) Tile(ctx context.Context, p layers.Principal, layerIDs []string, z, x, y int) (Tile, error) {
	return s.TileFormat(ctx, p, MVT, layerIDs, z, x, y)
}

// TileFormat is Tile in format f. Both formats come from the same render
// path and hold the same features and properties; each is cached on its
// own, has its own ETags, and is invalidated by the same writes.
func (s *Server) TileFormat(ctx context.Context, p layers.Principal, f Format, layerIDs []string, z, x, y int) (Tile, error) {
	c, err := NewCoord(z, x, y)
	if err != nil {
		return Tile{}, err
	}
	var lbuf [4]*layers.Layer
	ls, err := s.resolve(p, layerIDs, lbuf[:0])
	if err != nil {
		return Tile{}, err
	}
	// The key names the tile, not a version of its data: a write drops
	// exactly the entries it touches (Invalidate), so other tiles of the
	// layer stay cached across writes. A hit allocates nothing.
	var kbuf [96]byte
	key := appendCacheKey(kbuf[:0], p, ls, c, f)
	if t, ok := s.cache.get(key); ok {
		s.stats.served(ls, c.Z, true, len(t.Bytes()))
		return t, nil
	}
	t, err := s.render(ctx, p, slices.Clone(ls), c, f, string(key))
	if err == nil {
		s.stats.served(ls, c.Z, false, len(t.Bytes()))
	}
	return t, err
}

// render renders a tile through the cache, which de-duplicates concurrent
// renders of the same key.
func (s *Server) render(ctx context.Context, p layers.Principal, ls []*layers.Layer, c Coord, f Format, key string) (Tile, error) {
	if s.anyArchived(ls) {
		if f != MVT {
			return Tile{}, fmt.Errorf("%w: archive layers are served as MVT only", ErrBadTile)
		}
		return s.renderArchived(ctx, p, ls, c, key)
	}
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	return s.cache.do(ctx, key, ids, c, func(ctx context.Context) (Tile, error) {
		reqs := make([]layerRequest, len(ls))
		for i, l := range ls {
			reqs[i] = layerRequest{layer: l, fields: layers.VisibleFields(p, l)}
		}
		start := time.Now()
		data, err := renderTile(ctx, s.index, reqs, c, s.opts, f)
		if err != nil {
			return Tile{}, err
		}
		s.stats.encoded(ids, c.Z, time.Since(start))
		t := newTile(data)
		t.format = f
		return withETags(t), nil
	})
}

// resolve appends to dst the requested layers, each once, in request order,
// after checking that p may see every one.
func (s *Server) resolve(p layers.Principal, ids []string, dst []*layers.Layer) ([]*layers.Layer, error) {
	if len(ids) == 0 {
		return nil, fmt.Errorf("%w: no layer requested", ErrBadTile)
	}
	for _, id := range ids {
		if slices.ContainsFunc(dst, func(l *layers.Layer) bool { return l.ID == id }) {
			continue
		}
		l, err := s.visibleLayer(p, id)
		if err != nil {
			return nil, err
		}
		dst = append(dst, l)
	}
	return dst, nil
}

// visibleLayer returns the layer if it exists and p may see it, and
// otherwise one and the same not-found error.
func (s *Server) visibleLayer(p layers.Principal, id string) (*layers.Layer, error) {
	l, err := s.catalog.Get(id)
	if err != nil || !layers.CanSee(p, l) {
		return nil, fmt.Errorf("tiles: %w %q", layers.ErrUnknownLayer, id)
	}
	return l, nil
}

// appendCacheKey appends [mlt:] clearance | z/x/y | id for each layer, in
// request order. The clearance stands for the principal because visibility
// depends on it alone; MLT keys start with "mlt:", which no clearance does.
func appendCacheKey(b []byte, p layers.Principal, ls []*layers.Layer, c Coord, f Format) []byte {
	if f == MLT {
		b = append(b, "mlt:"...)
	}
	b = append(b, clearance(p)...)
	b = append(b, '|')
	b = strconv.AppendInt(b, int64(c.Z), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(c.X), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(c.Y), 10)
	for _, l := range ls {
		b = append(b, '|')
		b = append(b, l.ID...)
	}
	return b
}

// clearance normalises p's clearance as the access policy reads it: empty
// or unknown counts as public.
func clearance(p layers.Principal) layers.Access {
	switch p.Clearance {
	case layers.Internal, layers.Restricted:
		return p.Clearance
	}
	return layers.Public
}

// Invalidate drops the cached tiles of the layer, at every zoom, whose
// buffered bounds intersect any of the bounds (a write's old and new
// bounds), frees their bytes, and keeps renders already running for those
// tiles out of the cache. With no bounds it drops every tile of the layer.
// The cache holds no layer version: every change to the index must be
// followed by Invalidate (the store's change feed does it on every write,
// after the index has applied it), or tiles stay stale. It is quick, bounded
// by the cache size even for bulk writes, and does not block on rendering.
func (s *Server) Invalidate(layer string, bounds ...orb.Bound) {
	s.cache.invalidate(layer, bounds)
	s.agg.cache.invalidate(layer, bounds)
	if s.onChange != nil {
		if c, ok := s.change(layer, bounds); ok {
			s.onChange(c)
		}
	}
}

// CacheStats returns the cache counters.
func (s *Server) CacheStats() CacheStats { return s.cache.stats() }
