package api

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/valyala/fasthttp"
)

// serveLoopback runs h on a real fasthttp server on 127.0.0.1 and returns
// its address and the server (shut down at cleanup).
func serveLoopback(t *testing.T, fs *fasthttp.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go fs.Serve(ln) //nolint:errcheck
	t.Cleanup(func() { _ = fs.Shutdown() })
	return ln.Addr().String()
}

// slowHandler answers after its context is done or after wait, and reports
// what the context said.
type slowHandler struct {
	started chan struct{}
	result  chan error
	wait    time.Duration
}

func newSlowHandler(wait time.Duration) *slowHandler {
	return &slowHandler{started: make(chan struct{}, 4), result: make(chan error, 4), wait: wait}
}

func (h *slowHandler) handle(ctx context.Context, r *Request) *Response {
	h.started <- struct{}{}
	select {
	case <-ctx.Done():
		h.result <- ctx.Err()
	case <-time.After(h.wait):
		h.result <- ctx.Err()
	}
	return &Response{Status: 200, Header: http.Header{}, Body: []byte("ok " + r.Path)}
}

func slowServer(t *testing.T, h *slowHandler) (string, *fasthttp.Server) {
	s := newTestServer(t)
	fs := s.HTTPServer(s.cfg.Logger)
	fs.Handler = func(fc *fasthttp.RequestCtx) { s.serveFast(fc, h.handle) }
	return serveLoopback(t, fs), fs
}

func result(t *testing.T, h *slowHandler) error {
	t.Helper()
	select {
	case err := <-h.result:
		return err
	case <-time.After(5 * time.Second):
		t.Fatal("handler never finished")
		return nil
	}
}

func TestClientDisconnectCancelsContext(t *testing.T) {
	h := newSlowHandler(10 * time.Second)
	addr, _ := slowServer(t, h)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: test\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	<-h.started
	c.Close()
	if err := result(t, h); !errors.Is(err, context.Canceled) {
		t.Fatalf("after disconnect ctx.Err() = %v, want context.Canceled", err)
	}
}

func TestShutdownCancelsContext(t *testing.T) {
	h := newSlowHandler(10 * time.Second)
	addr, fs := slowServer(t, h)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	io.WriteString(c, "GET /slow HTTP/1.1\r\nHost: test\r\n\r\n")
	<-h.started
	go fs.Shutdown()
	if err := result(t, h); !errors.Is(err, context.Canceled) {
		t.Fatalf("after shutdown ctx.Err() = %v, want context.Canceled", err)
	}
}

// A client that stays, including one that pipelines its next request, is
// not cancelled, and the connection stays usable after the watch ends.
func TestStayingClientNotCancelled(t *testing.T) {
	h := newSlowHandler(50 * time.Millisecond)
	addr, _ := slowServer(t, h)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	req := "GET /a HTTP/1.1\r\nHost: test\r\n\r\n"
	// One request alone, then two pipelined, on one keep-alive connection.
	for _, batch := range []string{req, req + strings.Replace(req, "/a", "/b", 1)} {
		if _, err := io.WriteString(c, batch); err != nil {
			t.Fatal(err)
		}
		for range strings.Count(batch, "GET") {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 200 || !strings.HasPrefix(string(body), "ok /") {
				t.Fatalf("%d %q", resp.StatusCode, body)
			}
			if err := result(t, h); err != nil {
				t.Fatalf("live client saw ctx.Err() = %v", err)
			}
		}
	}
}

// Once the handler has returned, its context is done, like net/http's.
func TestContextDoneAfterHandler(t *testing.T) {
	c := newReqContext(nil, nil)
	if c.Err() != nil {
		t.Fatal("live context already done")
	}
	c.finish()
	select {
	case <-c.Done():
	default:
		t.Fatal("not done after finish")
	}
	late := newReqContext(nil, nil)
	late.finish()
	if !errors.Is(late.Err(), context.Canceled) {
		t.Fatal("a context first asked after finish is not done")
	}
}
