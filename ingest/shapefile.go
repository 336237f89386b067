package ingest

import (
	"archive/zip"
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"bando/crs"
)

// shapeSet is the members of one shapefile in a zip, by extension.
type shapeSet struct {
	base  string // path in the zip without the extension
	files map[string]*zip.File
}

// readShapefileZip reads every shapefile of a zip (or Options.Table's):
// a .shp with its .dbf (attributes), .prj (coordinate system), .cpg (DBF
// encoding); .shx gives the record count for progress. Records are
// streamed from the zip: neither file is held whole.
func readShapefileZip(c *collector, ra *randomAccess) error {
	zr, err := zip.NewReader(ra.r, ra.size)
	if err != nil {
		c.fatalIn("", 0, RuleShapefile, "not a zip archive ("+err.Error()+"): a Shapefile is sent as a zip of its .shp, .shx, .dbf and .prj")
		return nil
	}
	sets := map[string]*shapeSet{}
	for _, f := range zr.File {
		name := f.Name
		if strings.HasPrefix(name, "__MACOSX/") || strings.HasSuffix(name, "/") {
			continue
		}
		ext := strings.ToLower(path.Ext(name))
		base := strings.TrimSuffix(name, path.Ext(name))
		key := strings.ToLower(base)
		if sets[key] == nil {
			sets[key] = &shapeSet{base: base, files: map[string]*zip.File{}}
		}
		sets[key].files[ext] = f
	}
	var chosen []*shapeSet
	for _, s := range sets {
		if s.files[".shp"] == nil {
			continue
		}
		if t := c.opt.Table; t == "" || strings.EqualFold(path.Base(s.base), t) || strings.EqualFold(s.base, t) {
			chosen = append(chosen, s)
		}
	}
	sort.Slice(chosen, func(i, j int) bool { return chosen[i].base < chosen[j].base })
	switch {
	case len(chosen) == 0 && c.opt.Table != "":
		c.fatalIn("", 0, RuleShapefile, fmt.Sprintf("the zip holds no shapefile %s", quoteExcerpt(c.opt.Table)))
		return nil
	case len(chosen) == 0:
		c.fatalIn("", 0, RuleShapefile, "the zip holds no .shp file")
		return nil
	}
	if err := checkMembers(c, chosen); err != nil || len(c.fatals) > 0 {
		return err
	}
	for _, s := range chosen {
		prefix := ""
		if len(chosen) > 1 {
			prefix = path.Base(s.base) + ":"
			c.note("the zip holds several shapefiles: ids of records without an id field are <shapefile>:<record>")
		}
		if err := readShapeSet(c, s, prefix); err != nil || len(c.fatals) > 0 {
			return err
		}
	}
	return nil
}

// checkMembers refuses members that would decompress beyond the limits (a
// zip bomb) before anything is read. archive/zip fails a member that
// inflates beyond the size its header declares, so the headers bound it.
func checkMembers(c *collector, sets []*shapeSet) error {
	lim := c.opt.Limits
	var total uint64
	for _, s := range sets {
		for _, f := range s.files {
			total += f.UncompressedSize64
			if f.UncompressedSize64 > ratioFloor && f.UncompressedSize64/max(f.CompressedSize64, 1) > uint64(lim.MaxRatio) {
				c.fatalIn(f.Name, 0, RuleTooLarge, fmt.Sprintf("expands more than %d× (%s from %s): refused as a decompression bomb",
					lim.MaxRatio, byteSize(int64(f.UncompressedSize64)), byteSize(int64(f.CompressedSize64))))
			}
		}
	}
	if total > uint64(lim.MaxInputBytes) {
		c.fatal(-1, 0, RuleTooLarge, fmt.Sprintf("the shapefiles hold %s, more than %s (the limit)", byteSize(int64(total)), byteSize(lim.MaxInputBytes)))
	}
	return nil
}

// readSmall reads a small member (.prj, .cpg) whole, up to max bytes.
func readSmall(f *zip.File, max int64) (string, error) {
	if f == nil {
		return "", nil
	}
	if f.UncompressedSize64 > uint64(max) {
		return "", fmt.Errorf("%s is %d bytes, more than %d", f.Name, f.UncompressedSize64, max)
	}
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max))
	return string(b), err
}

func readShapeSet(c *collector, s *shapeSet, prefix string) error {
	shpF, dbfF := s.files[".shp"], s.files[".dbf"]
	sys := sourceCRS(c, s.base+".prj", func() (*crs.CRS, error) {
		wkt, err := readSmall(s.files[".prj"], 64<<10)
		if err != nil || wkt == "" {
			return nil, err
		}
		return crs.FromWKT(wkt)
	})
	if sys == nil {
		return nil
	}
	if s.files[".prj"] == nil && c.opt.CRS == nil {
		c.note(s.base + ".shp has no .prj: read as WGS 84 longitude/latitude (name its system with --crs)")
	}
	if f := s.files[".shx"]; f != nil && f.UncompressedSize64 >= shpHeaderBytes {
		c.total += int(f.UncompressedSize64-shpHeaderBytes) / 8
	}
	var dbf *dbfReader
	if dbfF == nil {
		c.note(s.base + ".shp has no .dbf: features have no attributes and take their record number as id")
	} else {
		var err error
		if dbf, err = openShapeDBF(c, s, dbfF); err != nil || dbf == nil {
			return err
		}
		defer dbf.closer.Close()
	}
	rc, err := shpF.Open()
	if err != nil {
		c.fatalIn(shpF.Name, 0, RuleShapefile, err.Error())
		return nil
	}
	defer rc.Close()
	return readShpRecords(c, shpF, bufio.NewReaderSize(rc, 1<<16), dbf, sys, prefix)
}

func openShapeDBF(c *collector, s *shapeSet, f *zip.File) (*dbfReader, error) {
	cpg, err := readSmall(s.files[".cpg"], 256)
	if err != nil {
		c.fatalIn(s.base+".cpg", 0, RuleShapefile, err.Error())
		return nil, nil
	}
	rc, err := f.Open()
	if err != nil {
		c.fatalIn(f.Name, 0, RuleShapefile, err.Error())
		return nil, nil
	}
	dbf, err := openDBF(rc, int64(f.UncompressedSize64), c.opt.Limits.MaxProperties)
	if err != nil {
		rc.Close()
		c.fatalIn(f.Name, 0, RuleShapefile, err.Error())
		return nil, nil
	}
	dec, ok := dbfEncoding(c, f, dbf, cpg)
	if !ok {
		rc.Close()
		return nil, nil
	}
	dbf.setDecoder(dec)
	dbf.closer = rc
	return dbf, nil
}

// readShpRecords reads the .shp record by record, with the .dbf record of
// the same number.
func readShpRecords(c *collector, f *zip.File, r *bufio.Reader, dbf *dbfReader, sys *crs.CRS, prefix string) error {
	head := make([]byte, shpHeaderBytes)
	if _, err := io.ReadFull(r, head); err != nil {
		c.fatalIn(f.Name, 0, RuleShapefile, "header: "+err.Error())
		return nil
	}
	h, err := parseShpHeader(head)
	if err != nil {
		c.fatalIn(f.Name, 0, RuleShapefile, err.Error())
		return nil
	}
	size := int64(f.UncompressedSize64)
	if h.length != size {
		c.note(fmt.Sprintf("%s: the header says %d bytes, the file has %d; records are read to the end of the file", f.Name, h.length, size))
	}
	var names []string
	var vals []any
	if dbf != nil {
		names, vals = dbf.names(), make([]any, len(dbf.fields))
	}
	plan := planTable(c, names)
	plan.prefix = prefix
	maxContent := maxShpContent(c.opt.Limits.MaxVertices)
	var buf []byte
	pos := int64(shpHeaderBytes)
	for rec := 1; pos < size; rec++ {
		var rh [8]byte
		if _, err := io.ReadFull(r, rh[:]); err != nil {
			c.fatalIn(f.Name, rec, RuleShapefile, fmt.Sprintf("record header at byte %d: %v", pos, err))
			return nil
		}
		num := int(binary.BigEndian.Uint32(rh[0:]))
		n := int64(binary.BigEndian.Uint32(rh[4:])) * 2
		pos += 8
		switch {
		case n > size-pos:
			c.fatalIn(f.Name, rec, RuleShapefile, fmt.Sprintf("record says %d bytes of content, only %d are left in the file (a truncated or corrupt .shp)", n, size-pos))
			return nil
		case n > maxContent:
			c.fatalIn(f.Name, rec, RuleTooLarge, fmt.Sprintf("a record of %s, more than %d vertices allow", byteSize(n), c.opt.Limits.MaxVertices))
			return nil
		case num != rec:
			c.note(fmt.Sprintf("%s: record %d is numbered %d; records are taken in file order", f.Name, rec, num))
		}
		if int64(cap(buf)) < n {
			buf = make([]byte, n)
		}
		buf = buf[:n]
		if _, err := io.ReadFull(r, buf); err != nil {
			return c.readFailed(fmt.Errorf("%s record %d: %w", f.Name, rec, err), 0)
		}
		pos += n
		g, zm, gpr := shpGeometry(buf, c.opt.Limits.MaxVertices)
		if zm {
			c.note(fmt.Sprintf("%s: %s shapes carry Z and/or M values; they were dropped (the engine is 2D)", f.Name, shpTypeNames[int32(binary.LittleEndian.Uint32(buf))]))
		}
		if dbf != nil {
			deleted, err := dbf.next(vals)
			if err != nil {
				c.fatalIn(strings.TrimSuffix(f.Name, path.Ext(f.Name))+".dbf", rec, RuleShapefile,
					fmt.Sprintf("the .dbf ends before record %d of the .shp (it says %d records): %v", rec, dbf.n, err))
				return nil
			}
			if deleted {
				c.skip("deleted")
				continue
			}
		}
		if c.full() {
			return nil
		}
		c.addRow(plan, f.Name, rec, vals, g, gpr, sys)
		c.progress(c.count(), c.total)
	}
	if dbf != nil && dbf.n > 0 {
		var one [1]byte
		if _, err := io.ReadFull(dbf.r, one[:]); err == nil && one[0] != 0x1A {
			c.fatalIn(f.Name, 0, RuleShapefile, fmt.Sprintf("the .dbf holds more records (%d) than the .shp", dbf.n))
		}
	}
	return nil
}
