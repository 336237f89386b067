// Package tiles serves bando's layers as Mapbox Vector Tiles (spec 2.1)
// and MapLibre Tiles (MLT v1, package tiles/mlt): tile math, a
// hand-written MVT encoder, per-zoom clipping and simplification, a
// byte-bounded tile cache, and TileJSON.
//
// Both formats come from one render path: the renderer writes each
// layer's features (tile-grid geometry, id, visible non-null properties)
// into a layerSink, the MVT layer encoder or an MLT layer (format.go), so
// an MLT tile holds exactly the features and properties of the MVT tile
// of the same coordinates. Server.TileFormat picks the format; each is
// cached on its own key with its own ETags and dropped by the same
// invalidations.
//
// # Rendering a tile
//
// For each requested layer whose zoom range holds z:
//
//  1. Selection: exactly the features of the layer whose geometry
//     intersects the buffered tile (spatial.LayerView.Intersecting with
//     Coord.BufferedBound; contact counts, as in PostGIS ST_Intersects),
//     sorted by number then id. The buffer is Config.Buffer tile units
//     (default 256 of 4096, as ST_AsMVTGeom) on every side. The layer's
//     read lock is held from selection to encoding: features are read in
//     place (spatial.FeatureView), never materialised as orb values.
//  2. Projection of the stored lon/lat points to tile units (Web
//     Mercator; latitudes clamped to ±85.0511°). Stored geometry is only
//     read, never modified: projection, clipping, simplification and
//     quantisation write into the renderer's scratch buffers, pooled
//     between tiles (sync.Pool), as are the layer encoders.
//  3. Clipping to the buffered square: Sutherland–Hodgman for polygon
//     rings, Liang–Barsky segment clipping for lines (a line that leaves and
//     re-enters becomes several lines of one feature), and points kept when
//     they lie in the buffered lon/lat bound.
//  4. Simplification: below the layer's maximum zoom, Douglas–Peucker with
//     the catalog's generalize.simplify tolerance (default 1/8 px, one
//     tile unit: SimplifyTolerance). At the maximum zoom, none. Below it,
//     the catalog's generalisation also leaves out polygons and lines under
//     min_area / min_length, draws density cells or clusters instead of the
//     features at the zooms it says, and chooses the fields per zoom; every
//     tile keeps within its byte and feature budget (generalize.go,
//     density.go, cluster.go, budget.go).
//  5. Quantization to the integer grid (round half away from zero), then
//     removal of consecutive duplicate points. A ring with fewer than three
//     distinct points or zero area is dropped (a polygon whose exterior is
//     dropped goes with its holes); a line with fewer than two distinct
//     points is dropped. Exterior rings are written clockwise on screen
//     (positive area in tile coordinates, y down) and holes
//     counter-clockwise, whatever the input's winding.
//  6. Encoding: one MVT layer per bando layer, named by its id, version 2,
//     extent Config.Extent; feature id = spatial.Feature.Num; properties are
//     the fields layers.VisibleFields allows, with nil values left out;
//     strings and times (RFC 3339, UTC) as string values, int64 as int (or
//     sint when negative), float64 as double, bool as bool; keys and values
//     tables de-duplicated. A MultiPolygon (or MultiLineString, MultiPoint)
//     is one feature. A geometry collection becomes up to three features
//     with the same id, one per geometry type. Layers without features are
//     left out; a tile without features is empty (the API answers 204).
//
// # Dropping and keeping
//
// Below a layer's maximum zoom, a feature whose every part collapses on the
// grid (smaller than about one tile unit) is dropped, as PostGIS does. At
// the maximum zoom — the last zoom at which the layer is served, which
// clients overzoom — a selected feature is never dropped: if its geometry
// collapses (or only touches the buffered square along an edge), it is
// written in a minimal form at the centre of the part of its bounding box
// inside the buffered tile: a 1×1-unit square for polygons, a 1-unit
// segment for lines, the point itself for points. So at the maximum zoom the
// tile's features are exactly the selected ones.
//
// # Cache
//
// Tiles are cached in a byte-bounded LRU keyed by the principal's clearance
// (visibility depends on nothing else), z/x/y and the layer ids: the key
// names a place, not a version of the data, so a write elsewhere in a layer
// leaves its other tiles cached. Freshness is per tile: Server.Invalidate,
// called from the store's change feed after the index has applied a write,
// drops exactly the cached tiles, at every zoom, whose buffered bound meets
// the write's old or new bounds, frees their bytes, and marks renders
// already running for those tiles stale so they are neither cached nor
// shared with later requests. Concurrent requests for the same tile render
// once. Each rendered tile carries strong ETags (xxhash of the bytes, one for
// the raw and one for the gzip body), so a write changes the ETag of exactly
// the tiles whose bytes it changes.
package tiles
