package main

import (
	"context"
	"encoding/binary"
	"fmt"
)

// sameTiles checks that the two sides render comparable tiles: for the
// first n tiles it counts the features of each MVT layer on both sides and
// reports how many tiles agree exactly. The counts may differ a little —
// each side drops features that collapse on the grid in its own way — but a
// large gap means the comparison is not like with like.
func sameTiles(ctx context.Context, ts []tileReq, n int, a, b renderBytes) (string, error) {
	equal, fa, fb := 0, 0, 0
	ts = ts[:min(n, len(ts))]
	for _, t := range ts {
		ba, err := a(ctx, t)
		if err != nil {
			return "", err
		}
		bb, err := b(ctx, t)
		if err != nil {
			return "", err
		}
		ca, err := countFeatures(ba)
		if err != nil {
			return "", fmt.Errorf("bando tile %s: %w", t.path(), err)
		}
		cb, err := countFeatures(bb)
		if err != nil {
			return "", fmt.Errorf("postgis tile %s: %w", t.path(), err)
		}
		if ca == cb {
			equal++
		}
		fa, fb = fa+ca, fb+cb
	}
	return fmt.Sprintf("same-tiles check: %d of %d tiles have equal feature counts (features: bando %d, PostGIS %d)", equal, len(ts), fa, fb), nil
}

// renderBytes returns one side's tile bytes.
type renderBytes func(ctx context.Context, t tileReq) ([]byte, error)

// countFeatures counts the features of every layer of an MVT tile (Tile
// field 3 = layer, Layer field 2 = feature), reading only the protobuf
// framing.
func countFeatures(tile []byte) (int, error) {
	n := 0
	err := fields(tile, func(num int, layer []byte) error {
		if num != 3 {
			return nil
		}
		return fields(layer, func(num int, _ []byte) error {
			if num == 2 {
				n++
			}
			return nil
		})
	})
	return n, err
}

// fields calls fn for each field of a protobuf message with its number and,
// for length-delimited fields, its bytes.
func fields(b []byte, fn func(num int, data []byte) error) error {
	for len(b) > 0 {
		key, k := binary.Uvarint(b)
		if k <= 0 {
			return fmt.Errorf("bad field key")
		}
		b = b[k:]
		var data []byte
		switch key & 7 {
		case 0:
			_, k = binary.Uvarint(b)
			if k <= 0 {
				return fmt.Errorf("bad varint")
			}
			b = b[k:]
		case 1, 5:
			size := 8
			if key&7 == 5 {
				size = 4
			}
			if len(b) < size {
				return fmt.Errorf("short fixed field")
			}
			b = b[size:]
		case 2:
			l, k := binary.Uvarint(b)
			if k <= 0 || uint64(len(b)-k) < l {
				return fmt.Errorf("bad length")
			}
			data, b = b[k:k+int(l)], b[k+int(l):]
		default:
			return fmt.Errorf("wire type %d", key&7)
		}
		if err := fn(int(key>>3), data); err != nil {
			return err
		}
	}
	return nil
}
