package api

import (
	"net/http"
	"strings"

	"bando/layers"
	"bando/spatial/cql2"
)

// Media types and link relations of the schema documents.
const (
	mediaJSONSchema = "application/schema+json"
	relQueryables   = "http://www.opengis.net/def/rel/ogc/1.0/queryables"
	relSchema       = "http://www.opengis.net/def/rel/ogc/1.0/schema"
	jsonSchema2020  = "https://json-schema.org/draft/2020-12/schema"
)

// fieldSchema is a field as JSON Schema: its type and title.
func fieldSchema(f *layers.Field) map[string]any {
	s := map[string]any{"title": f.Title.VI}
	if f.Title.EN != "" {
		s["description"] = f.Title.EN
	}
	switch f.Type {
	case layers.TypeString:
		s["type"] = "string"
	case layers.TypeInt:
		s["type"], s["format"] = "integer", "int64"
	case layers.TypeFloat:
		s["type"] = "number"
	case layers.TypeBool:
		s["type"] = "boolean"
	case layers.TypeTime:
		s["type"], s["format"] = "string", "date-time"
	}
	return s
}

// geometryFormat is the layer's geometry as OGC API Features Part 5's
// format keyword ("Polygon" admits MultiPolygon, and so on).
func geometryFormat(g layers.GeometryType) string {
	switch g {
	case layers.GeomPoint:
		return "geometry-point-or-multipoint"
	case layers.GeomLineString:
		return "geometry-linestring-or-multilinestring"
	case layers.GeomPolygon:
		return "geometry-polygon-or-multipolygon"
	}
	return "geometry-any"
}

func geometrySchema(l *layers.Layer) map[string]any {
	return map[string]any{"title": "geometry", "format": geometryFormat(l.Geometry), "x-ogc-role": "primary-geometry"}
}

// queryables is /collections/{id}/queryables (Part 3): what a filter may
// name — the geometry and the fields the principal may see.
func (s *Server) queryables(r *Request, p layers.Principal, id string) *Response {
	l, err := s.layerFor(p, id)
	if err != nil {
		return errorResponse(err)
	}
	props := map[string]any{cql2.GeometryName: geometrySchema(l)}
	// "queryables" is the list form of the Part 3 drafts, which GDAL up to
	// 3.6 reads to know what it may push to the server; JSON Schema
	// ignores a keyword it does not know.
	list := []map[string]string{{"id": cql2.GeometryName, "type": "geometry"}}
	for _, i := range layers.VisibleFields(p, l) {
		f := &l.Fields[i]
		props[f.Name] = fieldSchema(f)
		list = append(list, map[string]string{"id": f.Name, "type": string(f.Type), "title": f.Title.VI})
	}
	return jsonResponse(http.StatusOK, schemaMedia(r), map[string]any{
		"$schema": jsonSchema2020, "$id": r.BaseURL + "/collections/" + l.ID + "/queryables",
		"type": "object", "title": l.Title.VI, "properties": props, "additionalProperties": false,
		"queryables": list,
	})
}

// schemaMedia is the type of a JSON Schema answer: application/schema+json,
// unless the client asked for JSON without naming it (GDAL refuses any
// other type than the ones it lists in Accept).
func schemaMedia(r *Request) string {
	a := r.Header.Get("Accept")
	if a != "" && !strings.Contains(a, mediaJSONSchema) && strings.Contains(a, "application/json") {
		return "application/json"
	}
	return mediaJSONSchema
}

// schema is /collections/{id}/schema: the JSON Schema of a feature as
// items serves it (a GeoJSON Feature whose properties are the visible
// fields, with types, titles and which are required), so that GIS clients
// (GDAL's describedBy) know the fields and the geometry type.
func (s *Server) schema(r *Request, p layers.Principal, id string) *Response {
	l, err := s.layerFor(p, id)
	if err != nil {
		return errorResponse(err)
	}
	fields := map[string]any{}
	required := []string{}
	for _, i := range layers.VisibleFields(p, l) {
		f := &l.Fields[i]
		fields[f.Name] = fieldSchema(f)
		if f.Required {
			required = append(required, f.Name)
		}
	}
	return jsonResponse(http.StatusOK, schemaMedia(r), map[string]any{
		"$schema": jsonSchema2020, "$id": r.BaseURL + "/collections/" + l.ID + "/schema",
		"title": l.Title.VI, "type": "object", "required": []string{"type", "geometry", "properties"},
		"properties": map[string]any{
			"type":       map[string]any{"type": "string", "enum": []string{"Feature"}},
			"id":         map[string]any{"type": []string{"string", "integer"}, "x-ogc-role": "id"},
			"geometry":   geometrySchema(l),
			"properties": map[string]any{"type": "object", "properties": fields, "required": required},
		},
	})
}
