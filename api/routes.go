package api

import (
	"context"
	"net/http"
	"strings"

	"bando/layers"
)

// The router is this table: route dispatches from it and /api describes
// it (openapi.go), so the API definition cannot drift from what is served.
// A route's path is an OpenAPI template; {name} is one path segment, and
// {name}.ext one that must end in .ext. The routes under the request's
// first segment are tried in table order; the
// first whose path matches decides, and a method it does not have is a
// 405 listing the methods of every route on that path.

// routeCall is one matched request, as a route's serve function sees it.
type routeCall struct {
	ctx context.Context
	r   *Request
	p   layers.Principal
	seg []string // the decoded path segments, the first included
}

type route struct {
	name    string // operationId; also the metrics label unless label is set
	label   string
	method  string // GET also answers HEAD
	path    string
	tag     string
	summary string
	query   []string // query parameters, described in params (openapi_params.go)
	body    []string // request media types
	out     []string // media types of the success answer
	status  int      // the success status, 200 unless set
	needs   need
	serve   func(s *Server, c *routeCall) *Response
	segs    []segment
}

// need is a service a route cannot answer without.
type need int

const (
	needNothing need = iota
	needIndex        // the map questions' index (s.queries)
	needTwin         // the live twin
	needQuality      // the data-quality engine
)

// segment is one compiled segment of a route's path.
type segment struct {
	lit    string // a literal segment, when param is ""
	param  string
	suffix string // a param segment's required ending (".json")
}

func compile(path string) []segment {
	var out []segment
	for _, s := range strings.Split(strings.Trim(path, "/"), "/") {
		if !strings.HasPrefix(s, "{") {
			out = append(out, segment{lit: s})
			continue
		}
		end := strings.IndexByte(s, '}')
		out = append(out, segment{param: s[1:end], suffix: s[end+1:]})
	}
	return out
}

// match reports whether the decoded segments seg are this route's path.
func (rt *route) match(seg []string) bool {
	if len(seg) != len(rt.segs) {
		return false
	}
	for i, p := range rt.segs {
		switch {
		case p.param == "" && seg[i] != p.lit:
			return false
		case p.param != "" && (len(seg[i]) <= len(p.suffix) || !strings.HasSuffix(seg[i], p.suffix)):
			return false
		}
	}
	return true
}

func (rt *route) allows(method string) bool {
	return method == rt.method || (rt.method == http.MethodGet && method == http.MethodHead)
}

func (rt *route) metricName() string {
	if rt.label != "" {
		return rt.label
	}
	return rt.name
}

// dispatch finds the route for the request and serves it. Paths no route
// has fall to the viewer's static files, except under the API's own
// prefixes, which answer a JSON 404.
func (s *Server) dispatch(ctx context.Context, r *Request, p layers.Principal, seg []string) (string, *Response) {
	var allow []string
	for _, i := range s.byFirst[seg[0]] {
		rt := &s.routes[i]
		if !rt.match(seg) {
			continue
		}
		if !rt.allows(r.Method) {
			allow = appendMethod(allow, rt.method)
			continue
		}
		if resp := s.unavailable(rt.needs); resp != nil {
			return rt.metricName(), resp
		}
		return rt.metricName(), rt.serve(s, &routeCall{ctx: ctx, r: r, p: p, seg: seg})
	}
	if allow != nil {
		return "method_not_allowed", methodNotAllowed(strings.Join(allow, ", "))
	}
	switch seg[0] {
	case "collections", "api":
		return seg[0], errorResponse(notFound("no such resource: " + quote(r.Path) + "; the routes are listed at /api"))
	case "tiles":
		return "tiles", errorResponse(notFound("tiles are at /tiles/{layer[,layer…]}/{z}/{x}/{y}.mvt (or .mlt) and /tiles/{layer}.json; aggregates at /tiles/{h3|heat}/{layer}/{z}/{x}/{y}.mvt?agg=… and /tiles/{h3|heat}/{layer}.json"))
	}
	return "static", s.static(r)
}

func appendMethod(allow []string, m string) []string {
	for _, a := range allow {
		if a == m {
			return allow
		}
	}
	return append(allow, m)
}

// unavailable answers a route whose service this server does not run.
func (s *Server) unavailable(n need) *Response {
	switch {
	case n == needIndex && (s.queries == nil || s.hexes == nil || s.indicators == nil):
		return errorResponse(&Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "this server has no index to ask"})
	case n == needTwin && s.cfg.Twin == nil:
		return errorResponse(notFound("the live twin is not enabled"))
	case n == needQuality && s.cfg.Quality == nil:
		return errorResponse(&Error{Status: http.StatusServiceUnavailable, Code: "unavailable",
			Message: "this server computes no data quality"})
	}
	return nil
}

// routesByFirst indexes the table by its routes' first segment, so that a
// request is matched against the few routes under its prefix (a tile
// request scanned all forty of them, 10 % of a cached tile's cost), in
// table order. No route starts with a parameter.
func routesByFirst(rs []route) map[string][]int {
	out := map[string][]int{}
	for i, rt := range rs {
		if rt.segs[0].param != "" {
			panic("api: route " + rt.path + " starts with a parameter")
		}
		out[rt.segs[0].lit] = append(out[rt.segs[0].lit], i)
	}
	return out
}

// compileRoutes returns the table with every path compiled.
func compileRoutes(rs []route) []route {
	out := make([]route, len(rs))
	for i, rt := range rs {
		rt.segs = compile(rt.path)
		out[i] = rt
	}
	return out
}
