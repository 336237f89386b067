package api

import (
	"bufio"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/valyala/fasthttp"
)

const (
	// readBufferSize bounds the request line and headers together: past
	// it fasthttp refuses the request (431, or 414 for the request line).
	readBufferSize = 16 << 10
	// maxURILength is the longest request target answered; longer ones are
	// 414 even when they fit the read buffer.
	maxURILength = 8 << 10
)

// FastHTTP adapts the server to fasthttp without copying the request: the
// Request's Header and Query read fasthttp's parsed request in place, and
// the context is cancelled when the client goes away (see reqContext).
func (s *Server) FastHTTP(ctx *fasthttp.RequestCtx) { s.serveFast(ctx, s.Handle) }

func (s *Server) serveFast(fc *fasthttp.RequestCtx, handle func(context.Context, *Request) *Response) {
	if len(fc.RequestURI()) > maxURILength {
		writeResponse(fc, errorResponse(uriTooLong()))
		return
	}
	r := &Request{
		Method:   methodString(fc.Method()),
		Path:     string(fc.Path()),
		RawPath:  string(fc.URI().PathOriginal()),
		Query:    Query{a: fc.QueryArgs()},
		Header:   Header{fh: &fc.Request.Header},
		Body:     fc.PostBody(),
		RemoteIP: addrIP(fc.RemoteAddr()),
	}
	r.BaseURL = s.baseURL(r, fc.IsTLS(), fc.LocalAddr())
	rc := newReqContext(fc.Conn(), fc.Done())
	resp := handle(rc, r)
	rc.finish()
	if resp.Stream != nil {
		s.writeStream(fc, resp)
		return
	}
	writeResponse(fc, resp)
}

func addrIP(a net.Addr) netip.Addr {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.AddrPort().Addr().Unmap()
	}
	return netip.Addr{}
}

func (s *Server) writeStream(ctx *fasthttp.RequestCtx, resp *Response) {
	stream, streams := resp.Stream, s.streams
	resp.Stream = nil
	writeResponse(ctx, resp)
	// The request's context ends with the handler; a stream ends when a
	// write to the client fails or the server closes its streams.
	// fasthttp sets the write deadline once per response, so a stream open
	// longer than writeTimeout would be cut mid-chunk (browsers saw
	// ERR_INCOMPLETE_CHUNKED_ENCODING): keep pushing it ahead while the
	// stream lives. A client that stops reading still fails a write within
	// writeTimeout.
	conn := ctx.Conn()
	ctx.SetBodyStreamWriter(func(w *bufio.Writer) {
		done := make(chan struct{})
		defer close(done)
		go extendWriteDeadline(conn, done, s.streamTick)
		_ = stream(streams, w)
	})
}

// extendWriteDeadline pushes conn's write deadline writeTimeout ahead every
// tick (writeTimeout/3 unless a test sets Server.streamTick) until done.
// It never stops at the first push: fasthttp may set its own deadline
// after the stream has started.
func extendWriteDeadline(conn net.Conn, done <-chan struct{}, tick time.Duration) {
	if tick <= 0 {
		tick = writeTimeout / 3
	}
	_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		select {
		case <-done:
			return
		case <-t.C:
			_ = conn.SetWriteDeadline(time.Now().Add(writeTimeout))
		}
	}
}

// writeTimeout bounds the writing of one response (and of each stretch of
// an event stream).
const writeTimeout = 60 * time.Second

func writeResponse(ctx *fasthttp.RequestCtx, resp *Response) {
	for k, vs := range resp.Header {
		for _, v := range vs {
			ctx.Response.Header.Add(k, v)
		}
	}
	ctx.SetStatusCode(resp.Status)
	// For HEAD fasthttp sends the headers (Content-Length included) and
	// skips the body itself. No copy: a Response's body is never written
	// after the handler returns (cached tiles are immutable), and copying a
	// 70 KB tile was a tenth of a cached tile's cost.
	ctx.Response.SetBodyRaw(resp.Body)
}

func uriTooLong() *Error {
	return &Error{Status: http.StatusRequestURITooLong, Code: "uri_too_long",
		Message: "request target exceeds " + strconv.Itoa(maxURILength) + " bytes"}
}

// HTTPServer returns a fasthttp server with bando's limits. Errors fasthttp
// meets before a handler runs (a body over the limit, headers over the read
// buffer, a malformed request) still answer with bando's JSON error shape.
func (s *Server) HTTPServer(logger *slog.Logger) *fasthttp.Server {
	return &fasthttp.Server{
		Handler:            s.FastHTTP,
		Name:               "bando",
		MaxRequestBodySize: s.cfg.MaxBody,
		ReadTimeout:        60 * time.Second,
		WriteTimeout:       writeTimeout,
		IdleTimeout:        120 * time.Second,
		ReadBufferSize:     readBufferSize,
		// The buffer's excerpt in fasthttp's errors tells 414 from 431.
		SecureErrorLogMessage: false,
		ErrorHandler:          s.fasthttpError,
		Logger:                fasthttpLogger{logger},
	}
}

// fasthttpError maps errors fasthttp meets while reading a request.
// ErrSmallBuffer means the request line and headers overflowed the read
// buffer: 431 if the request line ended inside it, else 414 (the target
// alone is too long). Request targets that fit the buffer but exceed
// maxURILength are answered 414 by serveFast.
func (s *Server) fasthttpError(ctx *fasthttp.RequestCtx, err error) {
	e := badRequest("malformed request: " + errorExcerpt(err))
	var small *fasthttp.ErrSmallBuffer
	var ne net.Error
	switch {
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		e = &Error{Status: http.StatusRequestEntityTooLarge, Code: "payload_too_large",
			Message: "request body exceeds the limit of " + byteSize(s.cfg.MaxBody)}
	case errors.As(err, &small) && requestLineEnded(err):
		e = &Error{Status: http.StatusRequestHeaderFieldsTooLarge, Code: "headers_too_large",
			Message: "request headers exceed " + byteSize(readBufferSize)}
	case errors.As(err, &small):
		e = uriTooLong()
	case errors.As(err, &ne) && ne.Timeout():
		e = &Error{Status: http.StatusRequestTimeout, Code: "timeout", Message: "request timed out"}
	}
	ctx.Response.Reset()
	writeResponse(ctx, errorResponse(e))
}

// errorExcerpt is fasthttp's reason without the request bytes it quotes.
func errorExcerpt(err error) string {
	msg, _, _ := strings.Cut(err.Error(), ": buffer size=")
	msg, _, _ = strings.Cut(msg, " in \"")
	if len(msg) > 120 {
		msg = msg[:120] + "…"
	}
	return strings.ToValidUTF8(msg, "?")
}

// requestLineEnded reports whether the buffer fasthttp gave up on holds a
// line break. fasthttp keeps no parsed state on this error (Method and
// RequestURI answer their defaults), but its message quotes the first and
// last 200 bytes of the buffer (%q, so a break reads `\n`). A break there
// means the request line ended and headers overflowed. The one case read
// wrongly is a request line over 200 bytes followed by a single header
// line filling the rest: 414 instead of 431, still a refusal of size.
func requestLineEnded(err error) bool {
	_, contents, ok := strings.Cut(err.Error(), "contents: ")
	return ok && strings.Contains(contents, `\n`)
}

type fasthttpLogger struct{ l *slog.Logger }

func (f fasthttpLogger) Printf(format string, args ...any) {
	f.l.Debug("fasthttp", "msg", format, "args", args)
}

func byteSize(n int) string {
	const mib, kib = 1 << 20, 1 << 10
	switch {
	case n%mib == 0:
		return strconv.Itoa(n/mib) + " MiB"
	case n%kib == 0:
		return strconv.Itoa(n/kib) + " KiB"
	}
	return strconv.Itoa(n) + " bytes"
}
