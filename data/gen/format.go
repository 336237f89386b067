package gen

import "strconv"

// appendJSON appends p as one GeoJSON Feature line. The id is a JSON number
// so that vector-tile feature ids equal it.
func (p *parcel) appendJSON(b []byte, id int) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendInt(b, int64(id), 10)
	b = append(b, `,"properties":{"parcel_no":"`...)
	b = append(b, p.site.quoted[1:len(p.site.quoted)-1]...)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64((p.no-1)/parcelsPerSheet+1), 10)
	b = append(b, '-')
	b = strconv.AppendInt(b, int64((p.no-1)%parcelsPerSheet+1), 10)
	b = append(b, `","commune_code":`...)
	b = append(b, p.site.quoted...)
	b = append(b, `,"land_use":"`...)
	b = append(b, p.use.code...)
	b = append(b, `","area_m2":`...)
	b = appendFixed(b, p.tenthsM2, 1)
	b = append(b, `,"land_price":`...)
	b = strconv.AppendInt(b, p.price, 10)
	b = append(b, `,"owner_status":"`...)
	b = append(b, p.owner...)
	b = append(b, `"},"geometry":{"type":"Polygon","coordinates":[[`...)
	for i := 0; i <= Vertices; i++ {
		k := i % Vertices
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		b = appendFixed(b, p.x[k], 6)
		b = append(b, ',')
		b = appendFixed(b, p.y[k], 6)
		b = append(b, ']')
	}
	return append(b, "]]}}\n"...)
}

// parcelsPerSheet is how many parcels one cadastral map sheet (tờ bản đồ)
// numbers before the next sheet starts: parcel_no is
// "<commune>-<sheet>-<parcel>".
const parcelsPerSheet = 400

// appendFixed appends v·10⁻ᵈ (d ≤ 18) in shortest decimal form:
// 1067123400, 6 → 1067.1234; 250, 1 → 25.
func appendFixed(b []byte, v int64, d int) []byte {
	if v < 0 {
		b = append(b, '-')
		v = -v
	}
	pow := int64(1)
	for range d {
		pow *= 10
	}
	b = strconv.AppendInt(b, v/pow, 10)
	frac := v % pow
	if frac == 0 {
		return b
	}
	for frac%10 == 0 {
		frac /= 10
		d--
	}
	n := len(b) + 1 + d
	b = append(b, ".000000000000000000"[:1+d]...)
	for i := n - 1; frac > 0; i-- {
		b[i] = byte('0' + frac%10)
		frac /= 10
	}
	return b
}
