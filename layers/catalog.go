package layers

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"sync/atomic"

	"gopkg.in/yaml.v3"
)

// ErrUnknownLayer is returned for a layer id that is not in the catalog.
var ErrUnknownLayer = errors.New("layers: unknown layer")

// Catalog is the ordered, validated set of layers and of the indicators
// computed from them. Its contents are an immutable snapshot that a data
// steward's change replaces as a whole (Set, catalog_change.go), so every
// reader sees either the old catalog or the new one, never half of a
// change, and readers never lock. A *Layer, once in a snapshot, is never
// modified: a change brings a new *Layer.
type Catalog struct {
	cur atomic.Pointer[snapshot]
}

// snapshot is one version of the catalog's contents.
type snapshot struct {
	list       []*Layer
	byID       map[string]*Layer
	indicators []*Indicator
	byInd      map[string]*Indicator
	version    uint64
}

func wrap(s *snapshot) *Catalog {
	c := &Catalog{}
	c.cur.Store(s)
	return c
}

func (c *Catalog) snap() *snapshot { return c.cur.Load() }

// File is the YAML shape of a catalog declaration.
type File struct {
	Layers     []*Layer     `yaml:"layers"`
	Indicators []*Indicator `yaml:"indicators"`
}

// NewCatalog validates the layers and builds a catalog in the given order.
func NewCatalog(ls []*Layer) (*Catalog, error) {
	c := &snapshot{byID: make(map[string]*Layer, len(ls))}
	for i, l := range ls {
		if l == nil {
			return nil, fmt.Errorf("layers: layer %d is empty", i)
		}
		if err := l.Validate(); err != nil {
			return nil, err
		}
		if _, dup := c.byID[l.ID]; dup {
			return nil, fmt.Errorf("layers: layer %q declared twice", l.ID)
		}
		c.byID[l.ID] = l
		c.list = append(c.list, l)
	}
	return wrap(c), nil
}

// WithIndicators returns a catalog with c's layers and the given
// indicators, each validated against those layers.
func (c *Catalog) WithIndicators(inds []*Indicator) (*Catalog, error) {
	cs := c.snap()
	out := wrap(&snapshot{list: cs.list, byID: cs.byID, version: cs.version})
	s := out.snap()
	s.byInd = make(map[string]*Indicator, len(inds))
	for i, ind := range inds {
		if ind == nil {
			return nil, fmt.Errorf("layers: indicator %d is empty", i)
		}
		if err := ind.validate(out); err != nil {
			return nil, err
		}
		if _, dup := s.byInd[ind.ID]; dup {
			return nil, fmt.Errorf("layers: indicator %q declared twice", ind.ID)
		}
		s.byInd[ind.ID] = ind
		s.indicators = append(s.indicators, ind)
	}
	return out, nil
}

// Parse reads a YAML catalog declaration.
func Parse(b []byte) (*Catalog, error) {
	var f File
	if err := yaml.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("layers: parse catalog: %w", err)
	}
	c, err := NewCatalog(f.Layers)
	if err != nil {
		return nil, err
	}
	return c.WithIndicators(f.Indicators)
}

// Load reads a YAML catalog declaration from a file.
func Load(path string) (*Catalog, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("layers: %w", err)
	}
	c, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return c, nil
}

// Merge returns a catalog with the layers of c followed by those of o; a
// layer of o replaces the one of c with the same id, and so does an
// indicator. Every indicator is checked again against the merged layers (a
// replaced layer may have dropped a field one reads).
func (c *Catalog) Merge(o *Catalog) (*Catalog, error) {
	out := &snapshot{byID: make(map[string]*Layer)}
	var inds []*Indicator
	for _, cat := range []*Catalog{c, o} {
		if cat == nil {
			continue
		}
		src := cat.snap()
		for _, l := range src.list {
			if _, ok := out.byID[l.ID]; !ok {
				out.list = append(out.list, l)
			} else {
				for i, x := range out.list {
					if x.ID == l.ID {
						out.list[i] = l
					}
				}
			}
			out.byID[l.ID] = l
		}
		for _, ind := range src.indicators {
			if j := slices.IndexFunc(inds, func(x *Indicator) bool { return x.ID == ind.ID }); j >= 0 {
				inds[j] = ind
			} else {
				inds = append(inds, ind)
			}
		}
	}
	return wrap(out).WithIndicators(copyIndicators(inds))
}

// copyIndicators copies each indicator: validation fills defaults, and
// must never touch an indicator another catalog holds.
func copyIndicators(inds []*Indicator) []*Indicator {
	out := make([]*Indicator, len(inds))
	for i, ind := range inds {
		cp := *ind
		out[i] = &cp
	}
	return out
}

// Get returns the layer with the given id.
func (c *Catalog) Get(id string) (*Layer, error) {
	l, ok := c.snap().byID[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownLayer, id)
	}
	return l, nil
}

// All returns the layers in catalog order.
func (c *Catalog) All() []*Layer { return c.snap().list }

// Visible returns the layers p may see, in catalog order.
func (c *Catalog) Visible(p Principal) []*Layer {
	var out []*Layer
	for _, l := range c.snap().list {
		if CanSee(p, l) {
			out = append(out, l)
		}
	}
	return out
}

// Indicators returns the indicators in catalog order.
func (c *Catalog) Indicators() []*Indicator { return c.snap().indicators }

// Indicator returns the indicator with the given id.
func (c *Catalog) Indicator(id string) (*Indicator, error) {
	ind, ok := c.snap().byInd[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownIndicator, id)
	}
	return ind, nil
}

// IDs returns the sorted layer ids.
func (c *Catalog) IDs() []string {
	list := c.snap().list
	ids := make([]string, 0, len(list))
	for _, l := range list {
		ids = append(ids, l.ID)
	}
	sort.Strings(ids)
	return ids
}
