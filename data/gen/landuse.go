package gen

// landUse is one land-use class of the Vietnamese cadastre (its "ký hiệu
// loại đất" code) with the generator's size and price model.
type landUse struct {
	code     string
	rMin     float64 // parcel radius range, metres
	rMax     float64
	price    float64 // VND/m² at the city centre
	business bool    // held by organisations rather than households
}

// Land-use classes. Prices fall with distance from the centre.
var landUses = [...]landUse{
	{code: "ODT", rMin: 6, rMax: 14, price: 200e6},                  // urban residential
	{code: "ONT", rMin: 10, rMax: 22, price: 60e6},                  // rural residential
	{code: "CLN", rMin: 18, rMax: 40, price: 15e6},                  // perennial crops
	{code: "LUC", rMin: 20, rMax: 50, price: 8e6},                   // wet rice
	{code: "SKC", rMin: 25, rMax: 60, price: 30e6, business: true},  // industrial / production
	{code: "TMD", rMin: 10, rMax: 30, price: 250e6, business: true}, // trade and services
}

// mixFor gives, per commune type, the percentage of each land-use class in
// landUses order.
func mixFor(communeType string) [len(landUses)]int {
	switch communeType {
	case "Phường": // ward: mostly urban
		return [...]int{60, 0, 8, 4, 10, 18}
	case "Xã": // rural commune
		return [...]int{5, 45, 22, 20, 5, 3}
	case "Đặc khu": // special zone (Côn Đảo)
		return [...]int{20, 25, 30, 5, 5, 15}
	}
	return [...]int{30, 20, 20, 10, 10, 10}
}

// Owner status of household parcels, in per mille: personal data, which is
// why the field is restricted.
const (
	ownerPoor     = "ho_ngheo"     // poor household
	ownerNearPoor = "ho_can_ngheo" // near-poor household
	ownerOrdinary = "binh_thuong"  // ordinary household
	ownerOrg      = "to_chuc"      // organisation (business land)
	poorPerMille  = 30
	nearPerMille  = 40
)

// centre is the reference point of the price model (Bến Thành, Phường Sài Gòn)
// and priceHalfKm the distance at which prices have halved.
const (
	centreLon   = 106.698
	centreLat   = 10.772
	priceHalfKm = 4.0
)

// cumulative turns a mix into cumulative percentages.
func cumulative(mix [len(landUses)]int) [len(landUses)]int {
	var c [len(landUses)]int
	sum := 0
	for i, v := range mix {
		sum += v
		c[i] = sum
	}
	return c
}
