package store

import (
	"fmt"
	"log/slog"
	"os"
)

// pebbleLogger routes Pebble's own logging through slog: its routine
// messages (WAL replays, compactions) at debug, so that a CLI command on a
// data directory prints only its answer; errors as errors.
type pebbleLogger struct{}

func (pebbleLogger) Infof(format string, args ...any) {
	slog.Debug("pebble: " + fmt.Sprintf(format, args...))
}

func (pebbleLogger) Errorf(format string, args ...any) {
	slog.Error("pebble: " + fmt.Sprintf(format, args...))
}

func (pebbleLogger) Fatalf(format string, args ...any) {
	slog.Error("pebble: fatal: " + fmt.Sprintf(format, args...))
	os.Exit(1)
}
