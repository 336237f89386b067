package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"bando/layers"
)

// httpClient is the load generator's client: conns keep-alive connections
// and no Accept-Encoding, so both servers answer raw MVT.
func httpClient(conns int) *http.Client {
	return &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{
		MaxConnsPerHost: conns, MaxIdleConnsPerHost: conns, DisableCompression: true,
	}}
}

// httpGetter fetches base+path of each tile; 200 and 204 are answers, the
// rest errors.
func httpGetter(c *http.Client, base, token string) renderFunc {
	return func(ctx context.Context, t tileReq) (int, error) {
		req, err := http.NewRequestWithContext(ctx, "GET", base+t.path(), nil)
		if err != nil {
			return 0, err
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := c.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		n, err := io.Copy(io.Discard, resp.Body)
		if err != nil {
			return 0, err
		}
		if resp.StatusCode != 200 && resp.StatusCode != 204 {
			return 0, fmt.Errorf("%s: %s", t.path(), resp.Status)
		}
		return int(n), nil
	}
}

// pgHandler is a minimal tile server the way Martin and pg_tileserv work:
// parse /tiles/{layer}/{z}/{x}/{y}.mvt, run one prepared SQL statement on a
// pooled connection, answer the bytes (204 when empty).
type pgHandler struct {
	pool   *pgxpool.Pool
	layers map[string]*layers.Layer
}

func (h *pgHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/tiles/"), "/")
	if len(parts) != 4 || !strings.HasSuffix(parts[3], ".mvt") {
		http.Error(w, "not a tile path", http.StatusNotFound)
		return
	}
	l, ok := h.layers[parts[0]]
	z, ez := strconv.Atoi(parts[1])
	x, ex := strconv.Atoi(parts[2])
	y, ey := strconv.Atoi(strings.TrimSuffix(parts[3], ".mvt"))
	if !ok || ez != nil || ex != nil || ey != nil {
		http.Error(w, "bad tile", http.StatusBadRequest)
		return
	}
	b, err := pgTile(r.Context(), h.pool, l, z, x, y)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	if len(b) == 0 {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/vnd.mapbox-vector-tile")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

// servePG starts the handler on a free local port and returns its base URL
// and a stop function.
func servePG(pool *pgxpool.Pool, ls []*layers.Layer) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	h := &pgHandler{pool: pool, layers: map[string]*layers.Layer{}}
	for _, l := range ls {
		h.layers[l.ID] = l
	}
	srv := &http.Server{Handler: h}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
