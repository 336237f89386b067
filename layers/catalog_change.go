package layers

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// ErrMalformedEntry is wrapped by ParseEntry's errors about a body that is
// not a readable catalog entry (as opposed to one that reads but is invalid).
var ErrMalformedEntry = errors.New("layers: malformed catalog entry")

// Version is the catalog version: 0 for the built-in and configured
// catalog, one more for each change a data steward made since.
func (c *Catalog) Version() uint64 { return c.snap().version }

// Next returns a new catalog, not shared with c, holding c's layers with put
// added (at the end) or replacing the layer of the same id (in place), and
// without the layer named remove; either may be nil / "". Every indicator is
// validated again, so a change that drops a layer or a field an indicator
// reads is refused. c itself is left as it was.
func (c *Catalog) Next(put *Layer, remove string) (*Catalog, error) {
	cur := c.snap()
	out := &snapshot{byID: make(map[string]*Layer, len(cur.list)+1), version: cur.version}
	for _, l := range cur.list {
		switch {
		case l.ID == remove:
			continue
		case put != nil && l.ID == put.ID:
			l = put
		}
		out.list = append(out.list, l)
		out.byID[l.ID] = l
	}
	if put != nil {
		if err := put.Validate(); err != nil {
			return nil, err
		}
		if _, ok := out.byID[put.ID]; !ok {
			out.list = append(out.list, put)
			out.byID[put.ID] = put
		}
	}
	return wrap(out).WithIndicators(copyIndicators(cur.indicators))
}

// Set makes n's contents c's, at the given version, for every reader at
// once. n must not be used after (it shares its snapshot's slices).
func (c *Catalog) Set(n *Catalog, version uint64) {
	s := *n.snap()
	s.version = version
	c.cur.Store(&s)
}

// ParseEntry reads one layer's catalog entry, in JSON or in YAML (the keys
// of a `layers:` item of the YAML catalog), and validates it; an entry
// without an id takes id. Unknown keys
// are refused: a misspelt key must not be silently dropped. The keys that
// name files on the server (demo, archive) are refused too: an entry that
// arrives over the network may not point the server at its own files.
func ParseEntry(b []byte, id string) (*Layer, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty body", ErrMalformedEntry)
	}
	if b[0] == '{' {
		// JSON is YAML, except where it is indented with tabs (YAML
		// refuses them): compact it first, which also names JSON's own
		// syntax errors by offset.
		var c bytes.Buffer
		if err := json.Compact(&c, b); err != nil {
			return nil, fmt.Errorf("%w: JSON: %w", ErrMalformedEntry, err)
		}
		b = c.Bytes()
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var l Layer
	if err := dec.Decode(&l); err != nil {
		msg := strings.Join(strings.Fields(strings.TrimPrefix(err.Error(), "yaml: ")), " ") // one line
		return nil, fmt.Errorf("%w: %s", ErrMalformedEntry, msg)
	}
	var extra any
	if err := dec.Decode(&extra); err == nil {
		return nil, fmt.Errorf("%w: more than one document", ErrMalformedEntry)
	}
	if l.ID == "" {
		l.ID = id
	}
	if l.Demo != "" || l.Archive != "" {
		return nil, fmt.Errorf("layers: layer %q: demo and archive name server files and may only be set in the config file", l.ID)
	}
	if err := l.Validate(); err != nil {
		return nil, err
	}
	return &l, nil
}

// SameFields reports whether a and b declare the same fields (names, types
// and order), so that features held in memory for a stay valid for b.
func SameFields(a, b *Layer) bool {
	return slices.EqualFunc(a.Fields, b.Fields, func(x, y Field) bool {
		return x.Name == y.Name && x.Type == y.Type
	})
}
