package hex_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"

	"bando/spatial"
	"bando/spatial/hex"
	"github.com/paulmach/orb"
)

// An H3 question as GET /api/h3 asks it: parse the URL parameters, bind
// the aggregate's field to the layer schema, and aggregate the features
// the query model selected.
func ExampleEngine_Aggregate() {
	q, _ := url.ParseQuery("res=7&agg=count,sum:power_w")
	p, err := hex.ParseParams(q.Get)
	if err != nil {
		fmt.Println(err) // an *hex.Error: a 400
		return
	}
	// The layer's schema and the access policy say where a field is and
	// whether this principal may aggregate it.
	lookup := func(field string) (index int, numeric, ok bool) {
		if field == "power_w" {
			return 0, true, true // its position in Feature.Props
		}
		return 0, false, false
	}
	if err := hex.Bind(p.Aggs, lookup); err != nil {
		fmt.Println(err) // unknown, restricted or non-numeric field: a 400
		return
	}
	req, err := p.Request()
	if err != nil {
		fmt.Println(err)
		return
	}
	lights := []*spatial.Feature{
		{ID: "1", Geom: orb.Point{106.7009, 10.7769}, Props: []any{int64(120)}},
		{ID: "2", Geom: orb.Point{106.7011, 10.7771}, Props: []any{int64(80)}},
		{ID: "3", Geom: orb.Point{106.6602, 10.7626}, Props: []any{nil}},
	}
	e := hex.NewEngine(hex.Config{})
	res, err := e.Aggregate(context.Background(), req, slices.Values(lights))
	if err != nil {
		fmt.Println(err) // *hex.Error (400), *hex.LimitError (422), context errors
		return
	}
	out, _ := json.Marshal(res)
	fmt.Println(string(out))
	// Output:
	// {"res":7,"cells":[{"h3":"8765b5662ffffff","count":2,"sum_power_w":200},{"h3":"8765b566effffff","count":1,"sum_power_w":0}]}
}

func ExampleParseParams_badRes() {
	q, _ := url.ParseQuery("res=16")
	_, err := hex.ParseParams(q.Get)
	fmt.Println(err)
	// Output: hex: res=16: resolution must be 0..15
}
