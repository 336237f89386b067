package twin

import (
	"sync"
)

// Event topics of the stream.
const (
	TopicPositions    = "positions"
	TopicObservations = "observations"
	TopicAlerts       = "alerts"
	TopicTiles        = "tiles"
)

// Event is one message of the live stream. Data is encoded lazily by the
// stream (positions arrive at 100k/s; most have no listener).
type Event struct {
	ID    uint64
	Topic string
	// Layer is the layer the event is about: the stream shows it only to
	// principals that may see the layer.
	Layer string
	Data  any
}

// Hub fans events out to stream subscribers and keeps the last ones for
// Last-Event-ID resumption.
type Hub struct {
	mu   sync.Mutex
	next uint64
	ring []Event
	head int // index of the oldest event when full
	full bool
	subs map[chan Event]func(*Event) bool
	// dropped counts subscribers cut off because they fell behind.
	dropped uint64
}

// ringSize events are kept for resumption.
const ringSize = 1 << 14

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{ring: make([]Event, 0, ringSize), subs: map[chan Event]func(*Event) bool{}}
}

// Publish assigns ids to events and delivers them. A subscriber whose
// buffer is full is closed (it reconnects with Last-Event-ID).
func (h *Hub) Publish(evs ...Event) {
	if h == nil || len(evs) == 0 {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for i := range evs {
		h.next++
		evs[i].ID = h.next
		if len(h.ring) < ringSize {
			h.ring = append(h.ring, evs[i])
		} else {
			h.ring[h.head] = evs[i]
			h.head = (h.head + 1) % ringSize
		}
		for c, want := range h.subs {
			if want != nil && !want(&evs[i]) {
				continue
			}
			select {
			case c <- evs[i]:
			default:
				delete(h.subs, c)
				close(c)
				h.dropped++
			}
		}
	}
}

// Subscribe returns a channel of new events — after those following
// lastID still kept, when resume is set — that want accepts (nil: all),
// and a function that ends the subscription. want runs under the hub's
// lock and must be quick: it keeps a subscriber to one topic from being
// cut off by the others' traffic.
func (h *Hub) Subscribe(resume bool, lastID uint64, want func(*Event) bool) (<-chan Event, func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var back []Event
	if resume {
		n := len(h.ring)
		for i := 0; i < n; i++ {
			e := h.ring[(h.head+i)%n]
			if e.ID > lastID && (want == nil || want(&e)) {
				back = append(back, e)
			}
		}
	}
	c := make(chan Event, len(back)+4096)
	for _, e := range back {
		c <- e
	}
	h.subs[c] = want
	return c, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		if _, ok := h.subs[c]; ok {
			delete(h.subs, c)
			close(c)
		}
	}
}
