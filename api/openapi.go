package api

import (
	"net/http"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// The API definition (OpenAPI 3.0) is built from the route table, so every
// route the router serves is in it and nothing else is.

type (
	obj = map[string]any
	arr = []any
)

// openAPI returns the definition for a server reached at base.
func (s *Server) openAPI(base string) obj {
	paths := obj{}
	for i := range s.routes {
		rt := &s.routes[i]
		item, _ := paths[rt.path].(obj)
		if item == nil {
			item = obj{}
			paths[rt.path] = item
		}
		item[strings.ToLower(rt.method)] = operation(rt)
	}
	version := s.cfg.Version
	if version == "" {
		version = "dev"
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":       "bando",
			"version":     version,
			"description": "Bản đồ số IOC: the province's layers as OGC API Features, vector tiles, map questions and the live twin.",
			"license":     obj{"name": "See each layer's attribution and license in /collections"},
		},
		"servers": arr{obj{"url": base}},
		"tags": arr{
			obj{"name": "core", "description": "Landing page, API definition, conformance"},
			obj{"name": "features", "description": "OGC API – Features: layers and their features"},
			obj{"name": "catalog", "description": "The data steward's catalog changes: create, change, retire a layer (a token with manage: true)"},
			obj{"name": "tiles", "description": "Vector tiles (MVT, MLT), TileJSON, H3 and heat tiles"},
			obj{"name": "questions", "description": "Map questions: point, radius, zone, admin; H3; indicators"},
			obj{"name": "quality", "description": "Data quality per layer: correct, complete, clean, live (đúng, đủ, sạch, sống)"},
			obj{"name": "twin", "description": "The live twin: positions, observations, alerts, events"},
			obj{"name": "viewer", "description": "The video wall's scenes"},
			obj{"name": "operations", "description": "Health, readiness, metrics"},
		},
		"paths": paths,
		"components": obj{
			"securitySchemes": obj{"bearer": obj{"type": "http", "scheme": "bearer",
				"description": "A token from the config; anonymous callers see public layers and fields only"}},
			"schemas": obj{"Problem": obj{
				"type":     "object",
				"required": arr{"code", "message"},
				"properties": obj{
					"code":    obj{"type": "string"},
					"message": obj{"type": "string"},
					"status":  obj{"type": "integer"},
					"errors":  obj{"type": "array", "items": obj{"type": "object"}},
				},
			}},
		},
	}
}

func operation(rt *route) obj {
	op := obj{
		"operationId": rt.name,
		"summary":     rt.summary,
		"tags":        arr{rt.tag},
		"security":    arr{obj{}, obj{"bearer": arr{}}},
	}
	if rt.tag == "catalog" {
		op["security"] = arr{obj{"bearer": arr{}}} // no anonymous steward
	}
	var ps arr
	for _, sg := range rt.segs {
		if sg.param != "" {
			ps = append(ps, parameter(sg.param, "path"))
		}
	}
	for _, q := range rt.query {
		ps = append(ps, parameter(q, "query"))
	}
	if ps != nil {
		op["parameters"] = ps
	}
	if rt.body != nil {
		content := obj{}
		for _, m := range rt.body {
			content[m] = obj{"schema": obj{}}
		}
		op["requestBody"] = obj{"required": true, "content": content}
	}
	status := rt.status
	if status == 0 {
		status = http.StatusOK
	}
	ok := obj{"description": http.StatusText(status)}
	if rt.out != nil {
		content := obj{}
		for _, m := range rt.out {
			content[m] = obj{"schema": obj{}}
		}
		ok["content"] = content
	}
	op["responses"] = obj{
		strconv.Itoa(status): ok,
		"default": obj{"description": "An error, as a problem object",
			"content": obj{"application/json": obj{"schema": obj{"$ref": "#/components/schemas/Problem"}}}},
	}
	return op
}

// paramName is the name of the parameter documented under key.
func paramName(key string) string {
	name, _, _ := strings.Cut(key, "#")
	return name
}

func parameter(key, in string) obj {
	name := paramName(key)
	d := params[key]
	schema := obj{"type": d.typ}
	if d.enum != nil {
		schema["enum"] = d.enum
	}
	if d.min != nil {
		schema["minimum"] = *d.min
	}
	if d.max != nil {
		schema["maximum"] = *d.max
	}
	p := obj{"name": name, "in": in, "description": d.desc, "required": in == "path"}
	if d.list {
		p["schema"] = obj{"type": "array", "items": schema}
		p["style"], p["explode"] = "form", false
	} else {
		p["schema"] = schema
	}
	return p
}

// apiDefinition answers /api: the definition as JSON (the default), YAML
// (f=yaml or an OpenAPI YAML Accept) or a browsable HTML page (f=html, or
// a browser's Accept).
func (s *Server) apiDefinition(r *Request) *Response {
	doc := s.openAPI(r.BaseURL)
	switch apiFormat(r) {
	case "yaml":
		b, err := yaml.Marshal(doc)
		if err != nil {
			return errorResponse(err)
		}
		return &Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {mOASYAML}}, Body: b}
	case "html":
		return s.apiPage(r, doc)
	case "bad":
		return errorResponse(badRequest("f " + quote(r.Query.Get("f")) + ": want json, yaml or html"))
	}
	return jsonResponse(http.StatusOK, mOAS, doc)
}

func apiFormat(r *Request) string {
	switch f := r.Query.Get("f"); f {
	case "json", "yaml", "html":
		return f
	case "":
	default:
		return "bad"
	}
	a := r.Header.Get("Accept")
	switch {
	case strings.Contains(a, "yaml") || strings.Contains(a, "application/vnd.oai.openapi;"):
		return "yaml"
	case strings.Contains(a, "json"):
		return "json"
	case strings.Contains(a, "text/html"):
		return "html"
	}
	return "json"
}
