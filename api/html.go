package api

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"bando/layers"
)

// HTML pages of the OGC resources (collections, a collection, items, a
// feature), as OGC API Features recommends for browsers: Vietnamese first,
// rendered on the server from the same answers as the JSON (no second
// query path), each with a small map drawn as SVG so it needs no script
// and works offline. The landing page's HTML is the viewer itself.

// outputFormat reads f= and Accept for the OGC resources: "json" (the
// default, GeoJSON for features) or "html" (f=html, or a browser's Accept
// that names text/html and no JSON).
func outputFormat(r *Request) (string, error) {
	switch f := r.Query.Get("f"); f {
	case "json", "geojson":
		return "json", nil
	case "html":
		return "html", nil
	case "":
	default:
		return "", badRequest("f " + quote(f) + ": want json or html")
	}
	a := r.Header.Get("Accept")
	if strings.Contains(a, "text/html") && !strings.Contains(a, "json") {
		return "html", nil
	}
	return "json", nil
}

var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{
	"either": func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	},
}).Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} — bando</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;color:#1b2430}
h1{font-size:1.5rem;margin:.4rem 0}nav{font-size:.9rem;color:#5a6878}a{color:#1b4f9c}
table{border-collapse:collapse;width:100%;font-size:.9rem;margin:.6rem 0}th,td{border-bottom:1px solid #e1e6ec;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f4f6f9}.en{color:#5a6878}.map{border:1px solid #d8dee6;border-radius:6px;background:#eef3f8;max-width:100%}
.fmt{font-size:.85rem}
</style></head><body>
<nav><a href="{{.Base}}/">bando</a> › <a href="{{.Base}}/collections?f=html">Lớp dữ liệu</a>{{range .Crumbs}} › <a href="{{.Href}}">{{.Title}}</a>{{end}}</nav>
<h1>{{.Title}}</h1>{{if .Subtitle}}<p class="en">{{.Subtitle}}</p>{{end}}
<p class="fmt">Định dạng khác / other formats: {{range .Alternates}}<a href="{{.Href}}">{{.Title}}</a> {{end}}</p>
{{if .Map}}<p>{{.Map}}</p>{{end}}
{{if .Head}}<table><tr>{{range .Head}}<th>{{.}}</th>{{end}}</tr>
{{range .Rows}}<tr>{{range $i, $c := .}}<td>{{if $c.Href}}<a href="{{$c.Href}}">{{$c.Text}}</a>{{else}}{{$c.Text}}{{end}}</td>{{end}}</tr>{{end}}</table>{{end}}
{{if .Pages}}<p>{{range .Pages}}<a href="{{.Href}}">{{.Title}}</a> {{end}}</p>{{end}}
</body></html>
`))

type pageLink struct{ Href, Title string }

type cell struct{ Text, Href string }

type htmlPage struct {
	Base, Title, Subtitle string
	Crumbs, Alternates    []pageLink
	Pages                 []pageLink
	Map                   template.HTML
	Head                  []string
	Rows                  [][]cell
}

func htmlResponse(p htmlPage) *Response {
	var b bytes.Buffer
	if err := pageTmpl.Execute(&b, p); err != nil {
		return errorResponse(err)
	}
	return &Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: b.Bytes()}
}

// withF returns the request's URL with f set (the links between formats).
func withF(r *Request, f string) string {
	q := r.Query.Values()
	q.Set("f", f)
	return r.BaseURL + r.Path + "?" + q.Encode()
}

func (s *Server) collectionsPage(r *Request, p layers.Principal) *Response {
	pg := htmlPage{Base: r.BaseURL, Title: "Lớp dữ liệu", Subtitle: "Collections",
		Alternates: []pageLink{{withF(r, "json"), "JSON"}},
		Head:       []string{"Lớp (layer)", "Loại (kind)", "Hình học", "Số đối tượng", ""}}
	for _, l := range s.cfg.Catalog.Visible(p) {
		base := r.BaseURL + "/collections/" + url.PathEscape(l.ID)
		pg.Rows = append(pg.Rows, []cell{
			{Text: either(l.Title.VI, l.ID) + " — " + l.Title.EN, Href: base + "?f=html"},
			{Text: string(l.Kind)}, {Text: string(l.Geometry)},
			{Text: strconv.Itoa(s.cfg.Index.Count(l.ID))},
			{Text: "đối tượng / items", Href: base + "/items?f=html"},
		})
	}
	return htmlResponse(pg)
}

func (s *Server) collectionPage(r *Request, p layers.Principal, l *layers.Layer) *Response {
	base := r.BaseURL + "/collections/" + url.PathEscape(l.ID)
	pg := htmlPage{Base: r.BaseURL, Title: either(l.Title.VI, l.ID), Subtitle: l.Title.EN + " · " + either(l.Description.VI, l.Description.EN),
		Crumbs:     []pageLink{{base + "?f=html", either(l.Title.VI, l.ID)}},
		Alternates: []pageLink{{withF(r, "json"), "JSON"}, {base + "/items?f=html", "đối tượng (items)"}, {r.BaseURL + "/tiles/" + l.ID + ".json", "TileJSON"}, {base + "/schema", "schema"}},
		Head:       []string{"Trường (field)", "Kiểu (type)", "Tên", "Name"}}
	if e, ok := s.cfg.Index.Extent(l.ID); ok {
		pg.Map = boxSVG(e)
	}
	for _, i := range layers.VisibleFields(p, l) {
		f := l.Fields[i]
		pg.Rows = append(pg.Rows, []cell{{Text: f.Name}, {Text: string(f.Type)}, {Text: f.Title.VI}, {Text: f.Title.EN}})
	}
	pg.Rows = append(pg.Rows, []cell{{Text: "—"}, {Text: "nguồn / source"}, {Text: l.Attribution}, {Text: l.License}})
	pg.Rows = append(pg.Rows, qualityRows(r, s.qualityOf(p, l))...)
	return htmlResponse(pg)
}

// geoJSONPage is what the HTML pages read of a GeoJSON answer.
type geoJSONPage struct {
	Features []struct {
		ID         json.RawMessage `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
	NumberMatched int `json:"numberMatched"`
	Links         []struct {
		Rel, Href string
	} `json:"links"`
}

// itemsPage renders a JSON answer (a FeatureCollection, or one
// Feature when one is set) as a table and a map.
func (s *Server) itemsPage(r *Request, p layers.Principal, l *layers.Layer, answer *Response, one bool) *Response {
	if answer.Status != http.StatusOK {
		return answer
	}
	var fc geoJSONPage
	if one {
		var f struct {
			ID         json.RawMessage `json:"id"`
			Geometry   json.RawMessage `json:"geometry"`
			Properties map[string]any  `json:"properties"`
		}
		if err := json.Unmarshal(answer.Body, &f); err != nil {
			return errorResponse(err)
		}
		fc.Features = append(fc.Features, f)
	} else if err := json.Unmarshal(answer.Body, &fc); err != nil {
		return errorResponse(err)
	}
	base := r.BaseURL + "/collections/" + url.PathEscape(l.ID)
	pg := htmlPage{Base: r.BaseURL, Title: either(l.Title.VI, l.ID), Subtitle: l.Title.EN,
		Crumbs:     []pageLink{{base + "?f=html", either(l.Title.VI, l.ID)}},
		Alternates: []pageLink{{withF(r, "json"), "GeoJSON"}}}
	fields := layers.VisibleFields(p, l)
	pg.Head = []string{"id"}
	for _, i := range fields {
		pg.Head = append(pg.Head, l.Fields[i].Name)
	}
	var geoms []json.RawMessage
	for _, f := range fc.Features {
		id := strings.Trim(string(f.ID), `"`)
		row := []cell{{Text: id, Href: base + "/items/" + url.PathEscape(id) + "?f=html"}}
		for _, i := range fields {
			row = append(row, cell{Text: textOf(f.Properties[l.Fields[i].Name])})
		}
		pg.Rows = append(pg.Rows, row)
		geoms = append(geoms, f.Geometry)
	}
	if one {
		pg.Title += " — " + strings.Trim(string(fc.Features[0].ID), `"`)
	} else {
		pg.Subtitle += " · " + strconv.Itoa(fc.NumberMatched) + " đối tượng (features)"
		for _, lk := range fc.Links {
			switch lk.Rel {
			case "prev":
				pg.Pages = append(pg.Pages, pageLink{htmlHref(lk.Href), "‹ trang trước (previous)"})
			case "next":
				pg.Pages = append(pg.Pages, pageLink{htmlHref(lk.Href), "trang sau (next) ›"})
			}
		}
	}
	pg.Map = featuresSVG(geoms)
	return htmlResponse(pg)
}

// htmlHref is a paging link of the JSON answer, kept in HTML.
func htmlHref(h string) string {
	u, err := url.Parse(h)
	if err != nil {
		return h
	}
	q := u.Query()
	q.Set("f", "html")
	u.RawQuery = q.Encode()
	return u.String()
}

func textOf(v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func either(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// The four OGC resources with an HTML form, as the route table serves them.

func (s *Server) serveCollections(c *routeCall) *Response {
	return s.negotiated(c, func() *Response { return s.collectionsPage(c.r, c.p) },
		func() *Response { return s.collections(c.r, c.p) })
}

func (s *Server) serveCollection(c *routeCall) *Response {
	return s.negotiated(c, func() *Response {
		l, err := s.layerFor(c.p, c.seg[1])
		if err != nil {
			return errorResponse(err)
		}
		return s.collectionPage(c.r, c.p, l)
	}, func() *Response { return s.collection(c.r, c.p, c.seg[1]) })
}

// The HTML of features is made from their JSON answer (one query path).
func (s *Server) serveItems(c *routeCall) *Response {
	answer := func() *Response { return s.items(c.ctx, c.r, c.p, c.seg[1]) }
	return s.negotiated(c, func() *Response { return s.featurePage(c, answer(), false) }, answer)
}

func (s *Server) serveItem(c *routeCall) *Response {
	answer := func() *Response { return s.item(c.r, c.p, c.seg[1], c.seg[3]) }
	return s.negotiated(c, func() *Response { return s.featurePage(c, answer(), true) }, answer)
}

func (s *Server) featurePage(c *routeCall, answer *Response, one bool) *Response {
	l, err := s.layerFor(c.p, c.seg[1])
	if err != nil {
		return errorResponse(err)
	}
	return s.itemsPage(c.r, c.p, l, answer, one)
}

// negotiated answers page() or data() as f= and Accept ask; an answer in
// either form says so in Vary.
func (s *Server) negotiated(c *routeCall, page, data func() *Response) *Response {
	f, err := outputFormat(c.r)
	if err != nil {
		return errorResponse(err)
	}
	var resp *Response
	if f == "html" {
		resp = page()
	} else {
		resp = data()
	}
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	if c.r.Query.Get("f") == "" {
		resp.Header.Add("Vary", "Accept")
	}
	return resp
}
