package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"bando/internal/testenv"
)

// TestViewerInChromium serves the demo from the binary and runs the viewer
// check (viewer/e2e/check.mjs) in headless Chromium: the province and its
// communes render with labels, the centre's buildings render, no console
// error, and no request leaves bando.
func TestViewerInChromium(t *testing.T) {
	node, chromium, e2e := browserTools(t)
	dir := t.TempDir()
	srv := startServer(t, dir+"/var", writeConfig(t, dir, ""))
	shot := filepath.Join(dir, "viewer.png")
	cmd := exec.Command(node, filepath.Join(e2e, "check.mjs"), srv.base+"/", "--screenshot", shot, "--chromium", chromium)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("viewer check failed: %v\n%s", err, out)
	}
	if fi, err := os.Stat(shot); err != nil || fi.Size() < 10000 {
		t.Fatalf("no real screenshot at %s", shot)
	}
	// The wall (1920×1080) and the public map (390×844): idle, no error, no
	// other host, no internal layer id in any public response; a zone drawn
	// on the desk fills the results panel. Screenshots stay in var/.
	arts, _ := filepath.Abs("../../var/viewer")
	os.MkdirAll(arts, 0o755)
	cmd = exec.Command(node, filepath.Join(e2e, "modes.mjs"), srv.base+"/", "--out", arts, "--chromium", chromium)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("viewer modes check failed: %v\n%s", err, out)
	}
}

// browserTools returns node, Chromium and viewer/e2e (the browser checks,
// with their packages), or skips loudly (fails in CI) without them.
func browserTools(t *testing.T) (node, chromium, e2e string) {
	t.Helper()
	node, chromium = testenv.Node(t), testenv.Chromium(t)
	e2e, _ = filepath.Abs("../../viewer/e2e")
	if _, err := os.Stat(filepath.Join(e2e, "node_modules", "playwright-core")); err != nil {
		testenv.Missing(t, "viewer/e2e/node_modules (run `make tools`)")
	}
	return node, chromium, e2e
}
