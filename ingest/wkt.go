package ingest

import (
	"fmt"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// parseWKT reads a WKT (or EWKT with SRID=4326) geometry. An empty value or
// an EMPTY geometry is no geometry.
func parseWKT(s string) (g orb.Geometry, pr *gproblem) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, gprob(RuleEmpty, "WKT value is empty")
	}
	if rest, ok := cutPrefixFold(s, "SRID="); ok {
		srid, geom, found := strings.Cut(rest, ";")
		if !found {
			return nil, gprob(RuleWKT, "EWKT without ';' after SRID")
		}
		if srid = strings.TrimSpace(srid); srid != "4326" {
			return nil, gprob(RuleWKT, "SRID %s: coordinates must be WGS84 lon/lat (SRID 4326)", shorten(srid, 20))
		}
		s = strings.TrimSpace(geom)
	}
	if f := strings.Fields(s); len(f) == 2 && strings.EqualFold(f[1], "EMPTY") {
		return nil, gprob(RuleEmpty, "WKT geometry is empty")
	}
	defer func() {
		// orb's WKT reader is not hardened against every malformed input;
		// a panic there is a refused value, not a crashed server.
		if r := recover(); r != nil {
			g, pr = nil, gprob(RuleWKT, "malformed WKT")
		}
	}()
	g, err := wkt.Unmarshal(s)
	if err != nil {
		return nil, gprob(RuleWKT, "%s: %s", strings.TrimPrefix(err.Error(), "wkt: "), shorten(s, 40))
	}
	if g == nil {
		return nil, gprob(RuleEmpty, "WKT geometry is empty")
	}
	return g, nil
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return fmt.Sprintf("%q", s)
	}
	return fmt.Sprintf("%q…", string(r[:n]))
}
