package ingest

import (
	"bufio"
	"bytes"
	"strconv"
)

// sniffBytes is how much of the input formatMismatch looks at.
const sniffBytes = 16 << 10

// formatMismatch looks at the start of the input and returns why it is not
// the declared format, or "" when it may be. A body of another format would
// otherwise be read as a pile of per-line problems and, with Partial,
// accepted with nothing stored. GeoJSON declared for NDJSON or Overpass
// input is not a mismatch: readGeoJSON recognises both.
func formatMismatch(f Format, br *bufio.Reader) string {
	head, _ := br.Peek(sniffBytes)
	head = bytes.TrimPrefix(head, bom)
	head = bytes.TrimLeft(head, " \t\r\n\x1e")
	if len(head) == 0 {
		return ""
	}
	first := head[0]
	json := first == '{' || first == '[' && startsJSONArray(head)
	switch f {
	case CSV:
		if json {
			return "the body is JSON, not CSV: declare the format geojson, ndjson or overpass"
		}
	case KML:
		if json {
			return "the body is JSON, not KML: declare the format geojson, ndjson or overpass"
		}
	case GeoJSON, Overpass:
		if !json {
			return "the body does not start with a JSON object, it starts with " +
				quoteExcerpt(string(firstLine(head))) + ": declare the format it is in (csv?)"
		}
		if f == Overpass {
			if kind := sniffKind(head); kind == "Feature" || kind == "FeatureCollection" {
				return "the body is a GeoJSON " + kind + ", not Overpass JSON: declare the format geojson"
			}
		}
	case NDJSON:
		if !json {
			return "the body does not start with a JSON object, it starts with " +
				quoteExcerpt(string(firstLine(head))) + ": declare the format it is in (csv?)"
		}
		line := firstLine(head)
		complete := len(line) < len(head) // the window holds the whole line
		switch kind := sniffKind(line); {
		case kind == "FeatureCollection":
			return "the body is a GeoJSON FeatureCollection, not one Feature per line: declare the format geojson"
		case kind == "overpass":
			return "the body is Overpass JSON, not one Feature per line: declare the format overpass"
		case complete && len(bytes.TrimSpace(line)) == 1:
			return "the first line is a lone " + strconv.Quote(string(first)) + ": a JSON document spread over lines? declare the format geojson"
		}
	}
	return ""
}

// startsJSONArray tells "[{…" or "[[…" from a CSV header such as "[id],lon".
func startsJSONArray(b []byte) bool {
	rest := bytes.TrimLeft(b[1:], " \t\r\n")
	if len(rest) == 0 {
		return true
	}
	switch c := rest[0]; {
	case c == '{', c == '[', c == ']', c == '"', c == '-', c >= '0' && c <= '9':
		return true
	}
	return false
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		return b[:i]
	}
	return b
}

// sniffKind returns the top-level "type" of the JSON object that data
// starts with ("overpass" for an "elements" member), or "" when data ends
// (or breaks) before it says.
func sniffKind(data []byte) (kind string) {
	defer func() {
		if r := recover(); r != nil {
			if _, ok := r.(syntaxError); !ok {
				panic(r)
			}
			kind = ""
		}
	}()
	sc := &scanner{data: data, maxDepth: DefaultLimits.MaxDepth, maxStr: unlimited}
	return sniffTop(sc)
}
