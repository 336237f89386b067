package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"bando/data"
	"bando/internal/testenv"
)

const pgTestDB = "bando_pgstore"

// migrateDB runs `bando migrate --db dsn` and returns its output.
func migrateDB(t *testing.T, dsn string) string {
	t.Helper()
	out, err := exec.Command(binPath, "migrate", "--db", dsn).CombinedOutput()
	if err != nil {
		t.Fatalf("bando migrate: %v\n%s", err, out)
	}
	return string(out)
}

// TestServeDBNeedsMigrate: serve on a database without bando's schema
// exits and says how to migrate; migrate is idempotent.
func TestServeDBNeedsMigrate(t *testing.T) {
	dsn := testenv.PostGISDSN(t, pgTestDB)
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, binPath, "serve", "--addr", "127.0.0.1:0", "--data", dir+"/var",
		"--config", writeConfig(t, dir, ""), "--db", dsn).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "bando migrate --db") {
		t.Fatalf("serve on an unmigrated database: err %v, output:\n%s", err, out)
	}
	if first := migrateDB(t, dsn); !strings.Contains(first, "applied 0001_") {
		t.Fatalf("first migrate: %s", first)
	}
	if again := migrateDB(t, dsn); !strings.Contains(again, "current") {
		t.Fatalf("second migrate: %s", again)
	}
}

// TestReplicasShareWrites: two `bando serve --db` on one database: a
// feature written through one is visible through the other's items within
// a second, deletes too; kill -9 of the writer loses nothing acknowledged.
func TestReplicasShareWrites(t *testing.T) {
	dsn := testenv.PostGISDSN(t, pgTestDB)
	migrateDB(t, dsn)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, probeLayer)
	a := startServer(t, dir+"/a", cfg, "--db", dsn, "--demo=false")
	b := startServer(t, dir+"/b", cfg, "--db", dsn, "--demo=false")
	if st, body := a.get("/readyz", ""); st != 200 || !strings.Contains(string(body), `"postgis":{"status":"ok"}`) {
		t.Fatalf("readyz: %d %s", st, body)
	}

	post := func(srv *server, id, note string) int {
		body := fmt.Sprintf(`{"type":"Feature","id":%q,"geometry":{"type":"Point","coordinates":[106.7,10.8]},"properties":{"n":1,"note":%q}}`, id, note)
		st, _, _ := srv.do("POST", "/collections/probes/items", opsToken, "application/x-ndjson", []byte(body))
		return st
	}
	visible := func(srv *server, id, note string) bool {
		st, body := srv.get("/collections/probes/items/"+id, opsToken)
		return st == 200 && (note == "" || strings.Contains(string(body), note))
	}
	within := func(d time.Duration, ok func() bool) bool {
		deadline := time.Now().Add(d)
		for !ok() {
			if time.Now().After(deadline) {
				return false
			}
			time.Sleep(10 * time.Millisecond)
		}
		return true
	}
	// A tile cached on b before a write through a is rendered again
	// after it: the change's bounds reach b's tile cache through the feed.
	x, y := tileOf(106.7, 10.8, 12)
	tilePath := fmt.Sprintf("/tiles/probes/12/%d/%d.mvt", x, y)
	_, _, before := b.do("GET", tilePath, opsToken, "", nil)
	_, _, again := b.do("GET", tilePath, opsToken, "", nil) // now cached
	if string(before) != string(again) {
		t.Fatal("the same tile twice differs")
	}
	if st := post(a, "tile0", "tile"); st != 201 {
		t.Fatalf("POST: %d", st)
	}
	if !within(time.Second, func() bool {
		_, _, now := b.do("GET", tilePath, opsToken, "", nil)
		return string(now) != string(before)
	}) {
		t.Fatal("a write through one replica left the other's cached tile stale for over 1 s")
	}
	for i, pair := range [][2]*server{{a, b}, {b, a}} {
		id, note := fmt.Sprint("p", i), fmt.Sprint("ghi chú ", i)
		start := time.Now()
		if st := post(pair[0], id, note); st != 201 {
			t.Fatalf("POST: %d", st)
		}
		if !within(time.Second, func() bool { return visible(pair[1], id, note) }) {
			t.Fatalf("feature %s written on one replica not visible on the other within 1 s", id)
		}
		t.Logf("%s visible on the other replica after %v", id, time.Since(start).Round(time.Millisecond))
	}
	// bando ingest --db writes into the database too (through COPY): the
	// running replicas see it.
	var lines []string
	for i := range 1500 {
		lines = append(lines, fmt.Sprintf(`{"type":"Feature","id":"bulk%d","geometry":{"type":"Point","coordinates":[106.%d,10.8]},"properties":{"n":%d,"note":"lô"}}`, i, i, i))
	}
	file := filepath.Join(dir, "bulk.ndjson")
	if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(binPath, "ingest", "--db", dsn, "--config", cfg, "--layer", "probes", file).CombinedOutput(); err != nil {
		t.Fatalf("bando ingest --db: %v\n%s", err, out)
	}
	for _, srv := range []*server{a, b} {
		if !within(time.Second, func() bool { return visible(srv, "bulk1499", "lô") }) {
			t.Fatal("features of bando ingest --db not visible on a running replica within 1 s")
		}
		var fc featureCollection
		srv.getJSON("/collections/probes/items?limit=1", opsToken, &fc)
		if fc.NumberMatched != 1503 {
			t.Fatalf("%d probes after the bulk ingest, want 1503", fc.NumberMatched)
		}
	}
	if st, _, _ := b.do("DELETE", "/collections/probes/items/p0", opsToken, "", nil); st/100 != 2 {
		t.Fatalf("DELETE: %d", st)
	}
	if !within(time.Second, func() bool { st, _ := a.get("/collections/probes/items/p0", opsToken); return st == 404 }) {
		t.Fatal("a delete on one replica not seen by the other within 1 s")
	}

	// kill -9 the writer mid-stream: everything acknowledged is on the
	// other replica, and on the writer again after a restart.
	var mu sync.Mutex
	acked := map[string]string{}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 9))
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id, note := fmt.Sprintf("k%dw%d", i, w), fmt.Sprint("n", rng.Uint32())
				st := post(a, id, note)
				if st == 0 {
					return
				}
				if st != 201 {
					t.Errorf("POST: %d", st)
					return
				}
				mu.Lock()
				acked[id] = note
				mu.Unlock()
			}
		}()
	}
	time.Sleep(700 * time.Millisecond)
	a.cmd.Process.Kill()
	a.cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("nothing acknowledged before the kill")
	}
	for id, note := range acked {
		if !within(time.Second, func() bool { return visible(b, id, note) }) {
			t.Fatalf("acknowledged %s not on the other replica after the writer's kill -9", id)
		}
	}
	a.launch(binPath, "--db", dsn, "--demo=false")
	for id, note := range acked {
		if !visible(a, id, note) {
			t.Fatalf("acknowledged %s missing after the writer restarted", id)
		}
	}
	t.Logf("%d writes acknowledged before kill -9, all on both replicas", len(acked))
}

// TestDemoOnDatabase: on an empty database serve loads the demo as on a
// new data directory (the same counts); a second replica loads nothing;
// --demo=false on another empty database starts empty.
func TestDemoOnDatabase(t *testing.T) {
	dsn := testenv.PostGISDSN(t, pgTestDB)
	migrateDB(t, dsn)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	a := startServer(t, dir+"/a", cfg, "--db", dsn)
	emb := startServer(t, dir+"/emb", cfg)
	b := startServer(t, dir+"/b", cfg, "--db", dsn)
	if strings.Contains(b.log.String(), "demo layer loaded") {
		t.Fatalf("the second replica loaded the demo again:\n%s", b.log)
	}
	var cols struct {
		Collections []struct {
			ID string `json:"id"`
		} `json:"collections"`
	}
	emb.getJSON("/collections", opsToken, &cols)
	count := func(srv *server, id string) int {
		var fc featureCollection
		srv.getJSON("/collections/"+id+"/items?limit=1", opsToken, &fc)
		return fc.NumberMatched
	}
	demo, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, c := range cols.Collections {
		if l, err := demo.Get(c.ID); err == nil && l.Demo == "" {
			continue // a live layer: each replica's twin fills it (per replica for now)
		}
		want := count(emb, c.ID)
		total += want
		if ga, gb := count(a, c.ID), count(b, c.ID); ga != want || gb != want {
			t.Errorf("%s: %d and %d features on the database replicas, %d embedded", c.ID, ga, gb, want)
		}
	}
	if total == 0 {
		t.Fatal("the demo loaded nothing")
	}

	empty := testenv.PostGISDSN(t, pgTestDB)
	migrateDB(t, empty)
	e := startServer(t, dir+"/e", cfg, "--db", empty, "--demo=false")
	for _, c := range cols.Collections {
		if n := count(e, c.ID); n != 0 {
			t.Errorf("--demo=false: %s has %d features", c.ID, n)
		}
	}
}

// TestCopyEmbeddedToPostGISAndBack: bando copy moves a demo data directory
// into an empty database and back; servers on each copy serve the same
// counts without loading the demo again, and a non-empty destination is
// refused.
func TestCopyEmbeddedToPostGISAndBack(t *testing.T) {
	dsn := testenv.PostGISDSN(t, pgTestDB)
	migrateDB(t, dsn)
	dir := t.TempDir()
	cfg := writeConfig(t, dir, "")
	emb := startServer(t, dir+"/emb", cfg)
	demo, err := data.DemoCatalog()
	if err != nil {
		t.Fatal(err)
	}
	counts := func(srv *server) map[string]int {
		out := map[string]int{}
		for _, l := range demo.All() {
			if l.Demo == "" {
				continue
			}
			var fc featureCollection
			srv.getJSON("/collections/"+l.ID+"/items?limit=1", opsToken, &fc)
			out[l.ID] = fc.NumberMatched
		}
		return out
	}
	want := counts(emb)
	emb.kill()
	copyTo := func(from, to string) string {
		out, err := exec.Command(binPath, "copy", "--from", from, "--to", to, "--config", cfg).CombinedOutput()
		if err != nil {
			t.Fatalf("bando copy --from %s --to %s: %v\n%s", from, to, err, out)
		}
		return string(out)
	}
	copyTo(dir+"/emb", dsn)
	pg := startServer(t, dir+"/pg", cfg, "--db", dsn)
	back := dir + "/back"
	copyTo(dsn, back)
	srvBack := startServer(t, back, cfg)
	for name, srv := range map[string]*server{"postgis": pg, "copied back": srvBack} {
		if got := counts(srv); !reflect.DeepEqual(got, want) {
			t.Errorf("%s: counts %v, embedded %v", name, got, want)
		}
		if strings.Contains(srv.log.String(), "demo layer loaded") {
			t.Errorf("%s: the demo was loaded over the copy", name)
		}
	}
	srvBack.kill() // its directory is the source now
	if out, err := exec.Command(binPath, "copy", "--from", back, "--to", dsn, "--config", cfg).CombinedOutput(); err == nil ||
		!strings.Contains(string(out), "empty") {
		t.Fatalf("copy into a non-empty database: %v\n%s", err, out)
	}
}
