package api

import (
	"bytes"
	"html/template"
	"net/http"
)

// apiPage is the browsable form of the API definition: rendered on the
// server from the same table, so it needs no script and works offline.
var apiPageTmpl = template.Must(template.New("api").Parse(`<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>bando — API</title>
<style>
body{font:15px/1.45 system-ui,sans-serif;margin:0 auto;max-width:72rem;padding:1rem 1.5rem;color:#1b2430}
h1{font-size:1.6rem;margin:.5rem 0}h2{font-size:1.2rem;margin:1.6rem 0 .4rem;border-bottom:1px solid #d8dee6}
.op{margin:.5rem 0;padding:.5rem .75rem;border:1px solid #d8dee6;border-radius:6px}
.m{display:inline-block;min-width:4.2rem;font-weight:600;font-family:ui-monospace,monospace}
.GET{color:#0a6b3b}.POST{color:#8a4b00}.PUT{color:#1b4f9c}.DELETE{color:#a0182b}
code{font-family:ui-monospace,monospace}table{border-collapse:collapse;margin:.3rem 0 0 4.2rem;font-size:.9rem}
td{padding:.1rem .6rem .1rem 0;vertical-align:top}.t{color:#5a6878}
</style></head><body>
<h1>bando — giao diện lập trình (API)</h1>
<p>Bản đồ số IOC. The machine-readable definition: <a href="?f=json">OpenAPI 3.0 JSON</a> · <a href="?f=yaml">YAML</a>.
Server: <code>{{.Base}}</code>.</p>
{{range .Tags}}<h2>{{.Name}}</h2><p class="t">{{.Desc}}</p>
{{range .Ops}}<div class="op" id="{{.Name}}"><span class="m {{.Method}}">{{.Method}}</span> <code>{{.Path}}</code> — {{.Summary}}
{{if .Params}}<table>{{range .Params}}<tr><td><code>{{.Name}}</code></td><td class="t">{{.In}}</td><td>{{.Desc}}</td></tr>{{end}}</table>{{end}}
</div>{{end}}{{end}}
</body></html>
`))

type pageOp struct {
	Name, Method, Path, Summary string
	Params                      []pageParam
}

type pageParam struct{ Name, In, Desc string }

type pageTag struct {
	Name, Desc string
	Ops        []pageOp
}

func (s *Server) apiPage(r *Request, doc obj) *Response {
	var tags []pageTag
	for _, t := range doc["tags"].(arr) {
		t := t.(obj)
		tags = append(tags, pageTag{Name: t["name"].(string), Desc: t["description"].(string)})
	}
	for i := range s.routes {
		rt := &s.routes[i]
		op := pageOp{Name: rt.name, Method: rt.method, Path: rt.path, Summary: rt.summary}
		for _, sg := range rt.segs {
			if sg.param != "" {
				op.Params = append(op.Params, pageParam{sg.param, "path", params[sg.param].desc})
			}
		}
		for _, q := range rt.query {
			op.Params = append(op.Params, pageParam{paramName(q), "query", params[q].desc})
		}
		for j := range tags {
			if tags[j].Name == rt.tag {
				tags[j].Ops = append(tags[j].Ops, op)
			}
		}
	}
	var b bytes.Buffer
	if err := apiPageTmpl.Execute(&b, map[string]any{"Base": r.BaseURL, "Tags": tags}); err != nil {
		return errorResponse(err)
	}
	return &Response{Status: http.StatusOK, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, Body: b.Bytes()}
}
