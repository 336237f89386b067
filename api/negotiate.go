package api

import (
	"strings"

	"bando/tiles"
)

// Content codings bando can produce.
const (
	encGzip     = "gzip"
	encBrotli   = "br"
	encIdentity = "identity"
)

// acceptsEncoding reports whether the request's Accept-Encoding allows the
// content coding enc ("gzip", "br"): explicitly with q > 0, or through "*"
// with q > 0 when enc is not listed. "gzip;q=0" refuses gzip. "identity" is
// acceptable unless refused explicitly or by "*;q=0" (RFC 9110 §12.5.3). An
// absent or empty header accepts only identity: bando does not compress for
// clients that did not ask. It does not allocate: the tile handler calls it
// on every request.
func acceptsEncoding(r *Request, enc string) bool {
	return encodingQ(r.Header.transient("Accept-Encoding"), enc) > 0
}

// chooseEncoding returns the coding among offers (in the server's order of
// preference) with the highest q-value the client gives, or "" when none is
// acceptable and the body should go as it is.
func chooseEncoding(r *Request, offers ...string) string {
	h := r.Header.transient("Accept-Encoding")
	if h == "" {
		return ""
	}
	best, bestQ := "", 0
	for _, o := range offers {
		if q := encodingQ(h, o); q > bestQ {
			best, bestQ = o, q
		}
	}
	return best
}

// encodingQ returns the q-value, in thousandths, that the Accept-Encoding
// value h gives coding enc.
func encodingQ(h, enc string) int {
	explicit, star := -1, -1
	for item := range strings.SplitSeq(h, ",") {
		name, params, _ := strings.Cut(item, ";")
		name = strings.TrimSpace(name)
		q, ok := qValue(params)
		if !ok {
			continue // a malformed q-value: ignore the item
		}
		switch {
		case strings.EqualFold(name, enc), enc == encGzip && strings.EqualFold(name, "x-gzip"):
			explicit = max(explicit, q)
		case name == "*":
			star = max(star, q)
		}
	}
	switch {
	case explicit >= 0:
		return explicit
	case star >= 0:
		return star
	case strings.EqualFold(enc, encIdentity) && strings.TrimSpace(h) != "":
		return 1 // acceptable, but below anything the client listed
	case strings.EqualFold(enc, encIdentity):
		return 1000
	}
	return 0
}

// qValue reads the "q=" parameter among params (";q=0.5;x=y"): 1000 when
// absent, false when malformed. qvalue = 0[.ddd] / 1[.000].
func qValue(params string) (int, bool) {
	for p := range strings.SplitSeq(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		return parseQ(strings.TrimSpace(v))
	}
	return 1000, true
}

func parseQ(v string) (int, bool) {
	if v == "" || len(v) > 5 || (v[0] != '0' && v[0] != '1') {
		return 0, false
	}
	q := int(v[0]-'0') * 1000
	if len(v) == 1 {
		return q, true
	}
	if v[1] != '.' {
		return 0, false
	}
	scale := 100
	for _, c := range v[2:] {
		if c < '0' || c > '9' {
			return 0, false
		}
		q += int(c-'0') * scale
		scale /= 10
	}
	return q, q <= 1000
}

// acceptTileFormat returns the tile format the request's Accept header
// prefers: MLT when it gives MapLibre Tile's media type (or its earlier
// spelling) a higher q-value than MVT's, MVT otherwise — also for no
// Accept, "*/*", or a tie, because MVT is what every client reads. Used
// where a tile URL does not name its format (OGC API – Tiles, suffixless
// tile paths); such responses must carry Vary: Accept.
func acceptTileFormat(r *Request) tiles.Format {
	h := r.Header.transient("Accept")
	if h == "" {
		return tiles.MVT
	}
	mlt := max(mediaQ(h, tiles.MLTMediaType), mediaQ(h, tiles.MLTMediaTypeOld))
	if mlt > mediaQ(h, tiles.MVTMediaType) {
		return tiles.MLT
	}
	return tiles.MVT
}

// mediaQ returns the q-value, in thousandths, that the Accept value h
// gives the media type typ ("type/subtype"): its own entry, else
// "type/*", else "*/*", else 0. Media type parameters other than q are
// ignored.
func mediaQ(h, typ string) int {
	major, _, _ := strings.Cut(typ, "/")
	exact, sub, any := -1, -1, -1
	for item := range strings.SplitSeq(h, ",") {
		name, params, _ := strings.Cut(item, ";")
		name = strings.TrimSpace(name)
		q, ok := qValue(params)
		if !ok {
			continue
		}
		switch {
		case strings.EqualFold(name, typ):
			exact = max(exact, q)
		case name == "*/*":
			any = max(any, q)
		case strings.HasSuffix(name, "/*") && strings.EqualFold(name[:len(name)-2], major):
			sub = max(sub, q)
		}
	}
	switch {
	case exact >= 0:
		return exact
	case sub >= 0:
		return sub
	case any >= 0:
		return any
	}
	return 0
}
