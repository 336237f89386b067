// Package query is bando's one query model: a question about one layer —
// which features (where · filter) and what about them (features, or grouped
// figures) — parsed from JSON at the edge and answered from the in-memory
// index exactly as PostGIS answers the same question. The HTTP API, the CLI
// and later the twin and the tiles all compile to a Query and call
// Engine.Run; there is no second evaluator.
//
// # The JSON form
//
//	{"layer": "lights",
//	 "where": [{"radius": {"lon": 106.70, "lat": 10.78, "m": 500}},
//	           {"admin": {"layer": "communes", "name": "Phu Hoa Dong"}, "predicate": "intersects"}],
//	 "filter": {"and": [{"field": "status", "op": "in", "value": ["fault", "off"]},
//	                    {"not": {"field": "power_w", "op": "is_null"}}]},
//	 "group_by": ["admin:communes", "field:status"],
//	 "aggregate": [{"op": "count"}, {"op": "sum", "field": "power_w"}],
//	 "properties": ["status"], "limit": 100, "offset": 0}
//
// Parse checks the shape and the values that need no catalog and returns
// an *Error naming the JSON path ("where[0].radius.m") and what was
// expected. ParseValues reads the URL form of simple questions
// (layer=L&lon=&lat=&radius=M, bbox=w,s,e,n, admin=communes:26734,
// group_by=admin:communes&agg=count, …) into the same Query, its errors
// naming the parameter. Engine.Run checks the rest against the catalog and
// the limits.
//
// # Where
//
// Clauses are combined by intersection; geometry semantics are PostGIS's,
// planar on lon/lat for topology (as on geometry columns) and on the WGS84
// ellipsoid for distances (as on geography):
//
//   - point {lon, lat, tolerance_m}: polygons that hold or touch the point
//     (ST_Intersects); points and lines within tolerance_m metres (default
//     1 m; ST_DWithin on geography).
//   - radius {lon, lat, m}: features within m metres on the ellipsoid,
//     ST_DWithin(geography, geography, m): the distance to a line or polygon
//     is to its nearest point (0 inside a polygon), found on each edge as
//     PostGIS finds it (see package geo); geodesic distances are
//     GeographicLib's (Karney), or under 2 km a plane formula on the
//     ellipsoid's radii of curvature within 4e-8 of it (geo.FastDistance).
//   - nearest {lon, lat, k, max_m}: the k features nearest the point among
//     those passing every other clause and the filter, ranked as
//     ORDER BY geography <-> point ranks them (great-circle distance on
//     PostGIS's sphere; ties by id), optionally only those within max_m
//     metres (ellipsoid). At most one per query; it orders the answer.
//   - zone {GeoJSON Polygon|MultiPolygon}, predicate: intersects (default)
//     is ST_Intersects(feature, zone); within is ST_Within(feature, zone):
//     the feature lies in the zone, boundary allowed, and some interior
//     point of it is inside; contains is ST_Contains(feature, zone): the
//     feature (a polygon) holds the whole zone. The feature is always the
//     first argument. A zone is checked with ingest's polygon rules
//     (ingest.CheckGeometry): repaired where ingest repairs (Result.Repairs
//     says how), refused with the rule and reason otherwise.
//   - admin {layer, code | name}, predicate: the unit of an admin layer
//     (any polygon layer) used as a zone. code matches the unit's "code"
//     field (its id when it has none); name matches its "name" field
//     without diacritics and case ("phu hoa dong" finds "Phú Hòa Đông"),
//     first the full name, then the name without its unit type word (Xã,
//     Phường, Đặc khu, …). An unknown code or name is CodeUnknown; a name
//     of several units is CodeAmbiguous with the Candidates.
//   - bbox [w, s, e, n]: ST_Intersects(feature, envelope).
//
// # Filter
//
// {"field", "op", "value"} with op =, !=, <, <=, >, >=, in (a list),
// between ([low, high], inclusive), is_null (no value), prefix (text,
// without diacritics and case), combined by {"and": […]}, {"or": […]},
// {"not": f}. The field's catalog type decides what a value may be: int
// takes integers, float numbers, string strings, bool true/false (= != in
// only), time RFC 3339 strings; a mismatch is CodeInvalid naming the field
// and its type. Absent values follow SQL: a comparison with one is unknown,
// so not(status = "on") leaves out features without a status, as WHERE NOT
// (status = 'on') does. Strings order by bytes (a C collation).
//
// # Results
//
// Without group_by or aggregate the answer is features: Result.Matched
// (numberMatched) and the page Result.Features from offset, limit long, in
// a stable order — by distance from the query's point (then id) when a
// point, radius or nearest clause is involved, with Hit.DistanceM in metres
// on the ellipsoid; else in the layer's id order (spatial.Less).
// properties selects the fields returned (default: all the principal may
// see).
//
// With group_by and/or aggregate the answer is figures: one Group per
// distinct key, and Total over every match. Aggregates: count, sum, avg,
// min, max of a numeric field (absent values skipped; a figure over none
// is null, as in SQL), area_m2 and length_m (sums of ST_Area and
// ST_Length on geography). group_by takes "field:<name>" (the value; absent
// is null) and "admin:<layer>" (the unit's code). The join rule: a feature
// belongs to the unit holding its representative point — the point itself
// for a point; for a line, its vertex nearest its centroid (a point on the
// line); for a polygon, a point strictly inside it, chosen as GEOS's
// ST_PointOnSurface chooses it (spatial.PointOnSurface) — so a feature that
// straddles units is counted once, in one unit. When that point lies on a
// boundary shared by several units (or in overlapping units), the first
// unit in the admin layer's id order wins; a point in no unit has a null
// key. In SQL: LEFT JOIN LATERAL (SELECT code FROM units u WHERE
// ST_Intersects(u.geom, ST_PointOnSurface(f.geom)) ORDER BY <id order>
// LIMIT 1).
//
// Engine.NewTally keeps such a grouped question — one figure of count,
// sum, avg, area_m2 or length_m per unit of one admin layer — current
// feature by feature: Tally.Update re-reads the features a change names
// and moves their contributions (the indicators use it; min and max
// cannot be taken apart and are refused with ErrNotIncremental).
//
// Result.MarshalJSON writes a GeoJSON FeatureCollection (numberMatched,
// numberReturned, distance_m among the properties) or
// {"groups": [{"key": {"communes": "26734", "status": "fault"}, "count": 12,
// "sum_power_w": 3400}], "total": {"count": …}}. Result.WriteCSV writes
// CSV with a byte order mark, one row per feature or group, geometry as WKT
// when asked.
//
// # Access
//
// Run takes the principal. A layer it may not see (layers.CanSee), a field
// it may not see (layers.CanSeeField) in a filter, group, aggregate or
// properties, and an admin layer it may not see are refused with exactly
// the error an absent one gets: nothing tells them apart.
//
// # Limits and errors
//
// Limits (defaults in DefaultLimits) bound the page, offset+limit, the
// number of clauses, zone positions, radius / max_m / tolerance_m, k, groups,
// in values and the time a question may run (every scan checks the
// context). Errors are *Error with a Code: CodeSyntax, CodeInvalid,
// CodeUnknown, CodeAmbiguous (HTTP 400), CodeLimit and CodeTimeout (422);
// Error.Status gives the status. An HTTP handler does:
//
//	q, err := query.Parse(body)
//	if err == nil {
//		res, err = engine.Run(ctx, principal, q)
//	}
//	if qe, ok := query.AsError(err); ok {
//		// reply qe.Status() with qe as the JSON error body
//	}
//	// else reply 200 with json.Marshal(res), or res.WriteCSV(w, wantWKT)
//
// # Speed
//
// Index access goes through one seam (source.go): a question reads its
// layer in place (spatial.FeatureView) under one read lock, which its
// parallel bands share. Points are tested and counted from their box (read
// from the R-tree's leaf), filters and figures read typed values without
// boxing, lines and polygons are materialised only when an exact test
// needs orb values, and only the returned page becomes *spatial.Feature.
// Radius, zone, bbox and admin clauses search the R-tree over the
// intersection of their boxes and test exactly; zones and units are
// prepared (spatial.Area: edges bucketed in strips). Admin joins find a
// point's unit with a two-level grid over the units, built once per admin
// layer version, and run in parallel over bands of the layer. See
// bench_test.go and `make bench-query`.
package query
