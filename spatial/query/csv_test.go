package query

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"bando/layers"
)

func TestWriteCSV(t *testing.T) {
	e := testEngine(t)
	res, err := run(t, e, layers.Anonymous, `{"layer":"houses","where":[{"radius":{"lon":1.5,"lat":0.5,"m":12000}}],"properties":["status","floors"]}`)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := res.WriteCSV(&b, true); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\xEF\xBB\xBF")) {
		t.Fatal("no byte order mark")
	}
	rows, err := csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != "id,distance_m,status,floors,wkt" || len(rows) != res.Matched+1 || !strings.HasPrefix(rows[1][4], "POINT(") {
		t.Fatalf("rows %v", rows)
	}
	res, err = run(t, e, layers.Anonymous, `{"layer":"units","group_by":["field:name"],"aggregate":[{"op":"count"},{"op":"area_m2"}]}`)
	if err != nil {
		t.Fatal(err)
	}
	b.Reset()
	if err := res.WriteCSV(&b, false); err != nil {
		t.Fatal(err)
	}
	rows, _ = csv.NewReader(bytes.NewReader(b.Bytes()[3:])).ReadAll()
	if len(rows) != 4 || strings.Join(rows[0], ",") != "name,count,area_m2" || !strings.Contains(b.String(), "Phường Bến Thành,1,") {
		t.Fatalf("groups %q", b.String())
	}
}
