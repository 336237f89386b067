package tiles

import (
	"strings"
	"sync"
	"unsafe"

	"bando/tiles/mlt"
)

// Format is a vector tile encoding. Both encoders consume the same
// rendered layers (see layerSink): selection, projection, clipping,
// simplification and quantisation run once, in the renderer, whatever the
// format.
type Format uint8

// Tile formats.
const (
	// MVT is Mapbox Vector Tile 2.1 (the default).
	MVT Format = iota
	// MLT is MapLibre Tile v1 (columnar; see package tiles/mlt).
	MLT
	// mltPlain is MLT with the spec's plain encodings only: the baseline
	// the size report measures the columnar encodings against.
	mltPlain
)

// Media types of the formats. MLT's is the one MapLibre, Martin and
// PMTiles use; MLTMediaTypeOld is an earlier spelling some clients send.
const (
	MVTMediaType    = "application/vnd.mapbox-vector-tile"
	MLTMediaType    = "application/vnd.maplibre-tile"
	MLTMediaTypeOld = "application/vnd.maplibre-vector-tile"
)

// String returns the format's name as in URLs and TileJSON: "mvt", "mlt".
func (f Format) String() string {
	if f == MLT {
		return "mlt"
	}
	return "mvt"
}

// Suffix returns the path suffix of the format's tiles: ".mvt", ".mlt".
func (f Format) Suffix() string { return "." + f.String() }

// MediaType returns the format's Content-Type.
func (f Format) MediaType() string {
	if f == MLT {
		return MLTMediaType
	}
	return MVTMediaType
}

// ParseFormat returns the format named s ("mvt", "pbf" or "mlt", any case).
func ParseFormat(s string) (Format, bool) {
	switch strings.ToLower(s) {
	case "mvt", "pbf":
		return MVT, true
	case "mlt":
		return MLT, true
	}
	return MVT, false
}

// layerSink receives the rendered features of one layer — geometry in
// tile coordinates, id, visible non-null properties — and encodes them in
// one format. It is the seam between the renderer and the encoders.
type layerSink interface {
	addTagged(id uint64, props []tag, g tileGeom)
	release()
}

// newSink returns an empty layer encoder of format f.
func newSink(f Format, name string, extent int) layerSink {
	if f == MLT || f == mltPlain {
		s := mltSinkPool.Get().(*mltSink)
		s.l = mlt.NewLayer(name, extent)
		if f == mltPlain {
			s.l.Plain()
		}
		return s
	}
	return newLayerEncoder(name, extent)
}

// encodeSinks writes a tile of format f from the layers, in order; nil
// for a tile without features.
func encodeSinks(f Format, sinks []layerSink) []byte {
	if f == MLT || f == mltPlain {
		var out []byte
		for _, s := range sinks {
			out = s.(*mltSink).l.AppendTo(out)
		}
		return out
	}
	var buf [8]*layerEncoder
	encs := buf[:0]
	for _, s := range sinks {
		encs = append(encs, s.(*layerEncoder))
	}
	return encodeTile(encs)
}

// mltSink adapts an MLT layer to the renderer's features.
type mltSink struct {
	l     *mlt.Layer
	parts [][]mlt.XY
	props []mlt.Prop
}

var mltSinkPool = sync.Pool{New: func() any { return new(mltSink) }}

// Layout check: ipoint and mlt.XY must stay the same two int32s for the
// conversion in addTagged.
var _ = [1]struct{}{}[unsafe.Sizeof(ipoint{})-unsafe.Sizeof(mlt.XY{})]

func (s *mltSink) addTagged(id uint64, props []tag, g tileGeom) {
	s.parts = s.parts[:0]
	for _, p := range g.parts {
		// ipoint and mlt.XY are both struct{ X, Y int32 }: the part is
		// reinterpreted, not copied (the layer copies the vertices).
		s.parts = append(s.parts, unsafe.Slice((*mlt.XY)(unsafe.Pointer(unsafe.SliceData(p))), len(p)))
	}
	s.props = s.props[:0]
	for _, p := range props {
		s.props = append(s.props, mlt.Prop{Key: p.key, Value: mltValue(p.value)})
	}
	s.l.Add(id, mlt.Kind(g.typ), s.parts, s.props)
}

func (s *mltSink) release() {
	s.l.Release()
	s.l = nil
	clear(s.parts[:cap(s.parts)])
	s.props = s.props[:0]
	mltSinkPool.Put(s)
}

// mltValue converts a value key (see valueKeyOf) to an MLT value.
func mltValue(k valueKey) mlt.Value {
	switch k.kind {
	case 's':
		return mlt.String(k.s)
	case 'i':
		return mlt.Int(int64(k.n))
	case 'f':
		return mlt.FloatBits(k.n)
	}
	return mlt.Bool(k.n != 0)
}
