package api

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/valyala/fasthttp"
)

// FastHTTP adapts the server to fasthttp: it copies the request into a
// Request value, calls Handle, and writes the Response back.
func (s *Server) FastHTTP(ctx *fasthttp.RequestCtx) {
	r := &Request{
		Method:  string(ctx.Method()),
		Path:    string(ctx.Path()),
		RawPath: string(ctx.URI().PathOriginal()),
		Header:  http.Header{},
		Body:    ctx.PostBody(),
	}
	q, err := url.ParseQuery(string(ctx.QueryArgs().QueryString()))
	if err != nil {
		writeResponse(ctx, errorResponse(badRequest("malformed query string: "+err.Error())))
		return
	}
	r.Query = q
	for k, v := range ctx.Request.Header.All() {
		r.Header.Add(string(k), string(v))
	}
	scheme := "http"
	if ctx.IsTLS() || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	r.BaseURL = scheme + "://" + string(ctx.Host())
	writeResponse(ctx, s.Handle(ctx, r))
}

func writeResponse(ctx *fasthttp.RequestCtx, resp *Response) {
	for k, vs := range resp.Header {
		for _, v := range vs {
			ctx.Response.Header.Add(k, v)
		}
	}
	ctx.SetStatusCode(resp.Status)
	if !ctx.IsHead() {
		ctx.SetBody(resp.Body)
	}
}

// HTTPServer returns a fasthttp server with bando's limits. Errors fasthttp
// meets before a handler runs (a body over the limit, a malformed request)
// still answer with bando's JSON error shape.
func (s *Server) HTTPServer(logger *slog.Logger) *fasthttp.Server {
	return &fasthttp.Server{
		Handler:            s.FastHTTP,
		Name:               "bando",
		MaxRequestBodySize: s.cfg.MaxBody,
		ReadTimeout:        60 * time.Second,
		WriteTimeout:       60 * time.Second,
		IdleTimeout:        120 * time.Second,
		ReadBufferSize:     16 << 10,
		ErrorHandler: func(ctx *fasthttp.RequestCtx, err error) {
			e := badRequest("malformed request: " + err.Error())
			if errors.Is(err, fasthttp.ErrBodyTooLarge) {
				e = &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
					Message: "request body exceeds the limit of " + byteSize(s.cfg.MaxBody)}
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				e = &Error{Status: http.StatusRequestTimeout, Code: "timeout", Message: "request timed out"}
			}
			writeResponse(ctx, errorResponse(e))
		},
		Logger: fasthttpLogger{logger},
	}
}

type fasthttpLogger struct{ l *slog.Logger }

func (f fasthttpLogger) Printf(format string, args ...any) {
	f.l.Debug("fasthttp", "msg", format, "args", args)
}

func byteSize(n int) string {
	const mib = 1 << 20
	if n%mib == 0 {
		return strconv.Itoa(n/mib) + " MiB"
	}
	return strconv.Itoa(n) + " bytes"
}
