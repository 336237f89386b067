package feeds

import (
	"context"
	"strings"
	"time"

	"github.com/eclipse/paho.golang/paho"
)

// mqttWorker takes the messages of one connection in arrival order, hands
// them to the sink in batches, and acknowledges them after the sink
// returned. paho sends the acknowledgements in arrival order.
type mqttWorker struct {
	feed      *MQTT
	client    *paho.Client
	sink      Sink
	queue     chan *paho.Publish
	delivered bool
	batch     []*paho.Publish
	ps        []Position
	os        []Observation
}

// mqttBatch is the most messages one sink call carries.
const mqttBatch = 512

func (w *mqttWorker) run(ctx context.Context) error {
	for {
		w.batch = w.batch[:0]
		select {
		case <-ctx.Done():
			return context.Cause(ctx)
		case p := <-w.queue:
			w.batch = append(w.batch, p)
		}
	drain:
		for len(w.batch) < mqttBatch {
			select {
			case p := <-w.queue:
				w.batch = append(w.batch, p)
			default:
				break drain
			}
		}
		if err := w.deliver(ctx); err != nil {
			w.feed.stats.sinkErrors.Add(1)
			return err // nothing of this batch is acknowledged
		}
		if ctx.Err() != nil {
			return context.Cause(ctx) // the connection is gone: acks would go nowhere
		}
		for _, p := range w.batch {
			if err := w.client.Ack(p); err != nil {
				return err
			}
		}
	}
}

// deliver parses the batch and calls the sink.
func (w *mqttWorker) deliver(ctx context.Context) error {
	st, cfg := &w.feed.stats, &w.feed.cfg
	now := time.Now()
	w.ps, w.os = w.ps[:0], w.os[:0]
	for _, p := range w.batch {
		st.messages.Add(1)
		if p.Duplicate() {
			st.redelivered.Add(1)
		}
		switch {
		case matchAny(cfg.PositionTopics, p.Topic):
			ps, err := parsePositions(p.Payload, now)
			if w.bad(p, err) {
				continue
			}
			w.ps = append(w.ps, ps...)
		case matchAny(cfg.ObservationTopics, p.Topic):
			os, err := parseObservations(p.Payload, now)
			if w.bad(p, err) {
				continue
			}
			w.os = append(w.os, os...)
		case matchAny(cfg.SensorThingsTopics, p.Topic):
			id, _ := staID(p.Topic)
			ds, ok := cfg.Datastreams[id]
			if !ok {
				st.unknown.Add(1)
				continue
			}
			o, err := parseSensorThings(p.Payload, ds, now)
			if w.bad(p, err) {
				continue
			}
			w.os = append(w.os, o)
		default:
			st.unknown.Add(1)
		}
	}
	if len(w.ps) > 0 {
		if err := w.sink.Positions(ctx, w.ps); err != nil {
			return &sinkError{err}
		}
		st.positions.Add(uint64(len(w.ps)))
		w.delivered = true
	}
	if len(w.os) > 0 {
		if err := w.sink.Observations(ctx, w.os); err != nil {
			return &sinkError{err}
		}
		st.observations.Add(uint64(len(w.os)))
		w.delivered = true
	}
	return nil
}

// bad counts and logs an unparsable message.
func (w *mqttWorker) bad(p *paho.Publish, err error) bool {
	if err == nil {
		return false
	}
	if w.feed.stats.bad.Add(1) <= 10 {
		w.feed.cfg.Logger.Warn("feeds: mqtt: bad payload, dropped", "feed", w.feed.cfg.Name,
			"topic", p.Topic, "err", err)
	}
	return true
}

func matchAny(filters []string, topic string) bool {
	for _, f := range filters {
		if matchTopic(f, topic) {
			return true
		}
	}
	return false
}

// matchTopic reports whether topic matches the MQTT filter (with + and #;
// a "$share/<group>/" prefix is ignored).
func matchTopic(filter, topic string) bool {
	if rest, ok := strings.CutPrefix(filter, "$share/"); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			filter = rest[i+1:]
		}
	}
	fs, ts := strings.Split(filter, "/"), strings.Split(topic, "/")
	for i, f := range fs {
		if f == "#" {
			return true
		}
		if i >= len(ts) || (f != "+" && f != ts[i]) {
			return false
		}
	}
	return len(fs) == len(ts)
}
