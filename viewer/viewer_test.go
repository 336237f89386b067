package viewer

import (
	"io/fs"
	"strings"
	"testing"
)

func TestAssets(t *testing.T) {
	for _, name := range []string{
		"index.html",
		"main.js",
		"main.css",
		"maplibre-gl-worker.js",
		"fonts/Noto Sans Regular/0-255.pbf",
		"fonts/Noto Sans Regular/7680-7935.pbf", // ạ ầ ế ệ ộ ở ữ
	} {
		b, err := fs.ReadFile(Assets(), name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
	}
}

// The page must load only what bando serves: relative URLs, no other host.
func TestIndexIsSelfContained(t *testing.T) {
	b, err := fs.ReadFile(Assets(), "index.html")
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	for _, want := range []string{`src="main.js?v=`, `href="main.css?v=`, "Lớp bản đồ", "Chú giải"} {
		if !strings.Contains(page, want) {
			t.Errorf("index.html lacks %q", want)
		}
	}
	for _, bad := range []string{"http://", "https://", "//cdn", "fonts.googleapis"} {
		if strings.Contains(page, bad) {
			t.Errorf("index.html refers to another host: %q", bad)
		}
	}
}
