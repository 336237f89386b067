package api

import (
	"net/http"
	"slices"

	"bando/layers"
)

// Media types the table names.
const (
	mJSON    = "application/json"
	mGeoJSON = "application/geo+json"
	mNDJSON  = "application/x-ndjson"
	mCSV     = "text/csv"
	mHTML    = "text/html"
	mSSE     = "text/event-stream"
	mMVT     = "application/vnd.mapbox-vector-tile"
	mMLT     = "application/vnd.maplibre-tile"
	mOAS     = "application/vnd.oai.openapi+json;version=3.0"
	mOASYAML = "application/vnd.oai.openapi;version=3.0"
	mProm    = "text/plain; version=0.0.4"
	mYAML    = "application/yaml"
)

// Query parameters shared by several routes (items' are in items_filter.go).
var (
	questionParams = []string{"layer", "lon", "lat", "radius", "k", "max_m", "tolerance_m", "bbox", "admin", "admin_name",
		"predicate", "filter", "group_by", "agg", "properties", "limit", "offset"}
	tileParams = []string{"v"}
)

// routeTable is every route bando serves, in match order.
func routeTable() []route {
	return compileRoutes([]route{
		{name: "landing", method: http.MethodGet, path: "/", tag: "core", summary: "Landing page (JSON for API clients, the viewer for browsers)",
			query: []string{"f"}, out: []string{mJSON, mHTML}, serve: func(s *Server, c *routeCall) *Response {
				if wantsJSON(c.r) {
					return s.landing(c.r)
				}
				return s.static(c.r)
			}},
		{name: "api", method: http.MethodGet, path: "/api", tag: "core", summary: "This API definition (OpenAPI 3.0: JSON, YAML, or a browsable page)",
			query: []string{"f"}, out: []string{mOAS, mOASYAML, mHTML}, serve: func(s *Server, c *routeCall) *Response { return s.apiDefinition(c.r) }},
		{name: "conformance", method: http.MethodGet, path: "/conformance", tag: "core", summary: "Conformance classes bando meets",
			out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response { return s.conformance(c.r) }},
		{name: "healthz", method: http.MethodGet, path: "/healthz", tag: "operations", summary: "Liveness, with the build version",
			out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response { return s.healthz(c.r) }},
		{name: "readyz", method: http.MethodGet, path: "/readyz", tag: "operations", summary: "Readiness: 200 once the index is loaded, else 503",
			out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response { return s.readyz(c.r) }},
		{name: "metrics", method: http.MethodGet, path: "/metrics", tag: "operations", summary: "Prometheus metrics (layers anonymous users may not see are aggregated)",
			out: []string{mProm}, serve: func(s *Server, c *routeCall) *Response { return s.metricsHandler(c.r) }},

		{name: "collections", method: http.MethodGet, path: "/collections", tag: "features", summary: "The layers this principal may see",
			query: []string{"f"}, out: []string{mJSON, mHTML}, serve: (*Server).serveCollections},
		{name: "collection_create", method: http.MethodPost, path: "/collections", tag: "catalog", status: http.StatusCreated,
			summary: "Create a layer from its catalog entry (the YAML catalog's keys, as JSON); needs a token with manage: true",
			body:    []string{mJSON, mYAML}, out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response { return s.createLayer(c.ctx, c.r, c.p) }},
		{name: "collection", method: http.MethodGet, path: "/collections/{collectionId}", tag: "features", summary: "One layer's description",
			query: []string{"f"}, out: []string{mJSON, mHTML}, serve: (*Server).serveCollection},
		{name: "collection_replace", method: http.MethodPut, path: "/collections/{collectionId}", tag: "catalog",
			summary: "Change a layer's catalog entry; refused (422, naming the feature) when stored features cannot satisfy it",
			body:    []string{mJSON, mYAML}, out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response { return s.replaceLayer(c.ctx, c.r, c.p, c.seg[1]) }},
		{name: "collection_retire", method: http.MethodDelete, path: "/collections/{collectionId}", tag: "catalog",
			summary: "Retire a layer; one that holds features is refused (409) unless purge=true deletes them too",
			query:   []string{"purge"}, out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response { return s.retireLayer(c.ctx, c.r, c.p, c.seg[1]) }},
		{name: "items", method: http.MethodGet, path: "/collections/{collectionId}/items", tag: "features", summary: "Features of a layer, filtered and paged",
			query: itemsParams, out: []string{mGeoJSON, mHTML}, serve: (*Server).serveItems},
		{name: "items_create", method: http.MethodPost, path: "/collections/{collectionId}/items", tag: "features", status: http.StatusCreated,
			summary: "Add or upsert features (GeoJSON, NDJSON, CSV, Overpass JSON, zipped Shapefile, GeoPackage, KML, KMZ, FlatGeobuf; gzip allowed)",
			query:   []string{"format", "partial", "invalid", "crs", "encoding", "table", "admin_field"},
			body:    []string{mGeoJSON, mNDJSON, mCSV, "application/zip", "application/geopackage+sqlite3", "application/vnd.google-earth.kml+xml", "application/vnd.google-earth.kmz", "application/flatgeobuf"},
			out:     []string{mJSON}, serve: func(s *Server, c *routeCall) *Response { return s.createItems(c.ctx, c.r, c.p, c.seg[1]) }},
		{name: "queryables", method: http.MethodGet, path: "/collections/{collectionId}/queryables", tag: "features", summary: "Fields a filter may use (JSON Schema)",
			out: []string{mediaJSONSchema}, serve: func(s *Server, c *routeCall) *Response { return s.queryables(c.r, c.p, c.seg[1]) }},
		{name: "schema", method: http.MethodGet, path: "/collections/{collectionId}/schema", tag: "features", summary: "The layer's feature schema (JSON Schema)",
			out: []string{mediaJSONSchema}, serve: func(s *Server, c *routeCall) *Response { return s.schema(c.r, c.p, c.seg[1]) }},
		{name: "ogc_tilesets", label: "ogc_tiles", method: http.MethodGet, path: "/collections/{collectionId}/tiles", tag: "tiles",
			summary: "A layer's vector tilesets (OGC API – Tiles)", out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response {
				l, err := s.layerFor(c.p, c.seg[1])
				if err != nil {
					return errorResponse(err)
				}
				return s.tilesetsOf(c.r, l.Title.VI, "/collections/"+l.ID+"/tiles")
			}},
		{name: "ogc_tileset", label: "ogc_tiles", method: http.MethodGet, path: "/collections/{collectionId}/tiles/{tileMatrixSetId}", tag: "tiles",
			summary: "A layer's tileset metadata", out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response {
				l, err := s.layerFor(c.p, c.seg[1])
				if err != nil {
					return errorResponse(err)
				}
				return s.tileset(c.r, c.p, []*layers.Layer{l}, l.Title.VI, "/collections/"+l.ID+"/tiles", c.seg[3])
			}},
		{name: "ogc_tile", label: "ogc_tiles", method: http.MethodGet, path: "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}", tag: "tiles",
			summary: "A layer's tile (row before column), as /tiles/{layer}/{z}/{x}/{y}", query: []string{"f#ogctile", "v"}, out: []string{mMVT, mMLT},
			serve: func(s *Server, c *routeCall) *Response {
				return s.ogcTile(c.ctx, c.r, c.p, []string{c.seg[1]}, c.seg[3], c.seg[4], c.seg[5], c.seg[6])
			}},
		{name: "item", method: http.MethodGet, path: "/collections/{collectionId}/items/{featureId}", tag: "features", summary: "One feature",
			query: itemParams, out: []string{mGeoJSON, mHTML}, serve: (*Server).serveItem},
		{name: "item_replace", method: http.MethodPut, path: "/collections/{collectionId}/items/{featureId}", tag: "features", summary: "Replace one feature (fields the writer may not see keep their values)",
			body: []string{mGeoJSON}, out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response {
				return s.replaceItem(c.ctx, c.r, c.p, c.seg[1], c.seg[3])
			}},
		{name: "item_delete", method: http.MethodDelete, path: "/collections/{collectionId}/items/{featureId}", tag: "features", summary: "Delete one feature",
			status: http.StatusNoContent, serve: func(s *Server, c *routeCall) *Response { return s.deleteItem(c.ctx, c.r, c.p, c.seg[1], c.seg[3]) }},

		{name: "query_get", label: "query", method: http.MethodGet, path: "/api/query", tag: "questions", needs: needIndex,
			summary: "A map question in URL form (layer, point, radius, bbox, admin, filters, group)", query: union(questionParams, "f", "geometry"),
			out: []string{mGeoJSON, mJSON, mCSV}, serve: func(s *Server, c *routeCall) *Response { return s.query(c.ctx, c.r, c.p) }},
		{name: "query", method: http.MethodPost, path: "/api/query", tag: "questions", needs: needIndex,
			summary: "A map question (JSON body: layer, where, filter, result)", query: []string{"f"}, body: []string{mJSON},
			out: []string{mGeoJSON, mJSON, mCSV}, serve: func(s *Server, c *routeCall) *Response { return s.query(c.ctx, c.r, c.p) }},
		{name: "h3_get", label: "h3", method: http.MethodGet, path: "/api/h3", tag: "questions", needs: needIndex,
			summary: "H3 cells of a layer with counts or sums", query: union(questionParams, hexParams...), out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.h3(c.ctx, c.r, c.p) }},
		{name: "h3", method: http.MethodPost, path: "/api/h3", tag: "questions", needs: needIndex,
			summary: "H3 cells of a question's features", query: hexParams, body: []string{mJSON}, out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.h3(c.ctx, c.r, c.p) }},
		{name: "indicators", method: http.MethodGet, path: "/api/indicators", tag: "questions", needs: needIndex,
			summary: "Indicators with their green / yellow / red counts", out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.routeIndicators(c.ctx, c.r, c.p, c.seg[2:]) }},
		{name: "indicator", label: "indicators", method: http.MethodGet, path: "/api/indicators/{indicatorId}", tag: "questions", needs: needIndex,
			summary: "One indicator's units and status", query: []string{"status"}, out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.routeIndicators(c.ctx, c.r, c.p, c.seg[2:]) }},

		{name: "quality", method: http.MethodGet, path: "/api/quality", tag: "quality", needs: needQuality,
			summary: "Data quality of every layer: validity, completeness, cleanliness, liveness scores", out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.qualityList(c.r, c.p) }},
		{name: "quality_layer", label: "quality", method: http.MethodGet, path: "/api/quality/{collectionId}", tag: "quality", needs: needQuality,
			summary: "Data quality of one layer, with the offending features' ids", out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.qualityLayer(c.p, c.seg[2]) }},

		{name: "wall", method: http.MethodGet, path: "/api/wall", tag: "viewer", summary: "The video wall's scenes and the pinned one",
			out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response { return s.wall(c.r, c.p) }},
		{name: "wall_pin", label: "wall", method: http.MethodPut, path: "/api/wall", tag: "viewer", summary: "Pin a wall scene, or resume rotation",
			body: []string{mJSON}, out: []string{mJSON}, serve: func(s *Server, c *routeCall) *Response { return s.wall(c.r, c.p) }},

		{name: "twin_state", method: http.MethodGet, path: "/api/twin/state", tag: "twin", needs: needTwin,
			summary: "Every live object's state, now or at time t", query: []string{"t"}, out: []string{mGeoJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.twinState(c.ctx, c.r, c.p) }},
		{name: "twin_track", method: http.MethodGet, path: "/api/twin/objects/{objectId}/track", tag: "twin", needs: needTwin,
			summary: "One object's track over a time range", query: []string{"from", "to", "f"}, out: []string{mGeoJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.twinTrack(c.ctx, c.r, c.p, c.seg[3]) }},
		{name: "twin_positions", method: http.MethodPost, path: "/api/twin/positions", tag: "twin", needs: needTwin,
			summary: "Positions, one JSON object per line; 2xx once every accepted line is on disk", body: []string{mNDJSON}, out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.twinPositions(c.ctx, c.r, c.p) }},
		{name: "twin_observations", method: http.MethodPost, path: "/api/twin/observations", tag: "twin", needs: needTwin,
			summary: "Sensor observations, one JSON object per line", body: []string{mNDJSON}, out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.twinObservations(c.ctx, c.r, c.p) }},
		{name: "alerts", method: http.MethodGet, path: "/api/alerts", tag: "twin", needs: needTwin,
			summary: "Alerts, open or all", query: []string{"state", "kind", "object"}, out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.alerts(c.r, c.p) }},
		{name: "alert_ack", method: http.MethodPost, path: "/api/alerts/{alertId}/ack", tag: "twin", needs: needTwin,
			summary: "Acknowledge an alert, with a note", body: []string{mJSON}, out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.ackAlert(c.ctx, c.r, c.p, c.seg[2]) }},
		{name: "stream", method: http.MethodGet, path: "/api/stream", tag: "twin", needs: needTwin,
			summary: "Server-sent events: positions, alerts, tiles, wall", query: []string{"topics", "last_event_id"}, out: []string{mSSE},
			serve: func(s *Server, c *routeCall) *Response { return s.stream(c.r, c.p) }},

		{name: "ogc_tilematrixsets", label: "ogc_tiles", method: http.MethodGet, path: "/tileMatrixSets", tag: "tiles",
			summary: "Tile matrix sets (OGC API – Tiles): WebMercatorQuad", out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.tileMatrixSets(c.r) }},
		{name: "ogc_tilematrixset", label: "ogc_tiles", method: http.MethodGet, path: "/tileMatrixSets/{tileMatrixSetId}", tag: "tiles",
			summary: "A tile matrix set's definition (OGC TMS 2.0 JSON)", out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.tileMatrixSet(c.r, c.seg[1]) }},
		{name: "ogc_dataset_tilesets", label: "ogc_tiles", method: http.MethodGet, path: "/tiles", tag: "tiles",
			summary: "The dataset's vector tilesets (every layer this principal may see)", out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response { return s.tilesetsOf(c.r, "bando", "/tiles") }},
		{name: "ogc_dataset_tileset", label: "ogc_tiles", method: http.MethodGet, path: "/tiles/WebMercatorQuad", tag: "tiles",
			summary: "The dataset tileset's metadata", out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response {
				return s.tileset(c.r, c.p, s.datasetLayers(c.p), "bando", "/tiles", c.seg[1])
			}},
		{name: "ogc_dataset_tile", label: "ogc_tiles", method: http.MethodGet, path: "/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}", tag: "tiles",
			summary: "A tile of every layer this principal may see (row before column)", query: []string{"f#ogctile", "v"}, out: []string{mMVT, mMLT},
			serve: func(s *Server, c *routeCall) *Response {
				return s.ogcTile(c.ctx, c.r, c.p, layerIDs(s.datasetLayers(c.p)), c.seg[1], c.seg[2], c.seg[3], c.seg[4])
			}},
		{name: "agg_tilejson_h3", label: "tiles", method: http.MethodGet, path: "/tiles/h3/{collectionId}.json", tag: "tiles",
			summary: "TileJSON of a layer's H3 hexagon tiles", query: []string{"agg"}, out: []string{mJSON}, serve: serveAggTile},
		{name: "agg_tilejson_heat", label: "tiles", method: http.MethodGet, path: "/tiles/heat/{collectionId}.json", tag: "tiles",
			summary: "TileJSON of a layer's heatmap point tiles", query: []string{"agg"}, out: []string{mJSON}, serve: serveAggTile},
		{name: "agg_tile_h3", label: "tiles", method: http.MethodGet, path: "/tiles/h3/{collectionId}/{z}/{x}/{y}", tag: "tiles",
			summary: "H3 hexagons of a layer with their figure (y ends in .mvt)", query: []string{"agg"}, out: []string{mMVT}, serve: serveAggTile},
		{name: "agg_tile_heat", label: "tiles", method: http.MethodGet, path: "/tiles/heat/{collectionId}/{z}/{x}/{y}", tag: "tiles",
			summary: "Heatmap points of a layer with their weight (y ends in .mvt)", query: []string{"agg"}, out: []string{mMVT}, serve: serveAggTile},
		{name: "tilejson", label: "tiles", method: http.MethodGet, path: "/tiles/{layers}.json", tag: "tiles",
			summary: "TileJSON 3.0 of one layer or of several, comma-separated", query: []string{"encoding#tiles"}, out: []string{mJSON},
			serve: func(s *Server, c *routeCall) *Response {
				return s.tileJSON(c.r, c.p, c.seg[1][:len(c.seg[1])-len(".json")])
			}},
		{name: "tile_mvt", label: "tiles", method: http.MethodGet, path: "/tiles/{layers}/{z}/{x}/{y}.mvt", tag: "tiles",
			summary: "A Mapbox Vector Tile of one or several layers", query: tileParams, out: []string{mMVT}, serve: serveTile},
		{name: "tile_mlt", label: "tiles", method: http.MethodGet, path: "/tiles/{layers}/{z}/{x}/{y}.mlt", tag: "tiles",
			summary: "A MapLibre Tile of one or several layers", query: tileParams, out: []string{mMLT}, serve: serveTile},
		{name: "tile_pbf", label: "tiles", method: http.MethodGet, path: "/tiles/{layers}/{z}/{x}/{y}.pbf", tag: "tiles",
			summary: "A Mapbox Vector Tile (the older .pbf name)", query: tileParams, out: []string{mMVT}, serve: serveTile},
		{name: "tile", label: "tiles", method: http.MethodGet, path: "/tiles/{layers}/{z}/{x}/{y}", tag: "tiles",
			summary: "A tile in the format the Accept header ranks first (MVT or MLT)", query: tileParams, out: []string{mMVT, mMLT}, serve: serveTile},
	})
}

// union is a followed by the names of b it lacks.
func union(a []string, b ...string) []string {
	out := slices.Clone(a)
	for _, x := range b {
		if !slices.Contains(out, x) {
			out = append(out, x)
		}
	}
	return out
}

func serveTile(s *Server, c *routeCall) *Response    { return s.tile(c.ctx, c.r, c.p, c.seg[1:]) }
func serveAggTile(s *Server, c *routeCall) *Response { return s.aggTile(c.ctx, c.r, c.p, c.seg[1:]) }
