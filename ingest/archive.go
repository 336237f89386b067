package ingest

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"bando/crs"
)

// randomAccess is an input that Shapefile and GeoPackage readers can seek
// in: a zip's directory is at its end, SQLite reads pages anywhere.
type randomAccess struct {
	r    io.ReaderAt
	size int64
	path string // a file holding the input, "" when it is only in memory
}

// readArchive reads a binary format. The input is never held in memory
// whole: a file is read in place, a byte slice (an API body, already held)
// is read where it is, and any other reader is copied to a temporary file,
// bounded by Limits.MaxInputBytes.
func readArchive(c *collector, format Format, r io.Reader) error {
	ra, cleanup, err := spool(c, r)
	defer cleanup()
	if err != nil || ra == nil {
		return err
	}
	switch format {
	case Shapefile:
		return readShapefileZip(c, ra)
	case GeoPackage:
		return readGeoPackage(c, ra)
	case KMZ:
		return readKMZ(c, ra)
	}
	return fmt.Errorf("ingest: %s is not an archive format", format)
}

func spool(c *collector, r io.Reader) (*randomAccess, func(), error) {
	lim := c.opt.Limits
	none := func() {}
	tooBig := func(n int64) (*randomAccess, func(), error) {
		c.fatal(-1, 0, RuleTooLarge, fmt.Sprintf("input of %s is larger than %s (the limit)", byteSize(n), byteSize(lim.MaxInputBytes)))
		return nil, none, nil
	}
	switch v := r.(type) {
	case *os.File:
		st, err := v.Stat()
		if err != nil {
			return nil, none, fmt.Errorf("ingest: %w", err)
		}
		if st.Mode().IsRegular() {
			if st.Size() > lim.MaxInputBytes {
				return tooBig(st.Size())
			}
			return &randomAccess{r: v, size: st.Size(), path: v.Name()}, none, nil
		}
	case *bytes.Reader:
		if v.Size() > lim.MaxInputBytes {
			return tooBig(v.Size())
		}
		return &randomAccess{r: v, size: v.Size()}, none, nil
	}
	f, err := os.CreateTemp("", "bando-ingest-*")
	if err != nil {
		return nil, none, fmt.Errorf("ingest: spool: %w", err)
	}
	cleanup := func() { f.Close(); os.Remove(f.Name()) }
	n, err := io.Copy(f, newBoundedReader(r, lim, nil))
	if err != nil {
		if le, ok := asLimitErr(err); ok {
			c.fatal(-1, 0, RuleTooLarge, le.msg)
			return nil, cleanup, nil
		}
		return nil, cleanup, fmt.Errorf("ingest: spool: %w", err)
	}
	return &randomAccess{r: f, size: n, path: f.Name()}, cleanup, nil
}

// sourceCRS picks the coordinate system of a file: Options.CRS wins, then
// what the file says (parse, nil when it says nothing), else WGS84. It
// records the system in the report; a system that cannot be read refuses
// the input (rule crs) and returns nil.
func sourceCRS(c *collector, file string, parse func() (*crs.CRS, error)) *crs.CRS {
	if c.opt.CRS != nil {
		c.setCRS(c.opt.CRS)
		return c.opt.CRS
	}
	sys, err := parse()
	if err != nil {
		c.fatalIn(file, 0, RuleCRS, err.Error()+" (name it with --crs EPSG:n or ?crs=EPSG:n)")
		return nil
	}
	if sys == nil {
		sys = crs.WGS84
	}
	c.setCRS(sys)
	return sys
}

func (c *collector) setCRS(sys *crs.CRS) {
	if sys.IsWGS84() {
		return
	}
	c.crsName = sys.Name
	if sys.Note != "" {
		c.note(sys.Note)
	}
}

// note records a remark for Report.Notes, once.
func (c *collector) note(s string) {
	for _, n := range c.notes {
		if n == s {
			return
		}
	}
	c.notes = append(c.notes, s)
}

// progress reports records read of total, every progressEvery records.
func (c *collector) progress(read, total int) {
	if c.opt.Progress != nil && (read%progressEvery == 0 || read == total) {
		c.opt.Progress(read, total)
	}
}

const progressEvery = 5000
