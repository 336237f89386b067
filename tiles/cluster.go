package tiles

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"bando/layers"
	"bando/spatial"
)

// Clusters stand in for the points of a layer at the zooms the catalog
// says (generalize.cluster): the points whose position lies in a tile are
// grouped by the cell of a cells × cells grid they fall in. A cell with one
// point shows that point, as at any other zoom; a cell with more shows one
// point at their mean position with
//
//   - "point_count": how many points it stands for;
//   - "sum_<field>": the sum of the declared field over them (when the
//     principal may see the field; nulls count as nothing);
//   - "cluster": true.
//
// A cluster's id is its cell's (cellID): bit 52 set, so it never equals a
// feature's, and the same at every render of the tile. A point counts in
// the one tile of a zoom that holds it, so a write changes only the tiles
// its bounds meet.

// clusterMember is one point of the tile: its cell, place and number.
type clusterMember struct {
	cell int32
	ref  uint32
	num  uint64
	at   orb.Point // tile units
}

// clusterFields are the properties of a cluster besides sum_<field>.
var clusterFields = []string{"point_count", "cluster"}

// renderClusters writes the clusters and lone points of tile c into e.
func (r *renderer) renderClusters(ctx context.Context, lv spatial.LayerView, req layerRequest, c Coord, o tileOptions, plan *genPlan, e layerSink) error {
	g := newCellGrid(c, plan.rule.Cells, o.extent)
	defer gridPool.Put(g)
	var members []clusterMember
	var err error
	lv.ScanBound(c.Bound(), func(v spatial.FeatureView, b orb.Bound) bool {
		if len(members)%(checkEvery*16) == 0 {
			if err = ctx.Err(); err != nil {
				return false
			}
		}
		p := b.Center()
		i, j, ok := g.cell(p[0], p[1])
		if ok {
			members = append(members, clusterMember{cell: int32(j*g.cells + i), ref: v.Ref(), num: v.Num(), at: r.proj.point(p)})
		}
		return true
	})
	if err != nil {
		return err
	}
	slices.SortFunc(members, func(a, b clusterMember) int {
		if n := cmp.Compare(a.cell, b.cell); n != 0 {
			return n
		}
		return cmp.Compare(a.num, b.num)
	})
	sum := -1
	if plan.sumVisible {
		sum = plan.rule.Sum
	}
	// Lone points first, in number order, then clusters in cell order: ids
	// ascend through the layer, as the renderer's do elsewhere (MLT's id
	// column is delta-coded, and decoders mishandle large negative deltas).
	var lone []clusterMember
	for start, end := 0, 0; start < len(members); start = end {
		if end = groupEnd(members, start); end-start == 1 {
			lone = append(lone, members[start])
		}
	}
	slices.SortFunc(lone, func(a, b clusterMember) int { return cmp.Compare(a.num, b.num) })
	for _, m := range lone {
		r.lonePoint(lv, req, m, plan, e)
	}
	for start, end := 0, 0; start < len(members); start = end {
		if end = groupEnd(members, start); end-start > 1 {
			r.cluster(lv, req.layer, c, g, members[start:end], sum, plan, e)
		}
	}
	return nil
}

// groupEnd returns the end of the run of members in the cell of ms[start].
func groupEnd(ms []clusterMember, start int) int {
	end := start + 1
	for end < len(ms) && ms[end].cell == ms[start].cell {
		end++
	}
	return end
}

// lonePoint writes a cell's only point as itself.
func (r *renderer) lonePoint(lv spatial.LayerView, req layerRequest, m clusterMember, plan *genPlan, e layerSink) {
	if plan.drop != nil && plan.drop[m.num] {
		return
	}
	v := lv.View(m.ref)
	gs := r.render(v)
	if len(gs) == 0 {
		return
	}
	r.props = r.featureProps(v, req.fields, req.layer.Fields)
	for _, tg := range gs {
		e.addTagged(v.Num(), r.props, tg)
	}
}

// cluster writes one cluster of the members of a cell.
func (r *renderer) cluster(lv spatial.LayerView, l *layers.Layer, c Coord, g *cellGrid, ms []clusterMember, sum int, plan *genPlan, e layerSink) {
	cell := int(ms[0].cell)
	id := cellID(c, g.cells, cell%g.cells, cell/g.cells)
	if plan.drop != nil && plan.drop[id] {
		return
	}
	var x, y float64
	var isum int64
	var fsum float64
	for _, m := range ms {
		x, y = x+m.at[0], y+m.at[1]
		if sum >= 0 {
			v := lv.View(m.ref).Prop(sum)
			switch v.Kind() {
			case spatial.PropInt:
				isum += v.Int()
			case spatial.PropFloat:
				fsum += v.Float()
			}
		}
	}
	n := float64(len(ms))
	at := r.quantize(orb.Point{x / n, y / n})
	props := append(r.props[:0],
		tag{key: "point_count", value: valueKey{kind: 'i', n: uint64(len(ms))}},
		tag{key: "cluster", value: valueKey{kind: 'b', n: 1}})
	if sum >= 0 {
		f := l.Fields[sum]
		var vk valueKey
		if f.Type == layers.TypeInt {
			vk = valueKey{kind: 'i', n: uint64(isum)}
		} else {
			vk = valueKey{kind: 'f', n: math.Float64bits(fsum)}
		}
		props = append(props, tag{key: "sum_" + f.Name, value: vk})
	}
	r.props = props
	r.pointPart[0] = append(r.grid[:0], at)
	r.grid = r.pointPart[0]
	e.addTagged(id, props, tileGeom{typ: geomPoint, parts: r.pointPart[:]})
}
