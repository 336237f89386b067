package api

import (
	"context"
	"errors"
	"net"
	"sync"
	"time"
)

// errClientGone is the cause logged when a client closed its connection
// while its request was being answered.
var errClientGone = errors.New("api: client closed the connection")

// reqContext is the context the fasthttp adapter hands to Handle. fasthttp's
// own RequestCtx is done only when the server shuts down, so a client that
// hangs up never stops a render. This one is done when:
//
//   - the client closes its connection (or resets it): a watcher goroutine
//     waits in the runtime poller for the socket to become readable and
//     peeks one byte without consuming it; 0 bytes is EOF, the way net/http's
//     background read detects it. Bytes that are a pipelined next request
//     end the watch without cancelling;
//   - the server shuts down (fasthttp's Done channel);
//   - the handler has returned, like net/http's request context.
//
// Watching costs a goroutine and a poller wait, so it starts on the first
// call to Done or Err: a cached tile, which asks neither, pays nothing.
// Value always answers nil: the RequestCtx is reused by fasthttp after the
// handler returns, while goroutines may still hold this context.
type reqContext struct {
	conn     net.Conn
	shutdown <-chan struct{}

	mu       sync.Mutex
	done     chan struct{} // made on first Done or Err
	err      error
	cause    error
	finished bool
	stop     func() // stops the watcher and waits for it; nil if none
}

func newReqContext(conn net.Conn, shutdown <-chan struct{}) *reqContext {
	return &reqContext{conn: conn, shutdown: shutdown}
}

func (c *reqContext) Deadline() (time.Time, bool) { return time.Time{}, false }
func (c *reqContext) Value(any) any               { return nil }

func (c *reqContext) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.startLocked()
	return c.done
}

func (c *reqContext) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.startLocked()
	return c.err
}

// Cause says why the context ended (errClientGone, shutdown, or the
// handler returning); nil while it is live.
func (c *reqContext) Cause() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cause
}

func (c *reqContext) startLocked() {
	if c.done != nil {
		return
	}
	c.done = make(chan struct{})
	if c.finished {
		c.cancelLocked(context.Canceled)
		return
	}
	if c.conn != nil {
		c.stop = watchConn(c.conn, func() { c.cancel(errClientGone) })
	}
	if c.shutdown != nil {
		done := c.done
		go func() {
			select {
			case <-c.shutdown:
				c.cancel(errors.New("api: server shutting down"))
			case <-done:
			}
		}()
	}
}

func (c *reqContext) cancel(cause error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.cancelLocked(cause)
}

func (c *reqContext) cancelLocked(cause error) {
	if c.err != nil {
		return
	}
	c.err, c.cause = context.Canceled, cause
	close(c.done)
}

// finish is called when the handler has returned, before fasthttp reuses
// the connection: it stops the watcher (which must not be reading the
// socket when fasthttp reads the next request) and ends the context.
func (c *reqContext) finish() {
	c.mu.Lock()
	c.finished = true
	stop := c.stop
	c.stop = nil
	c.mu.Unlock()
	if stop != nil {
		stop()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done != nil {
		c.cancelLocked(context.Canceled)
	}
}
