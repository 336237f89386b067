package bus

import (
	"math"
	"testing"
	"time"

	"bando/ingest/feeds"
	"bando/twin"
)

func TestCodecRoundTrip(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	ps := []feeds.Position{{ID: "v1", T: t0, Arrived: t0, Lon: 107.5, Lat: 10, SOG: math.NaN(), COG: 90, Source: "ais"}}
	body, err := encode(ps)
	if err != nil {
		t.Fatal(err)
	}
	m, err := decodeMessage("positions", body)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.ps) != 1 || m.ps[0].ID != "v1" || !m.ps[0].T.Equal(t0) || !math.IsNaN(m.ps[0].SOG) || m.ps[0].COG != 90 {
		t.Fatalf("positions round trip: %+v", m.ps)
	}
	body, _ = encode(ackMsg{ID: "al-1", Ack: twin.Ack{By: "op", At: t0, Note: "n"}})
	if m, err = decodeMessage("acks", body); err != nil || m.ack.ID != "al-1" || m.ack.Ack.By != "op" {
		t.Fatalf("ack round trip: %+v %v", m.ack, err)
	}
	if _, err := decodeMessage("bogus", body); err == nil {
		t.Fatal("an unknown kind decoded")
	}
	if _, err := decodeMessage("positions", []byte("not gob")); err == nil {
		t.Fatal("garbage decoded")
	}
}

// FuzzDecodeMessage: any body of any kind decodes or errors, never panics.
func FuzzDecodeMessage(f *testing.F) {
	body, _ := encode([]feeds.Observation{{Sensor: "s", Quantity: "pm25", Value: 1}})
	f.Add("observations", body)
	f.Add("ticks", []byte{})
	f.Fuzz(func(t *testing.T, kind string, b []byte) {
		_, _ = decodeMessage(kind, b)
	})
}
