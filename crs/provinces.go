package crs

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// TM3Province is a province's VN-2000 TM-3 zone.
type TM3Province struct {
	Code     string  // 2025 province code ("48"); "" for a pre-2025 province
	Name     string  // "Đà Nẵng"
	Meridian float64 // central meridian, degrees
	// Was lists the pre-2025 provinces merged into a 2025 one (itself
	// included when it kept its name) with their own meridians: data made
	// before the reform stays in the zone of the province it was made for.
	Was []TM3Province
}

// m is degrees and minutes.
func m(d, min int) float64 { return float64(d) + float64(min)/60 }

// pre2025 are the central meridians of the 63 provinces of Appendix 1 of
// Circular 973/2001/TT-TCĐC (General Department of Land Administration,
// 20 June 2001, "hướng dẫn áp dụng hệ quy chiếu và hệ tọa độ quốc gia
// VN-2000"), with Hà Tây (merged into Hà Nội in 2008) and the 2004 split
// of Lai Châu into Lai Châu and Điện Biên, of Đắk Lắk into Đắk Lắk and Đắk
// Nông, and of Cần Thơ into Cần Thơ and Hậu Giang, each keeping the
// meridian of its parent. Transcribed from the appendix as it is
// reproduced in the circular's published text, and checked value by value
// (TestMeridiansAgainstEPSG) against the EPSG dataset as PROJ ships it
// (proj.db of Debian's proj-data 9.1): each "VN-2000 / TM-3 …" CRS there
// (EPSG:9205–9218, 5899, and 5897/5898 for 105°00' and 108°00') names in
// its area of use the provinces whose zone it is; all 64 agree.
// ../shared/data holds no meridian table to check against.
var pre2025 = map[string]float64{
	"Lai Châu": m(103, 0), "Điện Biên": m(103, 0), "Sơn La": m(104, 0),
	"Lào Cai": m(104, 45), "Yên Bái": m(104, 45), "Hà Giang": m(105, 30),
	"Tuyên Quang": m(106, 0), "Phú Thọ": m(104, 45), "Vĩnh Phúc": m(105, 0),
	"Cao Bằng": m(105, 45), "Lạng Sơn": m(107, 15), "Bắc Kạn": m(106, 30),
	"Thái Nguyên": m(106, 30), "Quảng Ninh": m(107, 45), "Bắc Giang": m(107, 0),
	"Bắc Ninh": m(105, 30), "Hà Nội": m(105, 0), "Hà Tây": m(105, 0),
	"Hải Dương": m(105, 30), "Hải Phòng": m(105, 45), "Hưng Yên": m(105, 30),
	"Thái Bình": m(105, 30), "Hà Nam": m(105, 0), "Nam Định": m(105, 30),
	"Ninh Bình": m(105, 0), "Hòa Bình": m(106, 0), "Thanh Hóa": m(105, 0),
	"Nghệ An": m(104, 45), "Hà Tĩnh": m(105, 30), "Quảng Bình": m(106, 0),
	"Quảng Trị": m(106, 15), "Thừa Thiên Huế": m(107, 0), "Đà Nẵng": m(107, 45),
	"Quảng Nam": m(107, 45), "Quảng Ngãi": m(108, 0), "Bình Định": m(108, 15),
	"Kon Tum": m(107, 30), "Gia Lai": m(108, 30), "Đắk Lắk": m(108, 30),
	"Đắk Nông": m(108, 30), "Phú Yên": m(108, 30), "Khánh Hòa": m(108, 15),
	"Ninh Thuận": m(108, 15), "Bình Thuận": m(108, 30), "Lâm Đồng": m(107, 45),
	"Bình Dương": m(105, 45), "Bình Phước": m(106, 15), "Đồng Nai": m(107, 45),
	"Bà Rịa - Vũng Tàu": m(107, 45), "Tây Ninh": m(105, 30), "Long An": m(105, 45),
	"Tiền Giang": m(105, 45), "Bến Tre": m(105, 45), "Đồng Tháp": m(105, 0),
	"Vĩnh Long": m(105, 30), "Trà Vinh": m(105, 30), "An Giang": m(104, 45),
	"Kiên Giang": m(104, 30), "Cần Thơ": m(105, 0), "Hậu Giang": m(105, 0),
	"Sóc Trăng": m(105, 30), "Bạc Liêu": m(105, 0), "Cà Mau": m(104, 30),
	"Hồ Chí Minh": m(105, 45),
}

// provinces2025 are the 34 provinces and cities of Resolution
// 202/2025/QH15 (in force 1 July 2025) with the pre-2025 provinces merged
// into each; the first listed is the one whose code the new province keeps
// (its administrative centre), and the new province takes its meridian. No
// circular has yet set meridians for the merged provinces (and EPSG has no
// zones for them), so this is a convention of bando, stated in the README:
// data made in another part of a merged province names that part
// (VN2000:Quảng Nam) or its meridian. Codes, the provinces merged and the
// one whose code each keeps are checked (TestProvinces2025AgainstCrosswalk)
// against the province level of the dvhcvn/20250701 crosswalk
// (../shared/data/admin/dvhcvn_20250701_merges.json, copied to
// data/admin/provinces_2025_crosswalk.csv): all 34 agree.
var provinces2025 = []struct {
	code, name string
	was        []string
}{
	{"01", "Hà Nội", []string{"Hà Nội"}},
	{"04", "Cao Bằng", []string{"Cao Bằng"}},
	{"08", "Tuyên Quang", []string{"Tuyên Quang", "Hà Giang"}},
	{"11", "Điện Biên", []string{"Điện Biên"}},
	{"12", "Lai Châu", []string{"Lai Châu"}},
	{"14", "Sơn La", []string{"Sơn La"}},
	{"15", "Lào Cai", []string{"Yên Bái", "Lào Cai"}},
	{"19", "Thái Nguyên", []string{"Thái Nguyên", "Bắc Kạn"}},
	{"20", "Lạng Sơn", []string{"Lạng Sơn"}},
	{"22", "Quảng Ninh", []string{"Quảng Ninh"}},
	{"24", "Bắc Ninh", []string{"Bắc Giang", "Bắc Ninh"}},
	{"25", "Phú Thọ", []string{"Phú Thọ", "Vĩnh Phúc", "Hòa Bình"}},
	{"31", "Hải Phòng", []string{"Hải Phòng", "Hải Dương"}},
	{"33", "Hưng Yên", []string{"Hưng Yên", "Thái Bình"}},
	{"37", "Ninh Bình", []string{"Ninh Bình", "Hà Nam", "Nam Định"}},
	{"38", "Thanh Hóa", []string{"Thanh Hóa"}},
	{"40", "Nghệ An", []string{"Nghệ An"}},
	{"42", "Hà Tĩnh", []string{"Hà Tĩnh"}},
	{"44", "Quảng Trị", []string{"Quảng Bình", "Quảng Trị"}},
	{"46", "Huế", []string{"Thừa Thiên Huế"}},
	{"48", "Đà Nẵng", []string{"Đà Nẵng", "Quảng Nam"}},
	{"51", "Quảng Ngãi", []string{"Quảng Ngãi", "Kon Tum"}},
	{"52", "Gia Lai", []string{"Bình Định", "Gia Lai"}},
	{"56", "Khánh Hòa", []string{"Khánh Hòa", "Ninh Thuận"}},
	{"66", "Đắk Lắk", []string{"Đắk Lắk", "Phú Yên"}},
	{"68", "Lâm Đồng", []string{"Lâm Đồng", "Đắk Nông", "Bình Thuận"}},
	{"75", "Đồng Nai", []string{"Đồng Nai", "Bình Phước"}},
	{"79", "Hồ Chí Minh", []string{"Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"}},
	{"80", "Tây Ninh", []string{"Long An", "Tây Ninh"}},
	{"82", "Đồng Tháp", []string{"Tiền Giang", "Đồng Tháp"}},
	{"86", "Vĩnh Long", []string{"Vĩnh Long", "Bến Tre", "Trà Vinh"}},
	{"91", "An Giang", []string{"Kiên Giang", "An Giang"}},
	{"92", "Cần Thơ", []string{"Cần Thơ", "Sóc Trăng", "Hậu Giang"}},
	{"96", "Cà Mau", []string{"Cà Mau", "Bạc Liêu"}},
}

// Provinces2025 returns the TM-3 zones of the 34 provinces of 2025.
func Provinces2025() []TM3Province {
	out := make([]TM3Province, 0, len(provinces2025))
	for _, p := range provinces2025 {
		tp := TM3Province{Code: p.code, Name: p.name, Meridian: pre2025[p.was[0]]}
		for _, w := range p.was {
			tp.Was = append(tp.Was, TM3Province{Name: w, Meridian: pre2025[w]})
		}
		out = append(out, tp)
	}
	return out
}

// Province finds a province's TM-3 zone by its 2025 code or name, or by the
// name of a pre-2025 province (which wins: "Quảng Nam" is its own zone,
// not Đà Nẵng's). Names match without case, diacritics, spaces or dashes,
// and a leading "Tỉnh", "Thành phố" or "TP".
func Province(name string) (TM3Province, bool) {
	key := foldName(name)
	for old, mer := range pre2025 {
		if foldName(old) == key {
			return TM3Province{Name: old, Meridian: mer}, true
		}
	}
	for _, p := range Provinces2025() {
		if p.Code == strings.TrimSpace(name) || foldName(p.Name) == key {
			return p, true
		}
	}
	if key == "thuathienhue" {
		return Province("Huế")
	}
	return TM3Province{}, false
}

// foldName folds a name (plainFold) and drops an administrative prefix
// when what remains is a province: "Thành phố Đà Nẵng" is "danang", and
// "Tây Ninh" keeps its first letters.
func foldName(s string) string {
	k := plainFold(s)
	for _, p := range []string{"thanhpho", "tinh", "tp"} {
		if rest, ok := strings.CutPrefix(k, p); ok && knownFold(rest) {
			return rest
		}
	}
	return k
}

func knownFold(k string) bool {
	for old := range pre2025 {
		if plainFold(old) == k {
			return true
		}
	}
	for _, p := range provinces2025 {
		if plainFold(p.name) == k {
			return true
		}
	}
	return false
}

// plainFold lowercases, strips diacritics (đ as d) and drops everything but
// letters and digits.
func plainFold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		switch {
		case r == 'đ':
			b.WriteByte('d')
		case unicode.Is(unicode.Mn, r):
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}
