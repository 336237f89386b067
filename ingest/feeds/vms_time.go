package feeds

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The times of VMS rows: RFC 3339, a few local layouts read in the
// configured zone (UTC+7 by default), or Unix seconds.

// vmsLayouts are the accepted times without an offset, read in the
// configured location.
var vmsLayouts = []string{
	"2006-01-02 15:04:05.999999999", "2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04", "2006-01-02T15:04",
	"02/01/2006 15:04:05", "02/01/2006 15:04", "02/01/2006",
	"2006-01-02",
}

// vmsZoned are the accepted times with an offset.
var vmsZoned = []string{
	time.RFC3339Nano, "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999 Z07:00", "2006-01-02T15:04:05.999999999-0700",
}

func parseVMSTime(s string, loc *time.Location) (time.Time, error) {
	t, err := parseVMSTime1(strings.TrimSpace(s), loc)
	if err == nil && t.Year() < 1970 {
		return time.Time{}, fmt.Errorf("time %q is before 1970", s)
	}
	return t, err
}

func parseVMSTime1(s string, loc *time.Location) (time.Time, error) {
	for _, l := range vmsZoned {
		if t, err := time.Parse(l, s); err == nil {
			return t.UTC(), nil
		}
	}
	for _, l := range vmsLayouts {
		if t, err := time.ParseInLocation(l, s, loc); err == nil {
			return t.UTC(), nil
		}
	}
	if n, err := strconv.ParseFloat(s, 64); err == nil && n > 0 && n < 1e11 {
		sec, frac := math.Modf(n)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	return time.Time{}, fmt.Errorf("time %q is not RFC 3339, Unix seconds or a known local format", s)
}
