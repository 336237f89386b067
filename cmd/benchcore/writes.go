package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func readAll(resp *http.Response) ([]byte, error) {
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != 200 {
		err = fmt.Errorf("%s: %.200s", resp.Status, b)
	}
	return b, err
}

// concurrentWrites has `writers` goroutines each POST single new parcels
// (one NDJSON line, acknowledged only once durable) for d, and returns
// acknowledged writes per second.
func concurrentWrites(ctx context.Context, base string, writers int, d time.Duration) (float64, int, error) {
	client := httpClient(writers)
	var acked, failed atomic.Int64
	var firstErr atomic.Value
	stop := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				id := 900000000 + w*1000000 + i
				lon, lat := 106.6+float64(w)*0.001, 10.7+float64(i%1000)*0.0001
				body := fmt.Sprintf(`{"type":"Feature","id":%d,"properties":{"parcel_no":"w-%d","commune_code":"26734","land_use":"ODT","area_m2":100},`+
					`"geometry":{"type":"Polygon","coordinates":[[[%f,%f],[%f,%f],[%f,%f],[%f,%f]]]}}`+"\n",
					id, id, lon, lat, lon+0.0001, lat, lon+0.0001, lat+0.0001, lon, lat)
				if err := post(ctx, client, base, []byte(body)); err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
					continue
				}
				acked.Add(1)
			}
		}()
	}
	wg.Wait()
	if e, ok := firstErr.Load().(error); ok {
		return float64(acked.Load()) / time.Since(start).Seconds(), int(failed.Load()), e
	}
	return float64(acked.Load()) / time.Since(start).Seconds(), 0, nil
}

func post(ctx context.Context, c *http.Client, base string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/collections/parcels/items", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("Authorization", "Bearer "+secret)
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 201 {
		return fmt.Errorf("POST: %s: %.300s", resp.Status, b)
	}
	return nil
}

// bulkIngest posts the NDJSON file to bando in chunks of `chunk` lines with
// conc requests in flight (as cmd/bandobench does) and returns features/s.
func bulkIngest(ctx context.Context, base, path string, chunk, conc int) (float64, int, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, 0, err
	}
	defer f.Close()
	client := httpClient(conc)
	bodies := make(chan []byte, conc)
	errs := make(chan error, conc)
	var wg sync.WaitGroup
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for b := range bodies {
				if err := post(ctx, client, base, b); err != nil {
					errs <- err
					for range bodies { // drain so the reader never blocks
					}
					return
				}
			}
		}()
	}
	start := time.Now()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	var buf bytes.Buffer
	n, lines := 0, 0
	for sc.Scan() {
		buf.Write(sc.Bytes())
		buf.WriteByte('\n')
		n++
		if lines++; lines == chunk {
			bodies <- bytes.Clone(buf.Bytes())
			buf.Reset()
			lines = 0
		}
	}
	if lines > 0 {
		bodies <- bytes.Clone(buf.Bytes())
	}
	close(bodies)
	wg.Wait()
	select {
	case err := <-errs:
		return 0, n, err
	default:
	}
	return float64(n) / time.Since(start).Seconds(), n, sc.Err()
}

// ogrIngest loads the same NDJSON into PostGIS with ogr2ogr (COPY, the
// default spatial index) and returns features/s.
func ogrIngest(ctx context.Context, s *pgSchema, path string, n int) (float64, error) {
	bin, err := exec.LookPath("ogr2ogr")
	if err != nil {
		return 0, fmt.Errorf("ogr2ogr (gdal-bin) not installed")
	}
	pg := "PG:" + pgConnString(s.dsn)
	cmd := exec.CommandContext(ctx, bin, "-f", "PostgreSQL", pg, "GeoJSONSeq:"+path,
		"-nln", s.name+".parcels_ogr", "-lco", "GEOMETRY_NAME=geom", "-lco", "FID=ogc_fid")
	cmd.Env = append(os.Environ(), "PG_USE_COPY=YES")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("ogr2ogr: %v: %.500s", err, out)
	}
	rate := float64(n) / time.Since(start).Seconds()
	var got int
	if err := s.admin.QueryRow(ctx, "SELECT count(*) FROM "+s.name+".parcels_ogr").Scan(&got); err != nil || got != n {
		return 0, fmt.Errorf("ogr2ogr loaded %d of %d features (%v)", got, n, err)
	}
	return rate, nil
}

// pgConnString turns a postgres:// URL into GDAL's key=value form.
func pgConnString(dsn string) string {
	cfg, err := parsePG(dsn)
	if err != nil {
		return dsn
	}
	parts := []string{fmt.Sprintf("host=%s port=%d dbname=%s user=%s", cfg.Host, cfg.Port, cfg.Database, cfg.User)}
	if cfg.Password != "" {
		parts = append(parts, "password="+cfg.Password)
	}
	return strings.Join(parts, " ")
}
