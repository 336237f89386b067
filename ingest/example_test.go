package ingest_test

import (
	"errors"
	"fmt"
	"strings"

	"bando/ingest"
	"bando/layers"
)

func ExamplePrepare() {
	cat, err := layers.Parse([]byte(`
layers:
  - id: houses
    title: {vi: "Nhà ở", en: "Houses"}
    kind: building
    geometry: Polygon
    access: internal
    zoom: {min: 14, max: 20}
    attribution: "Sở Xây dựng"
    fields:
      - {name: address, type: string, required: true}
      - {name: floors, type: int, from: ["building:levels"]}
`))
	if err != nil {
		panic(err)
	}
	houses, _ := cat.Get("houses")
	in := `{"type":"Feature","id":1,"geometry":{"type":"Polygon","coordinates":[[[106.7,10.77],[106.7001,10.77],[106.7001,10.7701],[106.7,10.77]]]},"properties":{"address":"12 Lê Lợi","floors":3}}
{"type":"Feature","id":2,"geometry":{"type":"Polygon","coordinates":[[[106.7,10.77],[106.7001,10.7701],[106.7001,10.77],[106.7,10.7701],[106.7,10.77]]]},"properties":{"address":"14 Lê Lợi","building:levels":2}}
{"type":"Feature","id":3,"geometry":{"type":"Polygon","coordinates":[[[106.7,10.77],[106.7001,10.77],[106.7,10.77]]]},"properties":{"address":"16 Lê Lợi","floors":"ba"}}
`
	// By default one bad feature refuses the whole input.
	_, _, err = ingest.Prepare(houses, ingest.NDJSON, strings.NewReader(in), ingest.Options{})
	var e *ingest.Error
	if errors.As(err, &e) {
		for _, p := range e.Problems {
			fmt.Println(p.Error())
		}
	}

	// With Partial the valid features are kept and the rest reported.
	fs, rep, _ := ingest.Prepare(houses, ingest.NDJSON, strings.NewReader(in), ingest.Options{Partial: true})
	fmt.Printf("read %d, accepted %d\n", rep.Read, rep.Accepted)
	for _, r := range rep.Repaired {
		fmt.Printf("repaired feature %s: %s\n", r.ID, r.How)
	}
	fmt.Printf("feature %s is a %s with floors=%v\n", fs[1].ID, fs[1].Geom.GeoJSONType(), fs[1].Props[1])
	// Output:
	// feature 2 (line 3, id "3"): field "floors": type: want int, got string "ba"
	// feature 2 (line 3, id "3"): geometry: ring-too-short: shell has 3 positions, a ring needs at least 4 (3 corners and the closing position)
	// read 3, accepted 2
	// repaired feature 2: split the shell, which crosses itself at (106.70005 10.77005), into 2 polygons
	// feature 2 is a MultiPolygon with floors=2
}
