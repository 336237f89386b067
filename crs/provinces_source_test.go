package crs

import (
	"bytes"
	"database/sql"
	"encoding/csv"
	"math"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	_ "modernc.org/sqlite"

	"bando/data"
	"bando/internal/testenv"
)

// TestProvinces2025AgainstCrosswalk checks the 34 provinces of 2025 — code,
// the pre-2025 provinces merged into each, and which of them the new one
// takes its code (and so its meridian) from — against the province level
// of the dvhcvn/20250701 crosswalk (data/admin/provinces_2025_crosswalk.csv,
// from ../shared/data/admin/dvhcvn_20250701_merges.json).
func TestProvinces2025AgainstCrosswalk(t *testing.T) {
	b, err := data.ProvinceCrosswalk()
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	// The crosswalk names Thừa Thiên Huế by its name of January 2025.
	fold := func(s string) string {
		if k := foldName(s); k != "hue" {
			return k
		}
		return "thuathienhue"
	}
	was := map[string][]string{} // new code → old province names
	keeps := map[string]string{} // new code → the old province whose code it keeps
	for _, r := range recs[1:] {
		was[r[1]] = append(was[r[1]], fold(r[3]))
		if r[0] == r[1] {
			keeps[r[1]] = fold(r[3])
		}
	}
	ps := Provinces2025()
	if len(ps) != 34 || len(was) != 34 {
		t.Fatalf("%d provinces, the crosswalk has %d; want 34", len(ps), len(was))
	}
	for _, p := range ps {
		var ours []string
		for _, w := range p.Was {
			ours = append(ours, fold(w.Name))
		}
		want := slices.Clone(was[p.Code])
		slices.Sort(want)
		if got := slices.Sorted(slices.Values(ours)); !slices.Equal(got, want) {
			t.Errorf("%s %s: merged from %v, the crosswalk says %v", p.Code, p.Name, got, want)
		}
		if ours[0] != keeps[p.Code] {
			t.Errorf("%s %s: takes its meridian from %s, but keeps the code of %s", p.Code, p.Name, ours[0], keeps[p.Code])
		}
	}
}

// TestMeridiansAgainstEPSG checks every pre-2025 province's meridian
// against the EPSG dataset as PROJ ships it (proj.db, Debian's proj-data):
// each VN-2000 / TM-3 projected CRS names, in its area of use, the
// provinces whose zone it is ("Vietnam - Binh Phuoc and Quang Tri
// provinces."), and gives its central meridian.
func TestMeridiansAgainstEPSG(t *testing.T) {
	path := os.Getenv("PROJ_DATA") + "/proj.db"
	if _, err := os.Stat(path); err != nil {
		path = "/usr/share/proj/proj.db"
	}
	if _, err := os.Stat(path); err != nil {
		testenv.Missing(t, "PROJ's proj.db (apt-get install proj-data)")
	}
	db, err := sql.Open("sqlite", "file:"+path+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rows, err := db.Query(`SELECT pc.code, e.description, c.param2_value, c.param2_uom_code
		FROM projected_crs pc
		JOIN usage u ON u.object_table_name = 'projected_crs' AND u.object_auth_name = pc.auth_name AND u.object_code = pc.code
		JOIN extent e ON e.auth_name = u.extent_auth_name AND e.code = u.extent_code
		JOIN conversion_table c ON c.auth_name = pc.conversion_auth_name AND c.code = pc.conversion_code
		WHERE pc.auth_name = 'EPSG' AND pc.name LIKE 'VN-2000 / TM-3%' AND e.description LIKE '%province%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	split := regexp.MustCompile(`;|,| and `)
	kinds := regexp.MustCompile(`\b(provinces?|cities|city|municipality)\b`)
	epsg := map[string][]float64{} // folded province name → meridians of the zones naming it
	for rows.Next() {
		var code int
		var desc, uom string
		var v float64
		if err := rows.Scan(&code, &desc, &v, &uom); err != nil {
			t.Fatal(err)
		}
		mer := v
		if uom == "9110" { // sexagesimal DDD.MM
			d := math.Trunc(v)
			mer = d + math.Round((v-d)*100)/60
		}
		_, body, _ := strings.Cut(strings.TrimSuffix(desc, "."), " - ")
		for _, part := range split.Split(body, -1) {
			if name := strings.TrimSpace(kinds.ReplaceAllString(part, "")); name != "" {
				epsg[plainFold(name)] = append(epsg[plainFold(name)], mer)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for name, mer := range pre2025 {
		got, ok := epsg[plainFold(name)]
		switch {
		case !ok:
			t.Errorf("%s: no VN-2000 / TM-3 zone of EPSG names it", name)
		case !slices.ContainsFunc(got, func(m float64) bool { return math.Abs(m-mer) < 1e-9 }):
			t.Errorf("%s: meridian %.4f°, EPSG's zone says %v", name, mer, got)
		}
	}
}
