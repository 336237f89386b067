package api

import (
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/valyala/fasthttp"
)

var staticTypes = map[string]string{
	".html":  "text/html; charset=utf-8",
	".js":    "text/javascript; charset=utf-8",
	".mjs":   "text/javascript; charset=utf-8",
	".css":   "text/css; charset=utf-8",
	".json":  "application/json",
	".pbf":   "application/x-protobuf",
	".png":   "image/png",
	".svg":   "image/svg+xml",
	".woff2": "font/woff2",
}

// static serves the embedded viewer: "/", "/wall" and "/public" are index.html, other paths are
// files of the viewer's dist folder.
func (s *Server) static(r *Request) *Response {
	if s.cfg.Viewer == nil {
		return errorResponse(notFound("no such resource: " + quote(r.Path)))
	}
	if !readMethod(r) {
		return methodNotAllowed("GET")
	}
	name := strings.TrimPrefix(path.Clean("/"+r.Path), "/")
	// The desk, the wall and the public map are one page that picks its
	// mode from the path.
	if name == "" || name == "wall" || name == "public" {
		name = "index.html"
	}
	b, err := fs.ReadFile(s.cfg.Viewer, name)
	if err != nil {
		return errorResponse(notFound("no such resource: " + quote(r.Path)))
	}
	resp := &Response{Status: http.StatusOK, Header: http.Header{}, Body: b}
	ext := path.Ext(name)
	ct := staticTypes[ext]
	if ct == "" {
		ct = mime.TypeByExtension(ext)
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	resp.Header.Set("Content-Type", ct)
	s.encodeStatic(r, resp, name)
	if name == "index.html" {
		resp.Header.Set("Cache-Control", "no-cache")
	} else {
		resp.Header.Set("Cache-Control", "public, max-age=3600")
	}
	return resp
}

// encodeStatic compresses a viewer file once per coding, at a denser level
// than responses made per request, and serves the cached bytes after.
func (s *Server) encodeStatic(r *Request, resp *Response, name string) {
	if len(resp.Body) < minCompress || !isCompressible(resp.Header.Get("Content-Type")) {
		return
	}
	addVary(resp.Header, "Accept-Encoding")
	enc := chooseEncoding(r, encBrotli, encGzip)
	if enc == "" {
		return
	}
	key := enc + "\x00" + name
	if b, ok := s.staticEnc.Load(key); ok {
		resp.Body = b.([]byte)
	} else {
		if enc == encBrotli {
			resp.Body = fasthttp.AppendBrotliBytesLevel(nil, resp.Body, 6)
		} else {
			resp.Body = fasthttp.AppendGzipBytesLevel(nil, resp.Body, fasthttp.CompressBestCompression)
		}
		s.staticEnc.Store(key, resp.Body)
	}
	resp.Header.Set("Content-Encoding", enc)
}
