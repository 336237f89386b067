package layers

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"

	"gopkg.in/yaml.v3"
)

// ErrUnknownLayer is returned for a layer id that is not in the catalog.
var ErrUnknownLayer = errors.New("layers: unknown layer")

// Catalog is the ordered, validated set of layers and of the indicators
// computed from them. It is immutable once built, so it may be shared
// between goroutines without locking.
type Catalog struct {
	list       []*Layer
	byID       map[string]*Layer
	indicators []*Indicator
	byInd      map[string]*Indicator
}

// File is the YAML shape of a catalog declaration.
type File struct {
	Layers     []*Layer     `yaml:"layers"`
	Indicators []*Indicator `yaml:"indicators"`
}

// NewCatalog validates the layers and builds a catalog in the given order.
func NewCatalog(ls []*Layer) (*Catalog, error) {
	c := &Catalog{byID: make(map[string]*Layer, len(ls))}
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
	return c, nil
}

// WithIndicators returns a catalog with c's layers and the given
// indicators, each validated against those layers.
func (c *Catalog) WithIndicators(inds []*Indicator) (*Catalog, error) {
	out := &Catalog{list: c.list, byID: c.byID, byInd: make(map[string]*Indicator, len(inds))}
	for i, ind := range inds {
		if ind == nil {
			return nil, fmt.Errorf("layers: indicator %d is empty", i)
		}
		if err := ind.validate(out); err != nil {
			return nil, err
		}
		if _, dup := out.byInd[ind.ID]; dup {
			return nil, fmt.Errorf("layers: indicator %q declared twice", ind.ID)
		}
		out.byInd[ind.ID] = ind
		out.indicators = append(out.indicators, ind)
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
	out := &Catalog{byID: make(map[string]*Layer)}
	var inds []*Indicator
	for _, src := range []*Catalog{c, o} {
		if src == nil {
			continue
		}
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
	for i, ind := range inds {
		cp := *ind // validation fills defaults: never touch the sources
		inds[i] = &cp
	}
	return out.WithIndicators(inds)
}

// Get returns the layer with the given id.
func (c *Catalog) Get(id string) (*Layer, error) {
	l, ok := c.byID[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownLayer, id)
	}
	return l, nil
}

// All returns the layers in catalog order.
func (c *Catalog) All() []*Layer { return c.list }

// Visible returns the layers p may see, in catalog order.
func (c *Catalog) Visible(p Principal) []*Layer {
	var out []*Layer
	for _, l := range c.list {
		if CanSee(p, l) {
			out = append(out, l)
		}
	}
	return out
}

// Indicators returns the indicators in catalog order.
func (c *Catalog) Indicators() []*Indicator { return c.indicators }

// Indicator returns the indicator with the given id.
func (c *Catalog) Indicator(id string) (*Indicator, error) {
	ind, ok := c.byInd[id]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownIndicator, id)
	}
	return ind, nil
}

// IDs returns the sorted layer ids.
func (c *Catalog) IDs() []string {
	ids := make([]string, 0, len(c.list))
	for _, l := range c.list {
		ids = append(ids, l.ID)
	}
	sort.Strings(ids)
	return ids
}
