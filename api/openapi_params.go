package api

// param describes one parameter in the API definition.
type param struct {
	desc string
	typ  string // OpenAPI schema type: string, integer, number, boolean
	enum []string
	min  *int
	max  *int
	// style/explode for comma lists (bbox, properties, sortby)
	list bool
}

func intp(v int) *int { return &v }

// params documents every query parameter (a key name#context documents
// parameter name where it means something else than elsewhere) a route of the table names, and
// every path parameter of a template. TestRoutesDocumented fails on a
// name missing here.
var params = map[string]param{
	// path
	"collectionId": {desc: "A layer id from /collections", typ: "string"},
	"featureId":    {desc: "A feature id", typ: "string"},
	"indicatorId":  {desc: "An indicator id from /api/indicators", typ: "string"},
	"objectId":     {desc: "A live object's id (a vessel's)", typ: "string"},
	"alertId":      {desc: "An alert id", typ: "string"},
	"layers":       {desc: "A layer id, or several comma-separated", typ: "string"},
	"z":            {desc: "Zoom level (WebMercatorQuad)", typ: "integer", min: intp(0), max: intp(24)},
	"x":            {desc: "Tile column", typ: "integer", min: intp(0)},
	"y":            {desc: "Tile row", typ: "integer", min: intp(0)},
	// OGC API – Tiles
	"tileMatrixSetId": {desc: "A tile matrix set id (WebMercatorQuad)", typ: "string", enum: []string{"WebMercatorQuad"}},
	"tileMatrix":      {desc: "Zoom level of WebMercatorQuad", typ: "integer", min: intp(0), max: intp(24)},
	"tileRow":         {desc: "Tile row, from the north", typ: "integer", min: intp(0)},
	"tileCol":         {desc: "Tile column, from the west", typ: "integer", min: intp(0)},
	"f#ogctile":       {desc: "Tile format instead of the Accept header: mvt or mlt", typ: "string", enum: []string{"mvt", "mlt"}},

	// catalog management
	"purge": {desc: "Retire a layer that holds features, deleting them (default false: refused)", typ: "boolean"},

	// OGC API Features
	"f":           {desc: "Output format, instead of the Accept header (json, html, csv, yaml, points: as the route says)", typ: "string"},
	"limit":       {desc: "Features per page", typ: "integer", min: intp(1), max: intp(10000)},
	"offset":      {desc: "Features to skip", typ: "integer", min: intp(0)},
	"bbox":        {desc: "minLon,minLat,maxLon,maxLat (CRS84, or bbox-crs)", typ: "number", list: true},
	"bbox-crs":    {desc: "CRS of bbox (an OGC URI from the collection's crs; EPSG:4326 is latitude first)", typ: "string"},
	"datetime":    {desc: "RFC 3339 instant or interval (a/b, ../b, a/..) on the layer's time field", typ: "string"},
	"properties":  {desc: "Properties to return, comma-separated", typ: "string", list: true},
	"sortby":      {desc: "Fields to sort by, comma-separated, with + or - prefixes", typ: "string", list: true},
	"filter":      {desc: "A CQL2 filter (text or JSON, see filter-lang)", typ: "string"},
	"filter-lang": {desc: "Language of filter (cql-text is the draft name of cql2-text, as GDAL 3.6 sends it)", typ: "string", enum: []string{"cql2-text", "cql2-json", "cql-text"}},
	"filter-crs":  {desc: "CRS of the filter's geometries (an OGC URI from the collection's crs)", typ: "string"},

	// writes
	"format":  {desc: "Input format, instead of Content-Type", typ: "string", enum: []string{"geojson", "ndjson", "csv", "overpass", "shapefile", "gpkg", "kml", "kmz", "flatgeobuf"}},
	"partial": {desc: "true: store the valid features and report the bad ones, instead of refusing the whole request", typ: "boolean"},
	"invalid": {desc: "keep: store self-intersecting, degenerate or badly holed geometries as they are (listed in kept_invalid; /api/quality counts them) instead of refusing or repairing them; refuse (default)", typ: "string", enum: []string{"refuse", "keep"}},
	"crs": {desc: "Reads: the CRS of the answer (an OGC URI: CRS84, EPSG 4326, 3857, 4756, 3405, 3406, 32648, 32649, the VN-2000 TM-3 zones; see the collection's crs). " +
		"Writes: the CRS of the input when the file does not say (EPSG:4756, EPSG:3405, VN2000:TM3:105.75, …)", typ: "string"},
	"encoding":    {desc: "Text encoding of a Shapefile's DBF (utf-8, cp1258, tcvn3, vni); detected when absent", typ: "string"},
	"table":       {desc: "The GeoPackage feature table to read (all when absent)", typ: "string"},
	"admin_field": {desc: "A field holding pre-2025 commune codes, converted to 2025 codes (split communes placed by their geometry; report under admin)", typ: "string"},

	// map questions
	"layer":       {desc: "The layer asked", typ: "string"},
	"lon":         {desc: "Longitude of the point (with lat)", typ: "number"},
	"lat":         {desc: "Latitude of the point (with lon)", typ: "number"},
	"radius":      {desc: "Metres around lon,lat on the WGS84 ellipsoid", typ: "number"},
	"k":           {desc: "The k nearest features to lon,lat", typ: "integer", min: intp(1)},
	"max_m":       {desc: "Greatest distance of the nearest, in metres", typ: "number"},
	"tolerance_m": {desc: "Distance within which a point or line touches lon,lat (default 1 m)", typ: "number"},
	"admin":       {desc: "layer:code of an administrative unit, e.g. communes:26734", typ: "string"},
	"admin_name":  {desc: "layer:name of an administrative unit, diacritics ignored", typ: "string"},
	"predicate":   {desc: "Zone predicate", typ: "string", enum: []string{"intersects", "within", "contains"}},
	"group_by":    {desc: "A field, or admin:<layer>, to group figures by", typ: "string"},
	"agg":         {desc: "Figures: count, sum:<field>, avg:<field> (comma-separated)", typ: "string"},
	"geometry":    {desc: "wkt: CSV answers carry the geometry as WKT", typ: "string", enum: []string{"wkt"}},
	"res":         {desc: "H3 resolution", typ: "integer", min: intp(0), max: intp(15)},
	"parent":      {desc: "An H3 cell whose children are asked", typ: "string"},
	"h3":          {desc: "H3 cells asked, comma-separated", typ: "string", list: true},
	"ring":        {desc: "k-ring around the h3 cells", typ: "integer", min: intp(0)},
	"status":      {desc: "Only units of this status", typ: "string", enum: []string{"green", "yellow", "red", "none"}},

	// twin
	"t":             {desc: "RFC 3339 time: the state at that time (now when absent)", typ: "string"},
	"from":          {desc: "RFC 3339 start of the range", typ: "string"},
	"to":            {desc: "RFC 3339 end of the range", typ: "string"},
	"state":         {desc: "Alert state", typ: "string"},
	"kind":          {desc: "Alert kind (rule)", typ: "string"},
	"object":        {desc: "Alerts of one object", typ: "string"},
	"topics":        {desc: "Comma-separated topics: positions, observations, alerts, tiles, wall, catalog", typ: "string", list: true},
	"last_event_id": {desc: "Resume after this event id (as the Last-Event-ID header)", typ: "string"},

	// tiles
	"v":              {desc: "The layer version from TileJSON; a current one makes the tile immutable", typ: "string"},
	"encoding#tiles": {desc: "Tile encoding the TileJSON lists", typ: "string", enum: []string{"mvt", "mlt"}},
}
