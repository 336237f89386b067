package api

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"bando/layers"
	"bando/twin"
)

// streamTopics are the topics of /api/stream.
var streamTopics = []string{twin.TopicPositions, twin.TopicObservations, twin.TopicAlerts, twin.TopicTiles, TopicWall, TopicCatalog}

// TopicCatalog carries catalog changes: a layer created or changed by a
// data steward, as {"layer", "catalog_version"}, to those who may see the
// layer, so that open viewers reload /collections. A retired layer is no
// longer visible to anyone, so its retirement is not announced.
const TopicCatalog = "catalog"

// CatalogEvent is the data of a catalog event.
type CatalogEvent struct {
	Layer   string `json:"layer"`
	Version uint64 `json:"catalog_version"`
}

// keepAlive is how often an idle stream sends a comment, so that a client
// gone away is noticed and proxies keep the connection.
const keepAlive = 15 * time.Second

// stream serves server-sent events: positions, observations, alerts and
// tile invalidations, filtered by topics= and by the layers p may see,
// resumed after Last-Event-ID (header or last_event_id=) while the hub
// still holds the events.
func (s *Server) stream(r *Request, p layers.Principal) *Response {
	if s.cfg.Hub == nil {
		return errorResponse(notFound("no live stream"))
	}
	topics := map[string]bool{}
	for _, t := range splitList(r.Query.Get("topics")) {
		ok := false
		for _, k := range streamTopics {
			ok = ok || k == t
		}
		if !ok {
			return errorResponse(badRequest("unknown topic " + quote(t) + "; use positions, observations, alerts, tiles, wall or catalog"))
		}
		topics[t] = true
	}
	last := r.Header.Get("Last-Event-ID")
	if last == "" {
		last = r.Query.Get("last_event_id")
	}
	var lastID uint64
	if last != "" {
		n, err := strconv.ParseUint(last, 10, 64)
		if err != nil {
			return errorResponse(badRequest("Last-Event-ID must be an event id"))
		}
		lastID = n
	}
	hub, cat := s.cfg.Hub, s.cfg.Catalog
	resp := &Response{Status: http.StatusOK, Header: http.Header{}}
	resp.Header.Set("Content-Type", "text/event-stream")
	resp.Header.Set("Cache-Control", "no-store")
	resp.Header.Set("X-Accel-Buffering", "no")
	resp.Stream = func(ctx context.Context, w *bufio.Writer) error {
		// The filter runs under the hub's lock, one publisher at a time.
		// Visibility is remembered per layer until the catalog changes: a
		// layer a steward makes internal stops reaching anonymous streams
		// already open.
		seen := map[string]bool{}
		seenAt := cat.Version()
		visible := func(layer string) bool {
			if layer == "" {
				return true // about no layer: the wall's scene
			}
			if v := cat.Version(); v != seenAt {
				clear(seen)
				seenAt = v
			}
			v, ok := seen[layer]
			if !ok {
				l, err := cat.Get(layer)
				v = err == nil && layers.CanSee(p, l)
				seen[layer] = v
			}
			return v
		}
		want := func(e *twin.Event) bool { return (len(topics) == 0 || topics[e.Topic]) && visible(e.Layer) }
		evs, stop := hub.Subscribe(last != "", lastID, want)
		defer stop()
		tick := time.NewTicker(keepAlive)
		defer tick.Stop()
		if _, err := w.WriteString(": bando live stream\nretry: 2000\n\n"); err != nil {
			return err
		}
		if err := w.Flush(); err != nil {
			return err
		}
		for {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-tick.C:
				if _, err := w.WriteString(": keep-alive\n\n"); err != nil {
					return err
				}
				if err := w.Flush(); err != nil {
					return err
				}
			case e, ok := <-evs:
				if !ok {
					return nil // fell behind: the client resumes with Last-Event-ID
				}
				if err := writeEvent(w, e); err != nil {
					return err
				}
				if len(evs) == 0 {
					if err := w.Flush(); err != nil {
						return err
					}
				}
			}
		}
	}
	return resp
}

func writeEvent(w *bufio.Writer, e twin.Event) error {
	var data []byte
	switch d := e.Data.(type) {
	case []byte:
		data = d
	default:
		b, err := json.Marshal(d)
		if err != nil {
			return err
		}
		data = b
	}
	w.WriteString("id: ")
	w.WriteString(strconv.FormatUint(e.ID, 10))
	w.WriteString("\nevent: ")
	w.WriteString(e.Topic)
	w.WriteString("\ndata: ")
	w.Write(data)
	_, err := w.WriteString("\n\n")
	return err
}
