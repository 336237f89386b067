package data

import (
	"compress/gzip"
	"embed"
	"fmt"
	"io"
)

//go:embed admin/communes_2025_crosswalk.csv.gz admin/provinces_2025_crosswalk.csv
var admin embed.FS

// CommuneCrosswalk returns the pre-2025 → 2025 commune code crosswalk as
// CSV (old,new,type; type f for a whole old unit, p for part of one),
// from dvhcvn/20250701 (MIT); admin/ATTRIBUTION.md says what was kept.
func CommuneCrosswalk() (io.ReadCloser, error) {
	f, err := admin.Open("admin/communes_2025_crosswalk.csv.gz")
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("data: crosswalk: %w", err)
	}
	return struct {
		io.Reader
		io.Closer
	}{zr, f}, nil
}

// CommunesFile is the demo file of the 2025 commune polygons (the
// communes layer of the demo catalog), relative to Demo().
const CommunesFile = "communes.geojson.gz"

// ProvinceCrosswalk returns the pre-2025 → 2025 province crosswalk as CSV
// (old,new,type,old_name), from the same source as CommuneCrosswalk.
func ProvinceCrosswalk() ([]byte, error) {
	b, err := admin.ReadFile("admin/provinces_2025_crosswalk.csv")
	if err != nil {
		return nil, fmt.Errorf("data: %w", err)
	}
	return b, nil
}
