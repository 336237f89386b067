package api

import (
	"net/http"
	"slices"

	"bando/layers"
	"bando/quality"
)

type link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
	// Templated marks an href with {placeholders} (OGC API – Tiles).
	Templated bool `json:"templated,omitempty"`
}

type extent struct {
	Spatial struct {
		BBox [][4]float64 `json:"bbox"`
		CRS  string       `json:"crs"`
	} `json:"spatial"`
}

// collectionInfo is an OGC API Features collection, with bando's catalog
// entry (only what the principal may see) under "bando".
type collectionInfo struct {
	ID          string    `json:"id"`
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	Extent      extent    `json:"extent"`
	ItemType    string    `json:"itemType"`
	CRS         []string  `json:"crs"`
	StorageCRS  string    `json:"storageCrs"`
	Links       []link    `json:"links"`
	Bando       layerInfo `json:"bando"`
}

type layerInfo struct {
	Kind        layers.Kind         `json:"kind"`
	Geometry    layers.GeometryType `json:"geometry"`
	Title       layers.Title        `json:"title"`
	Attribution string              `json:"attribution"`
	Source      string              `json:"source,omitempty"`
	License     string              `json:"license,omitempty"`
	Synthetic   bool                `json:"synthetic"`
	Access      layers.Access       `json:"access"`
	Zoom        layers.Zoom         `json:"zoom"`
	Update      string              `json:"update_interval,omitempty"`
	Style       layers.Style        `json:"style"`
	Fields      []layers.Field      `json:"fields"`
	Count       int                 `json:"count"`
	Version     uint64              `json:"version"`
	Steward     *layers.Steward     `json:"steward,omitempty"`
	Quality     *quality.Report     `json:"quality,omitempty"`
}

const crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

func (s *Server) describe(r *Request, p layers.Principal, l *layers.Layer) collectionInfo {
	base := r.BaseURL + "/collections/" + l.ID
	c := collectionInfo{
		ID: l.ID, Title: l.Title.VI, Description: l.Description.VI, ItemType: "feature",
		CRS: crsURIs(), StorageCRS: crs84,
		Links: []link{
			{Href: base, Rel: "self", Type: "application/json"},
			{Href: base + "/items", Rel: "items", Type: "application/geo+json"},
			{Href: r.BaseURL + "/tiles/" + l.ID + ".json", Rel: "tiles", Type: "application/json", Title: "TileJSON"},
			{Href: base + "/tiles", Rel: relTilesets, Type: "application/json", Title: "Vector tilesets (OGC API – Tiles)"},
			{Href: base + "/queryables", Rel: relQueryables, Type: mediaJSONSchema, Title: "Queryables"},
			// The short relation of the Part 3 drafts, which GDAL up to 3.6
			// looks for to learn which fields it may filter on the server.
			{Href: base + "/queryables", Rel: "queryables", Type: "application/json", Title: "Queryables"},
			{Href: base + "/schema", Rel: relSchema, Type: mediaJSONSchema, Title: "Schema"},
			{Href: base + "/schema", Rel: "describedBy", Type: mediaJSONSchema, Title: "Schema"},
		},
	}
	b := [4]float64{-180, -90, 180, 90}
	if e, ok := s.cfg.Index.Extent(l.ID); ok {
		b = [4]float64{e.Min[0], e.Min[1], e.Max[0], e.Max[1]}
	}
	c.Extent.Spatial.BBox = [][4]float64{b}
	c.Extent.Spatial.CRS = crs84
	info := layerInfo{
		Kind: l.Kind, Geometry: l.Geometry, Title: l.Title, Attribution: l.Attribution,
		Source: l.Source, License: l.License, Synthetic: l.Synthetic, Access: l.Access,
		Zoom: l.Zoom, Style: l.Style, Count: s.cfg.Index.Count(l.ID), Version: s.cfg.Index.Version(l.ID),
		Fields: []layers.Field{},
	}
	if l.Update > 0 {
		info.Update = l.Update.String()
	}
	for _, i := range layers.VisibleFields(p, l) {
		info.Fields = append(info.Fields, l.Fields[i])
	}
	if l.Steward.Department != "" {
		st := l.Steward
		info.Steward = &st
	}
	info.Quality = s.qualityOf(p, l)
	c.Bando = info
	return c
}

func (s *Server) collections(r *Request, p layers.Principal) *Response {
	out := struct {
		Links       []link           `json:"links"`
		Collections []collectionInfo `json:"collections"`
		// CatalogVersion counts the data stewards' changes (0: the
		// built-in and configured catalog as it started).
		CatalogVersion uint64 `json:"catalog_version"`
	}{
		Links:          []link{{Href: r.BaseURL + "/collections", Rel: "self", Type: "application/json"}},
		Collections:    []collectionInfo{},
		CatalogVersion: s.cfg.Catalog.Version(),
	}
	for _, l := range s.cfg.Catalog.Visible(p) {
		out.Collections = append(out.Collections, s.describe(r, p, l))
	}
	return jsonResponse(http.StatusOK, "application/json", out)
}

func (s *Server) collection(r *Request, p layers.Principal, id string) *Response {
	l, err := s.layerFor(p, id)
	if err != nil {
		return errorResponse(err)
	}
	return jsonResponse(http.StatusOK, "application/json", s.describe(r, p, l))
}

func (s *Server) landing(r *Request) *Response {
	out := map[string]any{
		"title":       "bando",
		"description": "Bản đồ số IOC — map tiles and features of the province",
		"links": []link{
			{Href: r.BaseURL + "/", Rel: "self", Type: "application/json"},
			{Href: r.BaseURL + "/api", Rel: "service-desc", Type: mOAS, Title: "The API definition (OpenAPI 3.0)"},
			{Href: r.BaseURL + "/api?f=html", Rel: "service-doc", Type: "text/html", Title: "The API documentation"},
			{Href: r.BaseURL + "/conformance", Rel: "conformance", Type: "application/json"},
			{Href: r.BaseURL + "/collections", Rel: "data", Type: "application/json"},
			{Href: r.BaseURL + "/tiles", Rel: relTilesets, Type: "application/json", Title: "Vector tiles (OGC API – Tiles)"},
			{Href: r.BaseURL + "/tileMatrixSets", Rel: relTMSs, Type: "application/json"},
		},
	}
	return jsonResponse(http.StatusOK, "application/json", out)
}

func (s *Server) conformance(r *Request) *Response {
	return jsonResponse(http.StatusOK, "application/json", map[string][]string{"conformsTo": append([]string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
		"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
		"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	}, slices.Concat(filterConformance, tilesConformance)...)})
}
