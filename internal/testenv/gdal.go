package testenv

import (
	"os/exec"
	"testing"
)

// GDAL returns the path of a GDAL command-line tool (ogr2ogr,
// gdaltransform; Debian's gdal-bin), or skips loudly (fails in CI).
func GDAL(t testing.TB, tool string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		Missing(t, "GDAL's "+tool+" (apt-get install gdal-bin)")
	}
	return p
}
