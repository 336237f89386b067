package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"bando/tiles"
)

// maxFetchedTile bounds one tile fetched from a server.
const maxFetchedTile = 64 << 20

// newHTTPSource fetches TileJSON and tiles from a running server, as a
// client would: the tile bytes are its gzip bodies, exactly what it serves.
func newHTTPSource(f exportFlags) (exportSource, error) {
	base := strings.TrimRight(f.url, "/")
	client := &http.Client{Timeout: 60 * time.Second,
		// The body is kept as served: Go must not ask for gzip and undo it.
		Transport: &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: max(f.workers, 2)}}
	get := func(ctx context.Context, path string, gz bool) (int, http.Header, []byte, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return 0, nil, nil, err
		}
		if f.token != "" {
			req.Header.Set("Authorization", "Bearer "+f.token)
		}
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		resp, err := client.Do(req)
		if err != nil {
			return 0, nil, nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(io.LimitReader(resp.Body, maxFetchedTile))
		return resp.StatusCode, resp.Header, b, err
	}
	src := exportSource{close: client.CloseIdleConnections}
	for _, id := range f.layers {
		st, _, b, err := get(context.Background(), "/tiles/"+id+".json", false)
		if err == nil && st != http.StatusOK {
			err = fmt.Errorf("HTTP %d: %s", st, bytes.TrimSpace(b))
		}
		var tj tiles.TileJSON
		if err == nil {
			err = json.Unmarshal(b, &tj)
		}
		if err != nil {
			return exportSource{}, fmt.Errorf("export: %s/tiles/%s.json: %w", base, id, err)
		}
		src.tileJSON = append(src.tileJSON, tj)
	}
	path := "/tiles/" + strings.Join(f.layers, ",") + "/"
	src.tile = func(ctx context.Context, z uint8, x, y uint32) ([]byte, error) {
		st, h, b, err := get(ctx, fmt.Sprintf("%s%d/%d/%d%s", path, z, x, y, f.format.Suffix()), true)
		switch {
		case err != nil:
			return nil, err
		case st == http.StatusNoContent:
			return nil, nil
		case st != http.StatusOK:
			return nil, fmt.Errorf("HTTP %d: %s", st, bytes.TrimSpace(b))
		case h.Get("Content-Encoding") == "gzip":
			return b, nil
		}
		// A proxy that strips the encoding leaves the raw tile: store it
		// gzip-compressed at the server's level, as the archive says.
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		_, _ = zw.Write(b)
		_ = zw.Close()
		return buf.Bytes(), nil
	}
	return src, nil
}
