package store

import (
	"bytes"
	"encoding/binary"
	"reflect"
	"testing"
	"time"
)

// TestDecodeRecordVersions reads a version 1 record (no sequence) with Seq
// 0 and a version 2 record with its sequence, and refuses unknown versions.
func TestDecodeRecordVersions(t *testing.T) {
	l := testLayer(t)
	f := square("way/9", 1, 2, "a", int64(1), 2.5, true, time.Unix(5, 0).UTC())
	f.Num = 300
	v2, err := encodeFeature(nil, l, f) // Seq 0: one zero byte after Num
	if err != nil {
		t.Fatal(err)
	}
	numLen := len(binary.AppendUvarint(nil, f.Num))
	v1 := append([]byte{recordV1}, v2[1:1+numLen]...)
	v1 = append(v1, v2[2+numLen:]...)
	f.Seq = 1 << 40
	v2seq, _ := encodeFeature(nil, l, f)
	bad := bytes.Clone(v2seq)
	bad[0] = 3
	for _, tc := range []struct {
		name    string
		rec     []byte
		wantSeq uint64
		wantErr bool
	}{
		{"v1", v1, 0, false},
		{"v2 seq 0", v2, 0, false},
		{"v2 seq", v2seq, 1 << 40, false},
		{"unknown version", bad, 0, true},
		{"truncated", v2seq[:len(v2seq)/2], 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeFeature(f.ID, tc.rec, l)
			if tc.wantErr {
				if err == nil {
					t.Fatal("want an error")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Seq != tc.wantSeq || got.Num != 300 || got.Bound != f.Bound || !reflect.DeepEqual(got.Props, f.Props) {
				t.Fatalf("decoded %+v", got)
			}
		})
	}
}
