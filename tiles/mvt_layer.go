package tiles

import (
	"sync"
	"unsafe"
)

// layerEncoder builds one MVT layer: its features and the de-duplicated
// keys and values tables they point into, in order of first use.
type layerEncoder struct {
	name   string
	extent int

	keys   []string
	keyIdx map[string]uint32
	values []valueKey
	// The values table is indexed by two maps: strings (and times) by
	// their text, the other kinds by kind and bits. A string-keyed map is
	// much faster to probe than one keyed by the whole valueKey.
	strIdx map[string]uint32
	numIdx map[numKey]uint32

	features []byte // encoded feature fields (tag, length, body), in order
	count    int

	strs []byte // the bytes of the string values (see intern)

	// scratch buffers reused between features
	body  []byte
	layer []byte // the layer message body, while encodeTile writes the tile
	tags  []uint32
	cmds  []uint32
}

var encoderPool = sync.Pool{New: func() any {
	return &layerEncoder{keyIdx: make(map[string]uint32), strIdx: make(map[string]uint32), numIdx: make(map[numKey]uint32)}
}}

// newLayerEncoder returns an empty encoder from the pool; release returns
// it once its layer is written.
func newLayerEncoder(name string, extent int) *layerEncoder {
	e := encoderPool.Get().(*layerEncoder)
	e.name, e.extent = name, extent
	return e
}

// release empties the encoder and returns it to the pool.
func (e *layerEncoder) release() {
	e.keys, e.values = e.keys[:0], e.values[:0]
	clear(e.keyIdx)
	clear(e.strIdx)
	clear(e.numIdx)
	e.features, e.count, e.strs = e.features[:0], 0, e.strs[:0]
	encoderPool.Put(e)
}

// prop is one property of a feature to encode; nil values are skipped.
type prop struct {
	key   string
	value any
}

// tag is one property of a feature as the renderer found it: a value key
// whose string may still point into the store (see valueIndex).
type tag struct {
	key   string
	value valueKey
}

// addFeature encodes one feature with integer id, its properties and its
// geometry. Absent (nil) values and values of types tiles do not carry are
// left out; a geometry with no parts is not written.
func (e *layerEncoder) addFeature(id uint64, props []prop, g tileGeom) {
	tags := make([]tag, 0, len(props))
	for _, p := range props {
		if vk, ok := valueKeyOf(p.value); ok {
			tags = append(tags, tag{key: p.key, value: vk})
		}
	}
	e.addTagged(id, tags, g)
}

// addTagged is addFeature with properties already turned into value keys.
func (e *layerEncoder) addTagged(id uint64, props []tag, g tileGeom) {
	e.cmds = appendCommands(e.cmds[:0], g)
	if len(e.cmds) == 0 {
		return
	}
	e.tags = e.tags[:0]
	for _, p := range props {
		e.tags = append(e.tags, e.keyIndex(p.key), e.valueIndex(p.value))
	}
	b := appendVarintField(e.body[:0], featureID, id)
	if len(e.tags) > 0 {
		b = appendPacked(b, featureTags, e.tags)
	}
	b = appendVarintField(b, featureType, uint64(g.typ))
	b = appendPacked(b, featureGeometry, e.cmds)
	e.body = b
	e.features = appendBytesField(e.features, layerFeatures, b)
	e.count++
}

// intern copies s into the encoder's string arena and returns the copy:
// one allocation for all of a tile's distinct string values instead of one
// each. When the arena grows, strings already handed out keep the old
// array; the arena is reused only after release, when the tables that
// held its strings are empty.
func (e *layerEncoder) intern(s string) string {
	if s == "" {
		return ""
	}
	start := len(e.strs)
	e.strs = append(e.strs, s...)
	return unsafe.String(&e.strs[start], len(s))
}

// scanKeys is the number of keys up to which keyIndex looks a key up by
// a scan rather than the map: a layer has a few fields, every feature
// looks each of them up, and comparing the same few field names (often
// the very same string) is cheaper than hashing them.
const scanKeys = 16

func (e *layerEncoder) keyIndex(k string) uint32 {
	if len(e.keys) <= scanKeys {
		for i, have := range e.keys {
			if have == k {
				return uint32(i)
			}
		}
	}
	i, ok := e.keyIdx[k]
	if !ok {
		i = uint32(len(e.keys))
		e.keys = append(e.keys, k)
		e.keyIdx[k] = i
	}
	return i
}

// numKey is a non-string value's key: its kind and bits.
type numKey struct {
	kind byte
	n    uint64
}

func (e *layerEncoder) valueIndex(v valueKey) uint32 {
	if v.kind == 's' {
		i, ok := e.strIdx[v.s]
		if !ok {
			// The renderer's strings point into the store, valid only
			// while the layer is read: the table keeps its own copy.
			v.s = e.intern(v.s)
			i = uint32(len(e.values))
			e.values = append(e.values, v)
			e.strIdx[v.s] = i
		}
		return i
	}
	k := numKey{v.kind, v.n}
	i, ok := e.numIdx[k]
	if !ok {
		i = uint32(len(e.values))
		e.values = append(e.values, v)
		e.numIdx[k] = i
	}
	return i
}

// appendLayer writes the layer message body: name, features, keys, values,
// extent, version.
func (e *layerEncoder) appendLayer(b []byte) []byte {
	b = appendStringField(b, layerName, e.name)
	b = append(b, e.features...)
	for _, k := range e.keys {
		b = appendStringField(b, layerKeys, k)
	}
	vb := e.body[:0] // the features are written: reuse their scratch
	for _, v := range e.values {
		vb = appendValue(vb[:0], v)
		b = appendBytesField(b, layerValues, vb)
	}
	e.body = vb
	b = appendVarintField(b, layerExtent, uint64(e.extent))
	return appendVarintField(b, layerVersion, mvtVersion)
}

// encodeTile writes the tile message holding the given layers in order,
// leaving out layers without features (the spec asks encoders not to write
// them). With no features at all it returns nil: an empty tile is an empty
// body.
//
// Each layer's body is written into its encoder's reused buffer first, so
// that the tile, which outlives the encoders (the cache keeps it), is
// allocated once at its exact size rather than grown by doubling.
func encodeTile(ls []*layerEncoder) []byte {
	size := 0
	for _, e := range ls {
		if e.count == 0 {
			continue
		}
		e.layer = e.appendLayer(e.layer[:0])
		n := len(e.layer)
		size += uvarintLen(uint64(tileLayers)<<3|wireBytes) + uvarintLen(uint64(n)) + n
	}
	if size == 0 {
		return nil
	}
	out := make([]byte, 0, size)
	for _, e := range ls {
		if e.count > 0 {
			out = appendBytesField(out, tileLayers, e.layer)
		}
	}
	return out
}

// MVT geometry commands (spec 4.3).
const (
	cmdMoveTo    = 1
	cmdLineTo    = 2
	cmdClosePath = 7
)

func command(id, count int) uint32 { return uint32(id&7) | uint32(count)<<3 }

func zigzag(n int32) uint32 { return uint32(n<<1) ^ uint32(n>>31) }

// appendCommands encodes g as MVT geometry commands with zig-zag deltas
// from a cursor that carries over between parts, as the spec requires.
func appendCommands(dst []uint32, g tileGeom) []uint32 {
	var cx, cy int32
	move := func(p ipoint) {
		dst = append(dst, zigzag(p.X-cx), zigzag(p.Y-cy))
		cx, cy = p.X, p.Y
	}
	switch g.typ {
	case geomPoint:
		var n int
		for _, part := range g.parts {
			n += len(part)
		}
		if n == 0 {
			return dst
		}
		dst = append(dst, command(cmdMoveTo, n))
		for _, part := range g.parts {
			for _, p := range part {
				move(p)
			}
		}
	case geomLine, geomPolygon:
		for _, part := range g.parts {
			if len(part) < 2 {
				continue
			}
			dst = append(dst, command(cmdMoveTo, 1))
			move(part[0])
			dst = append(dst, command(cmdLineTo, len(part)-1))
			for _, p := range part[1:] {
				move(p)
			}
			if g.typ == geomPolygon {
				dst = append(dst, command(cmdClosePath, 1))
			}
		}
	}
	return dst
}
