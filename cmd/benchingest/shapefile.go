package main

import (
	"archive/zip"
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"bando/data"
	"bando/data/gen"
)

// vn6960 is EPSG:6960 (VN-2000 → WGS 84, Decision 05/2007/QĐ-BTNMT) as a
// PROJ step; ogr2ogr is given it explicitly both ways, as bando pins it:
// left to itself, PROJ picks another VN-2000 shift in the south (about
// 80 cm away; see ingest's GDAL fixtures).
const vn6960 = "+proj=helmert +x=-191.90441429 +y=-39.30318279 +z=-111.45032835 +rx=-0.00928836 +ry=0.01975479 +rz=-0.00427372 +s=0.252906278 +convention=coordinate_frame"

// tm3 is VN-2000 / TM-3 105°45' (EPSG:9210) on the WGS 84 ellipsoid.
const tm3 = "+proj=tmerc +lat_0=0 +lon_0=105.75 +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84"

// toTM3 is a pipeline from GeoJSON (lon/lat, handed over by GDAL as
// lat/lon) to the TM-3 zone through EPSG:6960.
const toTM3 = "+proj=pipeline +step +proj=axisswap +order=2,1 +step +proj=unitconvert +xy_in=deg +xy_out=rad " +
	"+step +proj=push +v_3 +step +proj=cart +ellps=WGS84 +step +inv " + vn6960 +
	" +step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3 +step " + tm3

// fromTM3 is the inverse, to EPSG:4326 as ogr2ogr writes it (lat/lon).
const fromTM3 = "+proj=pipeline +step +inv " + tm3 + " +step +proj=push +v_3 +step +proj=cart +ellps=WGS84 +step " + vn6960 +
	" +step +inv +proj=cart +ellps=WGS84 +step +proj=pop +v_3 +step +proj=unitconvert +xy_in=rad +xy_out=deg +step +proj=axisswap +order=2,1"

// makeShapefile generates n parcels as GeoJSON text sequence, has ogr2ogr
// write them as a Shapefile in EPSG:9210 (UTF-8 DBF), and zips its members
// uncompressed (both loaders then read the same bytes, no inflate).
func makeShapefile(ctx context.Context, dir string, n int, seed int64) (string, error) {
	communes, err := gen.LoadCommunes(data.Demo())
	if err != nil {
		return "", err
	}
	// A FeatureCollection, not a GeoJSON text sequence: only the GeoJSON
	// driver takes DATE_AS_STRING, and without it GDAL reads parcel numbers
	// such as "25780-1-1" as dates.
	seq := filepath.Join(dir, "parcels.geojson")
	f, err := os.Create(seq)
	if err != nil {
		return "", err
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	bw.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	err = gen.Parcels(gen.Config{Seed: seed, N: n, Communes: communes}, &commaLines{w: bw})
	if err == nil {
		_, err = bw.WriteString("]}\n")
	}
	if err == nil {
		err = bw.Flush()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return "", fmt.Errorf("generate: %w", err)
	}
	ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		return "", fmt.Errorf("ogr2ogr (apt-get install gdal-bin): %w", err)
	}
	shp := filepath.Join(dir, "parcels.shp")
	cmd := exec.CommandContext(ctx, ogr, "-f", "ESRI Shapefile", "-t_srs", "EPSG:9210", "-ct", toTM3,
		"-lco", "ENCODING=UTF-8", "-oo", "DATE_AS_STRING=YES", "-nln", "parcels", shp, seq)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("ogr2ogr to Shapefile: %v: %.500s", err, out)
	}
	os.Remove(seq)
	zipPath := filepath.Join(dir, "parcels_tm3.zip")
	if err := zipMembers(zipPath, dir, "parcels", ".shp", ".shx", ".dbf", ".prj", ".cpg"); err != nil {
		return "", err
	}
	return zipPath, nil
}

// zipMembers stores base+ext of each ext in dir into a zip, uncompressed,
// and removes them.
func zipMembers(zipPath, dir, base string, exts ...string) error {
	out, err := os.Create(zipPath)
	if err != nil {
		return err
	}
	zw := zip.NewWriter(out)
	for _, ext := range exts {
		p := filepath.Join(dir, base+ext)
		in, err := os.Open(p)
		if err != nil {
			out.Close()
			return err
		}
		w, err := zw.CreateHeader(&zip.FileHeader{Name: base + ext, Method: zip.Store})
		if err == nil {
			_, err = io.Copy(w, in)
		}
		in.Close()
		os.Remove(p)
		if err != nil {
			out.Close()
			return fmt.Errorf("zip %s: %w", base+ext, err)
		}
	}
	if err := zw.Close(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// commaLines separates the lines written to it with commas: one Feature a
// line becomes the members of a features array.
type commaLines struct {
	w       *bufio.Writer
	started bool
}

func (c *commaLines) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '\n' {
			c.started = true
			continue
		}
		if c.started {
			c.w.WriteString(",\n")
			c.started = false
		}
		c.w.WriteByte(b)
	}
	return len(p), nil
}
