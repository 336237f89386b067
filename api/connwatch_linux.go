package api

import (
	"errors"
	"net"
	"syscall"
	"time"
)

// watchConn calls gone if the peer closes or resets conn, until stop is
// called. It waits in the runtime poller (no busy loop, no extra thread):
// RawConn.Read calls peek whenever the socket is readable, and peek looks at
// one byte with MSG_PEEK so fasthttp still reads whatever is there. stop
// wakes the wait with a past read deadline and returns once the goroutine
// has left the socket; fasthttp sets its own deadline before its next read.
// Connections that are not plain sockets (TLS) are looked through via
// NetConn; others are not watched.
func watchConn(conn net.Conn, gone func()) (stop func()) {
	for {
		u, ok := conn.(interface{ NetConn() net.Conn })
		if !ok {
			break
		}
		conn = u.NetConn()
	}
	sc, ok := conn.(syscall.Conn)
	if !ok {
		return nil
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil
	}
	// fasthttp's read deadline guards reading the request; while the
	// handler runs it would only end the watch early.
	_ = conn.SetReadDeadline(time.Time{})
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		closed := false
		var b [1]byte
		err := rc.Read(func(fd uintptr) bool {
			n, _, err := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
			switch {
			case errors.Is(err, syscall.EAGAIN), errors.Is(err, syscall.EINTR):
				return false // nothing yet: wait for readability
			case err != nil, n == 0:
				closed = true // reset, or orderly EOF
			}
			return true // closed, or a pipelined request: stop watching
		})
		if closed && err == nil {
			gone()
		}
	}()
	return func() {
		_ = conn.SetReadDeadline(time.Unix(1, 0))
		<-exited
		_ = conn.SetReadDeadline(time.Time{})
	}
}
