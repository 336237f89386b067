// Package api is bando's HTTP surface. Handlers are plain functions from a
// Request value to a Response value; the fasthttp adapter in fasthttp.go is
// thin, and tests call Handle directly as well as through real HTTP.
package api

import (
	"bufio"
	"context"
	"github.com/prometheus/client_golang/prometheus"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"bando/indicators"
	"bando/ingest"
	"bando/layers"
	"bando/layers/steward"
	"bando/quality"
	"bando/spatial"
	"bando/spatial/hex"
	"bando/spatial/query"
	"bando/store"
	"bando/tiles"
	"bando/twin"
)

// Response is a transport-independent HTTP response.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Stream, when set, writes the body after the headers, flushing as it
	// goes, until it returns (a server-sent-events stream). It must return
	// once ctx is done or a write fails (the client went away).
	Stream func(ctx context.Context, w *bufio.Writer) error
}

// Config holds what the server needs; it is built once by the CLI.
type Config struct {
	Catalog *layers.Catalog
	Index   *spatial.Index
	Store   store.Store
	Tiles   *tiles.Server
	Tokens  *Tokens
	Viewer  fs.FS // the embedded web app; nil serves no viewer
	Logger  *slog.Logger
	// MaxBody is the request body limit in bytes, as received.
	MaxBody int
	// Limits bound each ingested body after decompression; a zero
	// MaxInputBytes takes MaxBody.
	Limits ingest.Limits
	// Version is the build version reported by /healthz.
	Version string
	// Checks are the services readiness depends on (the database with
	// --db); /readyz answers 503 while one of them fails.
	Checks []Check
	// PublicURL, when set, is the base of every absolute link
	// (ParsePublicURL); else it comes from the request (see proxy.go).
	PublicURL string
	// TrustedProxies are the peers whose Forwarded / X-Forwarded-* headers
	// are believed (ParseTrustedProxies); nil trusts none.
	TrustedProxies []netip.Prefix
	// CORSOrigins may read public endpoints from a browser: "*" for any,
	// else exact origins ("https://map.example.org"); empty disables CORS.
	CORSOrigins []string
	// Queries and Hexes answer map questions; New makes them over Index
	// and Catalog with default limits when they are nil.
	Queries *query.Engine
	Hexes   *hex.Engine
	// Indicators holds the computed indicators; New makes one (computing
	// on first request, never refreshed) when it is nil.
	Indicators *indicators.Engine
	// Quality holds the layers' data-quality figures (/api/quality,
	// bando.quality, /metrics); nil serves none.
	Quality *quality.Engine
	// Twin is the live twin behind /api/twin, /api/alerts and /api/stream;
	// nil serves none of them.
	Twin *twin.Twin
	// Metrics are more collectors for /metrics (the live feeds' counters).
	Metrics []prometheus.Collector
	// Hub carries the live events of /api/stream.
	Hub *twin.Hub
	// Wall holds the video wall's scenes (/api/wall).
	Wall WallConfig
	// Steward applies the data stewards' catalog changes (POST, PUT and
	// DELETE /collections); nil answers them 503.
	Steward *steward.Manager
}

// Server routes requests to handlers.
type Server struct {
	cfg     Config
	ready   atomic.Bool
	metrics *metrics
	started time.Time
	writes  writeLocks // see items_merge.go
	// queries answers map questions (the one query model); hexes counts
	// what they select per H3 cell.
	queries    *query.Engine
	hexes      *hex.Engine
	indicators *indicators.Engine
	// staticEnc caches compressed viewer files by coding and name.
	staticEnc sync.Map
	// wallState is the scene the video walls show.
	wallState wallState
	// streams is the context of every open event stream; CloseStreams
	// ends them (a shutdown would otherwise wait for each client).
	streams      context.Context
	closeStreams context.CancelFunc
	// routes is the router and the source of the API definition;
	// byFirst indexes it by first path segment.
	routes  []route
	byFirst map[string][]int
	// streamTick is how often an event stream pushes its write deadline
	// ahead (0: writeTimeout/3); tests shorten it.
	streamTick time.Duration
	// checks are the dependencies /readyz reports (health.go).
	checks []Check
}

// New returns a server. It answers /readyz with 503 until SetReady(true).
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = 64 << 20
	}
	if cfg.Limits.MaxInputBytes == 0 {
		cfg.Limits.MaxInputBytes = int64(cfg.MaxBody)
	}
	if cfg.Tokens == nil {
		cfg.Tokens = &Tokens{}
	}
	if cfg.Catalog != nil && cfg.Index != nil {
		if cfg.Queries == nil {
			cfg.Queries = query.New(cfg.Index, cfg.Catalog, query.Limits{})
		}
		if cfg.Hexes == nil {
			cfg.Hexes = hex.NewEngine(hex.Config{})
		}
		if cfg.Indicators == nil {
			cfg.Indicators = indicators.New(cfg.Queries, cfg.Catalog, cfg.Logger)
		}
	}
	streams, closeStreams := context.WithCancel(context.Background())
	routes := routeTable()
	return &Server{cfg: cfg, metrics: newMetrics(cfg), started: time.Now(), queries: cfg.Queries, hexes: cfg.Hexes,
		indicators: cfg.Indicators, streams: streams, closeStreams: closeStreams, routes: routes, byFirst: routesByFirst(routes)}
}

// CloseStreams ends every open event stream; call it before shutting the
// HTTP server down.
func (s *Server) CloseStreams() { s.closeStreams() }

// SetReady marks the index as loaded.
func (s *Server) SetReady(v bool) { s.ready.Store(v) }

// Handle answers one request.
func (s *Server) Handle(ctx context.Context, r *Request) *Response {
	start := time.Now()
	route, resp := s.route(ctx, r)
	s.edge(r, resp)
	s.metrics.observe(route, r.Method, resp.Status, time.Since(start))
	return resp
}

func (s *Server) route(ctx context.Context, r *Request) (string, *Response) {
	if resp := s.readyGate(r); resp != nil {
		return "not_ready", resp
	}
	if r.Method == http.MethodOptions {
		return "preflight", s.preflight(r)
	}
	p, err := s.cfg.Tokens.Principal(r.Header.Get("Authorization"))
	if err != nil {
		return "auth", errorResponse(err)
	}
	seg, err := segments(r)
	if err != nil {
		return "bad_path", errorResponse(err)
	}
	return s.dispatch(ctx, r, p, seg)
}

// segments splits the raw path and decodes each segment on its own.
func segments(r *Request) ([]string, error) {
	raw := r.RawPath
	if raw == "" {
		raw = r.Path
	}
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw = raw[:i]
	}
	seg := strings.Split(strings.Trim(raw, "/"), "/")
	for i, s := range seg {
		d, err := url.PathUnescape(s)
		if err != nil {
			return nil, badRequest("malformed path segment " + quote(s))
		}
		seg[i] = d
	}
	return seg, nil
}

func readMethod(r *Request) bool { return r.Method == http.MethodGet || r.Method == http.MethodHead }

func wantsJSON(r *Request) bool {
	if f := r.Query.Get("f"); f != "" {
		return f == "json"
	}
	a := r.Header.Get("Accept")
	return strings.Contains(a, "application/json") && !strings.Contains(a, "text/html")
}

// layerFor returns the layer if p may see it. A layer p may not see answers
// exactly like one that does not exist, so its existence does not leak.
func (s *Server) layerFor(p layers.Principal, id string) (*layers.Layer, error) {
	l, err := s.cfg.Catalog.Get(id)
	if err != nil || !layers.CanSee(p, l) {
		return nil, notFound("unknown collection " + quote(id))
	}
	return l, nil
}

// SetTwin enables the live twin's endpoints. Call it before SetReady(true):
// requests before that are answered 503 by the ready gate, and the ready
// flag orders this write before every read of it.
func (s *Server) SetTwin(tw *twin.Twin, hub *twin.Hub) {
	s.cfg.Twin, s.cfg.Hub = tw, hub
	if tw != nil {
		s.metrics.reg.MustRegister(newTwinCollector(tw))
	}
}
