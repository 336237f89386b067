// Package quality measures how far each layer is đúng, đủ, sạch, sống —
// correct, complete, clean and live — and keeps the figures current from the
// store's change feed.
//
//   - Validity: each geometry is valid as PostGIS ST_IsValid (GEOS) decides
//     (CheckGeometry: rings closed and long enough, no self-intersection,
//     rings that cross or touch twice, holes outside or nested, parts of a
//     MultiPolygon that overlap or share an edge, coordinates finite and in
//     lon/lat range), and lies in the province: a feature of a land layer
//     whose bounding box misses the extent of the region layer (the first
//     admin layer) is counted as outside. Invalid and outside are counted
//     apart, so that invalid equals a count of NOT ST_IsValid.
//   - Completeness: the share of features holding every field the catalog
//     marks expected: true or required: true (ingest guarantees a required
//     one, but stored data may still lack it), and the features missing
//     each one. A principal
//     sees only the expected fields it may see: the figures are computed per
//     clearance level, so a hidden field is neither named nor counted.
//   - Cleanliness: duplicates are the features whose geometry equals
//     another's exactly (the same vertices in the same order, as GROUP BY
//     geom groups them; ids cannot repeat in a keyed store). Overlaps are the
//     pairs of valid polygons of one layer whose interiors overlap while
//     neither covers the other (ST_Overlaps), within one commune when the
//     layer has a commune_code field (a feature lacking it is compared with
//     every commune). A pair where one polygon covers the other (ST_Contains
//     either way, equal polygons included) is not an overlap; it is counted
//     as contained. Candidate pairs come from the index's R-tree. With
//     Config.OverlapTolerance a pair sharing no more than that area (m²)
//     is not counted. Gaps between parcels are not measured.
//   - Liveness: the age of the layer's last write (the store keeps its time)
//     against the catalog's update_interval; a layer older than that is
//     stale, and an Alerter (the twin) raises an alert for it.
//
// Each dimension has a score in [0, 1] (the share of features without the
// problem; for liveness 1 while fresh, then interval / age) and the ids of
// the worst features, capped. Engine.Changes notes the changed ids; the
// next refresh re-examines only them and their overlap partners.
package quality
