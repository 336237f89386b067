//go:build !linux

package api

import "net"

// watchConn does not watch on this platform: requests are cancelled on
// server shutdown and when the handler returns, not on client disconnect.
func watchConn(net.Conn, func()) func() { return nil }
