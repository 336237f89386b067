// Package viewer holds bando's web map: a MapLibre GL JS page built from
// viewer/web into viewer/dist and embedded in the binary, so that the map
// works with no network but the bando server itself.
//
// dist is committed; rebuild it with `cd viewer/web && npm ci && npm run build`.
package viewer

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Assets returns the viewer's files rooted at dist: index.html at the root,
// main.js, main.css, maplibre-gl-worker.js and fonts/{fontstack}/{range}.pbf.
func Assets() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		panic("viewer: " + err.Error()) // cannot happen: "dist" is a valid path
	}
	return sub
}
