package api

import (
	"net/http"
	"strings"

	"github.com/valyala/fasthttp"
)

const (
	// minCompress is the smallest body worth compressing: below it the
	// coding's framing and the CPU outweigh the bytes saved.
	minCompress = 1 << 10
	// smallCompress is the size up to which the denser levels are used;
	// above it (items pages run to megabytes) the fastest levels, which
	// keep most of the gain on JSON at a fraction of the CPU.
	smallCompress = 64 << 10
)

// compressible lists the media types compressed on the way out. Tiles set
// their own Content-Encoding (cached gzip) and are left alone.
var compressible = []string{
	"application/json", "application/geo+json", "application/x-ndjson",
	"text/", "application/javascript", "image/svg+xml",
}

func isCompressible(contentType string) bool {
	for _, p := range compressible {
		if strings.HasPrefix(contentType, p) {
			return true
		}
	}
	return false
}

// compress encodes resp's body with the best coding the client accepts
// (br or gzip; see preferred for ties) when the type is compressible and
// the body is at least minCompress bytes, and marks the response
// Vary: Accept-Encoding. A strong ETag becomes weak, as the bytes differ
// per coding while the content is the same.
func compress(r *Request, resp *Response) {
	if resp.Header == nil || resp.Header.Get("Content-Encoding") != "" ||
		len(resp.Body) < minCompress || !isCompressible(resp.Header.Get("Content-Type")) {
		return
	}
	addVary(resp.Header, "Accept-Encoding")
	// HEAD is coded too, so its Content-Length and Content-Encoding are
	// those of the GET.
	enc := chooseEncoding(r, preferred(len(resp.Body))...)
	if enc == "" {
		return
	}
	resp.Body = encodeBody(enc, resp.Body)
	resp.Header.Set("Content-Encoding", enc)
	if et := resp.Header.Get("ETag"); strings.HasPrefix(et, `"`) {
		resp.Header.Set("ETag", "W/"+et)
	}
}

// preferred orders the codings for a body of n bytes when the client takes
// both equally. Small bodies get br at level 4, smaller than gzip for the
// same negligible CPU. On megabyte items pages brotli's fastest level is
// slower than gzip's and no smaller (BenchmarkCompressItemsPage: 0.38 vs
// 0.32 of the size at 0.7× the speed), so gzip comes first there.
func preferred(n int) []string {
	if n <= smallCompress {
		return []string{encBrotli, encGzip}
	}
	return []string{encGzip, encBrotli}
}

// encodeBody compresses b with enc ("br" or "gzip") using fasthttp's pooled
// encoders (klauspost gzip; brotli).
func encodeBody(enc string, b []byte) []byte {
	small := len(b) <= smallCompress
	switch enc {
	case encBrotli:
		level := fasthttp.CompressBrotliBestSpeed
		if small {
			level = fasthttp.CompressBrotliDefaultCompression
		}
		return fasthttp.AppendBrotliBytesLevel(nil, b, level)
	case encGzip:
		level := fasthttp.CompressBestSpeed
		if small {
			level = fasthttp.CompressDefaultCompression
		}
		return fasthttp.AppendGzipBytesLevel(nil, b, level)
	}
	return b
}

// addVary adds token to the Vary header unless it is there already.
func addVary(h http.Header, token string) {
	for _, v := range h.Values("Vary") {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) || strings.TrimSpace(t) == "*" {
				return
			}
		}
	}
	if v := h.Get("Vary"); v != "" {
		h.Set("Vary", v+", "+token)
		return
	}
	h.Set("Vary", token)
}
