package store

import (
	"context"
	"testing"
	"time"

	"bando/spatial"

	"github.com/cockroachdb/pebble"
)

// TestUpdatedSurvivesRestart: the time of a layer's last write is kept
// with its meta, so that data quality knows a layer's age after a restart;
// a meta written before the time was kept reads as unknown.
func TestUpdatedSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	l := testLayer(t)
	s := open(t, dir)
	if _, ok, err := s.Updated(l.ID); ok || err != nil {
		t.Fatalf("never written: ok %v err %v", ok, err)
	}
	before := time.Now().Add(-time.Second)
	cs, err := s.Put(ctx, l, []*spatial.Feature{square("1", 1, 1)})
	if err != nil {
		t.Fatal(err)
	}
	at, ok, err := s.Updated(l.ID)
	if err != nil || !ok || at.Before(before) || !at.Equal(cs[0].Time) {
		t.Fatalf("after a put: %v %v %v (change time %v)", at, ok, err, cs[0].Time)
	}
	s.Close()
	s = open(t, dir)
	if again, ok, err := s.Updated(l.ID); err != nil || !ok || !again.Equal(at) {
		t.Fatalf("after a restart: %v %v %v, want %v", again, ok, err, at)
	}
	// A meta of the older form: version and assigned only.
	old := (&layerMeta{version: 3, assigned: 2}).encode()
	old = old[:len(old)-1] // drop the zero time varint
	if err := s.db.Set(metaKey("legacy"), old, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.Updated("legacy"); ok || err != nil {
		t.Fatalf("legacy meta: ok %v err %v", ok, err)
	}
	if v, err := s.Version("legacy"); err != nil || v != 3 {
		t.Fatalf("legacy meta version %d %v", v, err)
	}
	s.Close()
}
