package twin

import "testing"

func TestHubResumeFilterAndDrop(t *testing.T) {
	h := NewHub()
	for i := range ringSize + 10 {
		topic := TopicPositions
		if i%2 == 0 {
			topic = TopicAlerts
		}
		h.Publish(Event{Topic: topic, Layer: "vessels"})
	}
	// Resume after an id still in the ring, alerts only.
	last := uint64(ringSize)
	c, stop := h.Subscribe(true, last, func(e *Event) bool { return e.Topic == TopicAlerts })
	n := 0
	for len(c) > 0 {
		e := <-c
		if e.ID <= last || e.Topic != TopicAlerts {
			t.Fatalf("got event %d %s", e.ID, e.Topic)
		}
		n++
	}
	if n != 5 {
		t.Fatalf("resumed %d alert events after %d, want 5", n, last)
	}
	stop()
	stop() // twice is harmless
	// A subscriber that never reads is cut off, not waited for.
	slow, _ := h.Subscribe(false, 0, nil)
	for range cap(slow) + 1 {
		h.Publish(Event{Topic: TopicPositions})
	}
	for range slow {
	}
	if h.dropped != 1 {
		t.Fatalf("dropped %d", h.dropped)
	}
}
