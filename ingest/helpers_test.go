package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"bando/layers"
)

var (
	catalogOnce sync.Once
	catalog     *layers.Catalog
	catalogErr  error
)

// layer returns a layer of testdata/layers.yaml.
func layer(t testing.TB, id string) *layers.Layer {
	t.Helper()
	catalogOnce.Do(func() { catalog, catalogErr = layers.Load(filepath.Join("testdata", "layers.yaml")) })
	if catalogErr != nil {
		t.Fatal(catalogErr)
	}
	l, err := catalog.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func asError(err error, e **Error) bool { return errors.As(err, e) }

func itoa(i int) string { return strconv.Itoa(i) }
