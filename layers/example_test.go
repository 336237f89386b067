package layers_test

import (
	"fmt"

	"bando/layers"
)

func ExampleIndicator_Colour() {
	cat, err := layers.Parse([]byte(`
layers:
  - {id: communes, title: {vi: Xã, en: Communes}, kind: admin, geometry: Polygon, access: public,
     zoom: {min: 0, max: 16}, attribution: t}
  - {id: houses, title: {vi: Nhà, en: Houses}, kind: building, geometry: Point, access: public,
     zoom: {min: 0, max: 16}, attribution: t,
     fields: [{name: temporary_house, type: bool, sensitivity: restricted}]}
indicators:
  - id: temporary_house_share
    title: {vi: Tỷ lệ nhà tạm, en: Share of temporary houses}
    admin: communes
    numerator: {layer: houses, filter: {field: temporary_house, op: "=", value: true}, aggregate: {op: count}}
    denominator: {layer: houses, aggregate: {op: count}}
    scale: 100
    min_denominator: 20
    thresholds: {green: 2, yellow: 5}
    direction: lower
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	ind, _ := cat.Indicator("temporary_house_share")
	fmt.Printf("filter %s, access %s, target %v\n", ind.Numerator.Filter, ind.Access, ind.Target)
	for _, unit := range [][2]float64{{3, 200}, {6, 200}, {30, 200}, {1, 10}} {
		v, ok := ind.Value(unit[0], unit[1])
		if !ok {
			fmt.Printf("%v of %v: no value\n", unit[0], unit[1])
			continue
		}
		fmt.Printf("%v of %v: %.1f %% %s\n", unit[0], unit[1], v, ind.Colour(v))
	}
	// Output:
	// filter {"field":"temporary_house","op":"=","value":true}, access restricted, target 2
	// 3 of 200: 1.5 % green
	// 6 of 200: 3.0 % yellow
	// 30 of 200: 15.0 % red
	// 1 of 10: no value
}
