package main

import (
	"syscall"
	"time"
)

// cpuTime is the process's user + system CPU time so far. On a machine
// shared with other work, updates per CPU-second say what the twin costs
// whatever the load; wall-clock rates say what it got.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
