package bus

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"time"

	"bando/ingest/feeds"
	"bando/twin"
)

// Messages of the live stream are gob-encoded: the feeds' values carry
// NaN (no speed given), which JSON cannot, and every replica runs the
// same binary.

// ackMsg is an acknowledgement on the log.
type ackMsg struct {
	ID  string
	Ack twin.Ack
}

// maxBatch bounds the values of one message, well under NATS's default
// 1 MB payload; a larger batch goes as several messages.
const maxBatch = 2000

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(v); err != nil {
		return nil, fmt.Errorf("bus: encode: %w", err)
	}
	return buf.Bytes(), nil
}

func decode(b []byte, v any) error {
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(v); err != nil {
		return fmt.Errorf("bus: decode: %w", err)
	}
	return nil
}

// message is one decoded live message.
type message struct {
	seq  uint64
	kind string // the subject's last token
	ps   []feeds.Position
	os   []feeds.Observation
	vs   []feeds.Vessel
	tick time.Time
	ack  ackMsg
}

// decodeMessage decodes the body of a live message of the given kind.
func decodeMessage(kind string, body []byte) (message, error) {
	m := message{kind: kind}
	var err error
	switch kind {
	case "positions":
		err = decode(body, &m.ps)
	case "observations":
		err = decode(body, &m.os)
	case "vessels":
		err = decode(body, &m.vs)
	case "ticks":
		err = decode(body, &m.tick)
	case "acks":
		err = decode(body, &m.ack)
	default:
		err = fmt.Errorf("bus: unknown message kind %q", kind)
	}
	return m, err
}
