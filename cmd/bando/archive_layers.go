package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"bando/layers"
	"bando/tiles"
	"bando/tiles/archive"
)

// openArchives opens the archive of every catalog layer that declares one
// (`archive: file.pmtiles`), for tiles.Config.Archives. The returned func
// closes them. An archive exported for a higher clearance than the layer's
// access class is refused: it would show what that clearance sees to
// principals below it.
func openArchives(cat *layers.Catalog, log *slog.Logger) (map[string]tiles.Archive, func(), error) {
	out := map[string]tiles.Archive{}
	var open []archive.Reader
	closeAll := func() {
		for _, r := range open {
			_ = r.Close()
		}
	}
	for _, l := range cat.All() {
		if l.Archive == "" {
			continue
		}
		r, err := archive.Open(l.Archive)
		if err != nil {
			closeAll()
			return nil, nil, fmt.Errorf("layer %s: %w", l.ID, err)
		}
		open = append(open, r)
		m := r.Metadata()
		if err := archiveClearance(l, m.Clearance); err != nil {
			closeAll()
			return nil, nil, err
		}
		if m.Clearance == "" {
			log.Warn("archive layer has no bando:clearance (not written by bando export): its access class alone guards it",
				"layer", l.ID, "archive", l.Archive)
		}
		out[l.ID] = newArchiveLayer(r)
		log.Info("archive layer", "layer", l.ID, "archive", l.Archive, "zoom", fmt.Sprintf("%d-%d", m.MinZoom, m.MaxZoom))
	}
	return out, closeAll, nil
}

// archiveClearance checks that everyone the layer's access class admits
// may see what the archive was rendered for.
func archiveClearance(l *layers.Layer, exported string) error {
	if exported == "" {
		return nil
	}
	c := layers.Access(exported)
	if c != layers.Public && c != layers.Internal && c != layers.Restricted {
		return fmt.Errorf("layer %s: archive %s: unknown bando:clearance %q", l.ID, l.Archive, exported)
	}
	lowest := layers.Principal{Name: "lowest-admitted", Clearance: l.Access}
	if !layers.CanSee(lowest, &layers.Layer{Access: c}) {
		return fmt.Errorf("layer %s: archive %s was exported for %s clearance but the layer's access is %s, "+
			"which would show it to principals below %s: declare access: %s, or export with --clearance %s",
			l.ID, l.Archive, c, l.Access, c, c, l.Access)
	}
	return nil
}

// archiveLayer adapts an archive reader to tiles.Archive.
type archiveLayer struct {
	r    archive.Reader
	info tiles.ArchiveInfo
}

func newArchiveLayer(r archive.Reader) archiveLayer {
	m := r.Metadata()
	info := tiles.ArchiveInfo{MinZoom: m.MinZoom, MaxZoom: m.MaxZoom, Bounds: m.Bounds, Center: m.Center,
		Attribution: m.Attribution}
	for _, v := range m.VectorLayers {
		info.VectorLayers = append(info.VectorLayers, tiles.VectorLayer(v))
	}
	return archiveLayer{r: r, info: info}
}

func (a archiveLayer) ReadTile(ctx context.Context, z, x, y int) ([]byte, []byte, error) {
	if z < 0 || z > 31 || x < 0 || y < 0 {
		return nil, nil, errors.New("archive: tile outside the grid")
	}
	b, err := a.r.Tile(ctx, uint8(z), uint32(x), uint32(y))
	if err != nil || len(b) == 0 {
		return nil, nil, err
	}
	return archive.Decode(b)
}

func (a archiveLayer) Info() tiles.ArchiveInfo { return a.info }
