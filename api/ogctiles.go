package api

import (
	"context"
	"net/http"
	"strconv"

	"bando/layers"
	"bando/tiles"

	"github.com/paulmach/orb"
)

// OGC API – Tiles 1.0 over the same tiles as /tiles: one tile matrix set,
// WebMercatorQuad, whose tile z/y/x is the XYZ tile z/x/y (OGC names the
// row before the column).
const (
	wmQuad       = "WebMercatorQuad"
	wmQuadURI    = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
	epsg3857URI  = "http://www.opengis.net/def/crs/EPSG/0/3857"
	relTiling    = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
	relTilesets  = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
	relTMSs      = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
	tileTemplate = "/{tileMatrix}/{tileRow}/{tileCol}"
)

// tilesConformance are the OGC API – Tiles classes bando meets.
var tilesConformance = []string{
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
}

// tileMatrixSets lists the one tile matrix set.
func (s *Server) tileMatrixSets(r *Request) *Response {
	return jsonResponse(http.StatusOK, mJSON, map[string]any{"tileMatrixSets": []any{map[string]any{
		"id": wmQuad, "title": "Google Maps Compatible for the World", "uri": wmQuadURI,
		"links": []link{{Href: r.BaseURL + "/tileMatrixSets/" + wmQuad, Rel: relTiling, Type: mJSON}},
	}}})
}

// tileMatrixSet is the WebMercatorQuad definition, zooms 0 to
// tiles.MaxZoom, in the TMS 2.0 JSON encoding (OGC 17-083r4: id, crs,
// tileMatrices) and, in the same document, the 1.0 one (identifier,
// supportedCRS, tileMatrix) that GDAL up to 3.6 alone reads: each client
// takes its keys and ignores the others'.
func (s *Server) tileMatrixSet(r *Request, id string) *Response {
	if id != wmQuad {
		return errorResponse(notFound("unknown tile matrix set " + quote(id) + "; bando serves " + wmQuad))
	}
	const origin = 20037508.3427892
	ms := make([]map[string]any, 0, tiles.MaxZoom+1)
	v1 := make([]map[string]any, 0, tiles.MaxZoom+1)
	for z := 0; z <= tiles.MaxZoom; z++ {
		n := 1 << z
		scale := 559082264.028717 / float64(n)
		ms = append(ms, map[string]any{"id": strconv.Itoa(z),
			"scaleDenominator": scale, "cellSize": 156543.033928041 / float64(n),
			"cornerOfOrigin": "topLeft", "pointOfOrigin": [2]float64{-origin, origin},
			"tileWidth": 256, "tileHeight": 256, "matrixWidth": n, "matrixHeight": n})
		v1 = append(v1, map[string]any{"type": "TileMatrixType", "identifier": strconv.Itoa(z),
			"scaleDenominator": scale, "topLeftCorner": [2]float64{-origin, origin},
			"tileWidth": 256, "tileHeight": 256, "matrixWidth": n, "matrixHeight": n})
	}
	return jsonResponse(http.StatusOK, mJSON, map[string]any{
		"id": wmQuad, "title": "Google Maps Compatible for the World", "uri": wmQuadURI, "crs": epsg3857URI,
		"orderedAxes": []string{"E", "N"}, "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
		"tileMatrices": ms,
		"type":         "TileMatrixSetType", "identifier": wmQuad, "supportedCRS": epsg3857URI,
		"boundingBox": map[string]any{"type": "BoundingBoxType", "crs": epsg3857URI,
			"lowerCorner": [2]float64{-origin, -origin}, "upperCorner": [2]float64{origin, origin}},
		"tileMatrix": v1,
	})
}

// tilesetsOf lists the one tileset of the layers under base.
func (s *Server) tilesetsOf(r *Request, title, base string) *Response {
	return jsonResponse(http.StatusOK, mJSON, map[string]any{
		"links": []link{{Href: r.BaseURL + base, Rel: "self", Type: mJSON}},
		"tilesets": []any{map[string]any{
			"title": title, "dataType": "vector", "crs": epsg3857URI, "tileMatrixSetURI": wmQuadURI,
			"links": []link{
				{Href: r.BaseURL + base + "/" + wmQuad, Rel: "self", Type: mJSON, Title: title},
				{Href: r.BaseURL + "/tileMatrixSets/" + wmQuad, Rel: relTiling, Type: mJSON},
				{Href: r.BaseURL + base + "/" + wmQuad + tileTemplate, Rel: "item", Type: mMVT, Templated: true},
			},
		}},
	})
}

// tileset describes the tiles of ls under base: the zoom limits of each
// layer's extent and the links to the tiles, in both formats.
func (s *Server) tileset(r *Request, p layers.Principal, ls []*layers.Layer, title, base, tms string) *Response {
	if tms != wmQuad {
		return errorResponse(notFound("unknown tile matrix set " + quote(tms) + "; bando serves " + wmQuad))
	}
	ids := make([]string, len(ls))
	var vls []map[string]any
	minZ, maxZ := tiles.MaxZoom, 0
	for i, l := range ls {
		ids[i] = l.ID
		minZ, maxZ = min(minZ, l.Zoom.Min), max(maxZ, l.Zoom.Max)
		vls = append(vls, map[string]any{"id": l.ID, "title": l.Title.VI, "dataType": "vector",
			"geometryDimension": geometryDimension(l.Geometry), "minTileMatrix": strconv.Itoa(l.Zoom.Min),
			"maxTileMatrix": strconv.Itoa(l.Zoom.Max), "propertiesSchema": map[string]any{
				"type": "object", "properties": tilePropertySchema(p, l)}})
	}
	var limits []map[string]any
	if b, ok := s.unionExtent(ids); ok {
		for z := minZ; z <= maxZ; z++ {
			lo, hi := tiles.CoordOf(b.Min, z), tiles.CoordOf(b.Max, z) // lo is the south-west corner
			limits = append(limits, map[string]any{"tileMatrix": strconv.Itoa(z),
				"minTileRow": hi.Y, "maxTileRow": lo.Y, "minTileCol": lo.X, "maxTileCol": hi.X})
		}
	}
	href := r.BaseURL + base + "/" + wmQuad
	return jsonResponse(http.StatusOK, mJSON, map[string]any{
		"title": title, "dataType": "vector", "crs": epsg3857URI, "tileMatrixSetURI": wmQuadURI,
		"tileMatrixSetLimits": limits, "layers": vls,
		"links": []link{
			{Href: href, Rel: "self", Type: mJSON},
			{Href: r.BaseURL + "/tileMatrixSets/" + wmQuad, Rel: relTiling, Type: mJSON},
			{Href: href + tileTemplate, Rel: "item", Type: mMVT, Templated: true},
			{Href: href + tileTemplate + "?f=mlt", Rel: "item", Type: mMLT, Templated: true},
		},
	})
}

func (s *Server) unionExtent(ids []string) (b orb.Bound, ok bool) {
	for _, id := range ids {
		e, has := s.cfg.Index.Extent(id)
		if !has {
			continue
		}
		if !ok {
			b, ok = e, true
			continue
		}
		b = b.Union(e)
	}
	return b, ok
}

// ogcTile answers tile z/y/x of the layers: the same tile, headers and
// caching as /tiles/{layers}/{z}/{x}/{y}, in the format f= or the Accept
// header asks for.
func (s *Server) ogcTile(ctx context.Context, r *Request, p layers.Principal, ids []string, tms, zs, ys, xs string) *Response {
	if tms != wmQuad {
		return errorResponse(notFound("unknown tile matrix set " + quote(tms) + "; bando serves " + wmQuad))
	}
	z, errZ := strconv.Atoi(zs)
	y, errY := strconv.Atoi(ys)
	x, errX := strconv.Atoi(xs)
	if errZ != nil || errY != nil || errX != nil {
		return errorResponse(badRequest("tileMatrix, tileRow and tileCol are integers: " + quote(zs+"/"+ys+"/"+xs)))
	}
	f, negotiated := acceptTileFormat(r), true
	if v := r.Query.Get("f"); v != "" {
		var ok bool
		if f, ok = tiles.ParseFormat(v); !ok {
			return errorResponse(badRequest("f " + quote(v) + ": want mvt or mlt"))
		}
		negotiated = false
	}
	t, err := s.cfg.Tiles.TileFormat(ctx, p, f, ids, z, x, y)
	if err != nil {
		return errorResponse(err)
	}
	resp := tileResponse(r, p, t, acceptsEncoding(r, "gzip"))
	resp.Header["Cache-Control"] = s.tileCaching(r, p, ids)
	if negotiated {
		resp.Header["Vary"] = hVaryAccept
	}
	return resp
}

// geometryDimension is OGC's 0 (points), 1 (lines), 2 (polygons), or nil
// for a layer of mixed geometry.
func geometryDimension(g layers.GeometryType) any {
	switch g {
	case layers.GeomPoint:
		return 0
	case layers.GeomLineString:
		return 1
	case layers.GeomPolygon:
		return 2
	}
	return nil
}

// tilePropertySchema is the JSON Schema of the tile properties p may see.
func tilePropertySchema(p layers.Principal, l *layers.Layer) map[string]any {
	out := map[string]any{}
	for _, i := range layers.VisibleFields(p, l) {
		f := l.Fields[i]
		t := "string"
		switch f.Type {
		case layers.TypeInt:
			t = "integer"
		case layers.TypeFloat:
			t = "number"
		case layers.TypeBool:
			t = "boolean"
		}
		out[f.Name] = map[string]any{"type": t, "title": f.Title.VI}
	}
	return out
}

// datasetLayers are the layers of the dataset tileset: every layer p may
// see that the index serves (archived layers have their own tiles).
func (s *Server) datasetLayers(p layers.Principal) []*layers.Layer {
	var out []*layers.Layer
	for _, l := range s.cfg.Catalog.Visible(p) {
		if l.Archive == "" {
			out = append(out, l)
		}
	}
	return out
}

func layerIDs(ls []*layers.Layer) []string {
	ids := make([]string, len(ls))
	for i, l := range ls {
		ids[i] = l.ID
	}
	return ids
}
