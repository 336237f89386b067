// Package mlt encodes MapLibre Tiles (MLT v1, frame tag 0x01): the
// columnar successor of MVT that MapLibre GL JS (≥ 5.12) and MapLibre
// Native decode. It is written from the specification and checked against
// MapLibre's reference decoder (@maplibre/mlt, see tools/mltcheck); no
// other project's code is used.
//
// A tile is a sequence of frames, one per layer: the frame size, the tag,
// then the layer name, extent, column metadata and column data. A layer
// has an id column (32-bit, or 64-bit when an id needs it), a geometry
// column, and one column per property key and value kind, nullable when
// some features lack the value (a key whose values mix kinds gets one
// column per kind, so nothing is lost).
//
// Layer takes features as the MVT renderer produces them (geometry on the
// tile grid, polygon rings exterior-first by winding, properties without
// nulls) and chooses, per stream, the smallest of the spec's plain
// encoding and a lighter one, counted exactly before writing:
//
//   - ids: plain varints, delta, or delta-RLE (an ascending sequence with
//     a constant step is two numbers);
//   - geometry types and topology lengths: plain or RLE;
//   - vertices: zig-zag varints, absolute or componentwise deltas;
//   - strings: plain (lengths and bytes) or a dictionary (indexes, entry
//     lengths, entry bytes) when values repeat;
//   - integers: INT_32 when every value fits, else INT_64, plain, delta,
//     RLE or delta-RLE; floats: FLOAT when every value is exactly a
//     float32, else DOUBLE; booleans and presence bits: byte-RLE.
//
// Only physical varints are used (no FastPFOR, FSST, Morton vertex
// dictionaries or pre-tessellation). Layer.Plain restricts a layer to the
// plain encodings, the baseline the size report compares against.
//
// Which topology streams a geometry column carries, and which geometries
// have an entry in each, follows the reference decoder: GEOMETRIES when
// any feature is a multi geometry; PARTS unless every feature is a point
// (rings per polygon when polygons are present, else vertices per line);
// RINGS when polygons are present (vertices per ring and per line).
package mlt
