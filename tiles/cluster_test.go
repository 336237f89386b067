package tiles

import (
	"testing"

	"bando/layers"
	"bando/spatial"
)

// TestClusters renders 500 points at z10–12 with clusters below z13 (16
// cells a side) and checks, against the points themselves: every point of
// the tile is counted once (in a cluster's point_count or as itself),
// sum_beds adds up the beds of a cluster's points, clusters have bit 52
// set and the same ids on every render, lone points keep their id and
// properties, and from z13 there are no clusters.
func TestClusters(t *testing.T) {
	pts := scatter(500, hue, 10)
	beds := map[uint64]int64{}
	for _, f := range pts {
		beds[f.Num] = f.Props[1].(int64)
	}
	g := layers.Generalize{Cluster: &layers.Cluster{Below: 13, Cells: 16, Sum: "beds"}}
	cat := genCatalog(t, layers.Generalize{}, layers.Generalize{}, g)
	render := func(p layers.Principal, c Coord) dTile {
		s := testServer(t, Config{Catalog: cat, CacheBytes: -1}, map[string][]*spatial.Feature{"point": pts})
		return mustTile(t, s, p, []string{"point"}, c)
	}
	for _, z := range []int{10, 11, 12, 13, 16} {
		c := CoordOf(hue, z)
		inTile := 0
		for _, f := range pts {
			if CoordOf(f.Geom.Bound().Center(), z) == c {
				inTile++
			}
		}
		d := render(restricted, c)
		counted, clusters, ids := 0, 0, map[uint64]bool{}
		for _, f := range d.Layers[0].Features {
			if ids[f.ID] {
				t.Errorf("z%d: id %d twice", z, f.ID)
			}
			ids[f.ID] = true
			if f.ID&(1<<52) == 0 {
				if _, ok := beds[f.ID]; !ok || f.Props["beds"] != beds[f.ID] {
					t.Errorf("z%d: lone point %d with beds %v", z, f.ID, f.Props["beds"])
				}
				counted++
				continue
			}
			clusters++
			n, _ := f.Props["point_count"].(int64)
			sum, _ := f.Props["sum_beds"].(int64)
			if n < 2 || f.Props["cluster"] != true || sum < n || f.Type != 1 {
				t.Errorf("z%d: cluster %#x: %v", z, f.ID, f.Props)
			}
			counted += int(n)
		}
		if z >= 13 {
			if clusters != 0 {
				t.Errorf("z%d: %d clusters at a zoom that shows every point", z, clusters)
			}
			continue
		}
		if counted != inTile || z == 10 && clusters == 0 {
			t.Errorf("z%d: %d points counted in %d clusters, %d in the tile", z, counted, clusters, inTile)
		}
		// The same ids at every render (a new server, a new index).
		again := render(restricted, c)
		for i, f := range again.Layers[0].Features {
			if f.ID != d.Layers[0].Features[i].ID {
				t.Fatalf("z%d: ids differ between renders", z)
			}
		}
	}
}

// TestClusterSumFollowsAccess sums a restricted field: only a principal
// who may see it gets sum_secret.
func TestClusterSumFollowsAccess(t *testing.T) {
	pts := scatter(200, hue, 10)
	g := layers.Generalize{Cluster: &layers.Cluster{Below: 13, Sum: "secret"}}
	cat := genCatalog(t, layers.Generalize{}, layers.Generalize{}, g)
	s := testServer(t, Config{Catalog: cat}, map[string][]*spatial.Feature{"point": pts})
	for _, tt := range []struct {
		p    layers.Principal
		want bool
	}{{layers.Anonymous, false}, {restricted, true}} {
		d := mustTile(t, s, tt.p, []string{"point"}, CoordOf(hue, 10))
		sums := 0
		for _, f := range d.Layers[0].Features {
			if v, ok := f.Props["sum_secret"]; ok {
				sums++
				if n := f.Props["point_count"].(int64); v != 100*n {
					t.Errorf("sum_secret %v for %d points of 100", v, n)
				}
			}
		}
		if (sums > 0) != tt.want {
			t.Errorf("%s: %d clusters carry sum_secret, want any: %v", tt.p.Clearance, sums, tt.want)
		}
	}
}
