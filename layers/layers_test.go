package layers

import (
	"fmt"
	"slices"
	"strings"
	"testing"
)

const sample = `layers:
  - id: communes
    title: {vi: "Phường, xã", en: "Communes"}
    kind: admin
    geometry: Polygon
    access: public
    zoom: {min: 0, max: 16}
    update_interval: 720h
    attribution: test
    fields:
      - {name: name, type: string}
      - {name: budget, type: int, sensitivity: internal}
      - {name: poor, type: int, sensitivity: restricted}
  - id: parcels
    title: {vi: "Thửa đất", en: "Parcels"}
    kind: parcel
    geometry: Polygon
    access: internal
    zoom: {min: 12, max: 18}
    attribution: test
    fields: []
`

func TestAccessPolicy(t *testing.T) {
	cat, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	communes, _ := cat.Get("communes")
	parcels, _ := cat.Get("parcels")
	internal := Principal{Name: "planner", Clearance: Internal}
	restricted := Principal{Name: "ops", Clearance: Restricted}
	odd := Principal{Name: "odd", Clearance: "superuser"} // unknown clearance counts as public
	tests := []struct {
		p          Principal
		seesParcel bool
		fields     int
		layers     int
	}{
		{Anonymous, false, 1, 1},
		{odd, false, 1, 1},
		{internal, true, 2, 2},
		{restricted, true, 3, 2},
	}
	for _, tt := range tests {
		if got := CanSee(tt.p, parcels); got != tt.seesParcel {
			t.Errorf("%s sees parcels = %v", tt.p.Name, got)
		}
		if got := len(VisibleFields(tt.p, communes)); got != tt.fields {
			t.Errorf("%s sees %d commune fields, want %d", tt.p.Name, got, tt.fields)
		}
		if got := len(cat.Visible(tt.p)); got != tt.layers {
			t.Errorf("%s sees %d layers, want %d", tt.p.Name, got, tt.layers)
		}
	}
	if VisibleFields(Anonymous, parcels) != nil {
		t.Error("fields of an invisible layer are visible")
	}
	if communes.Update.Hours() != 720 {
		t.Errorf("update interval %v", communes.Update)
	}
}

func TestCatalogErrors(t *testing.T) {
	base := "layers:\n  - id: x\n    title: {vi: a, en: b}\n    kind: poi\n    geometry: Point\n    access: public\n    zoom: {min: 0, max: 10}\n    attribution: t\n"
	tests := []struct{ name, yaml, want string }{
		{"bad id", strings.Replace(base, "id: x", "id: X Y", 1), "layer id"},
		{"no title", strings.Replace(base, "title: {vi: a, en: b}", "title: {vi: a}", 1), "title"},
		{"bad geometry", strings.Replace(base, "Point", "Blob", 1), "geometry"},
		{"bad access", strings.Replace(base, "access: public", "access: secret", 1), "access"},
		{"bad zoom", strings.Replace(base, "max: 10", "max: 30", 1), "zoom"},
		{"no attribution", strings.Replace(base, "attribution: t", "attribution: \"\"", 1), "attribution"},
		{"bad field type", base + "    fields: [{name: a, type: blob}]\n", "type"},
		{"dup field", base + "    fields: [{name: a, type: int}, {name: a, type: int}]\n", "twice"},
		{"dup layer", base + strings.TrimPrefix(base, "layers:\n"), "twice"},
		{"not yaml", "layers: [", "parse"},
		{"required and expected", base + "    fields: [{name: a, type: int, required: true, expected: true}]\n", "required and expected"},
		{"negative interval", base + "    update_interval: -1h\n", "negative"},
		{"contact without department", base + "    steward: {department: \"\", contact: a@example.org}\n", "steward"},
		{"padded department", base + "    steward: {department: \" Sở Y tế\"}\n", "steward"},
		{"internal basemap", strings.Replace(base, "access: public", "access: internal", 1) + "    style: {basemap: true}\n", "basemap"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want mention of %q", err, tt.want)
			}
		})
	}
	for _, ok := range []string{base, base + "    style: {basemap: true}\n"} {
		if _, err := Parse([]byte(ok)); err != nil {
			t.Fatalf("%s: %v", ok, err)
		}
	}
}

func TestQualityDeclaration(t *testing.T) {
	cat, err := Parse([]byte(`layers:
  - id: x
    title: {vi: a, en: b}
    kind: parcel
    geometry: Polygon
    access: internal
    zoom: {min: 0, max: 10}
    update_interval: 24h
    steward: {department: Sở Nông nghiệp và Môi trường, contact: dat@example.org}
    attribution: t
    fields:
      - {name: no, type: string, required: true}
      - {name: use, type: string, expected: true}
      - {name: price, type: int, sensitivity: restricted, expected: true}
`))
	if err != nil {
		t.Fatal(err)
	}
	l, _ := cat.Get("x")
	if !slices.Equal(l.Expected(), []int{1, 2}) || l.Steward.Department != "Sở Nông nghiệp và Môi trường" ||
		l.Steward.Contact != "dat@example.org" || l.Update.Hours() != 24 {
		t.Fatalf("layer %+v", l)
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("layers: []"))
	f.Add([]byte("layers: [{id: a}]"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cat, err := Parse(b)
		if err != nil {
			return
		}
		for _, l := range cat.All() {
			if l.Validate() != nil || l.Zoom.Min > l.Zoom.Max {
				t.Fatalf("accepted an invalid layer %+v", l)
			}
			for i, fd := range l.Fields {
				if l.FieldIndex(fd.Name) != i || !fd.Sensitivity.valid() {
					t.Fatalf("field index broken for %q", fd.Name)
				}
			}
		}
	})
}

func TestWriteView(t *testing.T) {
	cat, err := Parse([]byte(sample))
	if err != nil {
		t.Fatal(err)
	}
	communes, _ := cat.Get("communes")
	parcels, _ := cat.Get("parcels")
	tests := []struct {
		p      Principal
		l      *Layer
		names  []string
		pos    []int
		itself bool // the view is the layer itself
	}{
		{Anonymous, communes, []string{"name"}, []int{0}, false},
		{Principal{Name: "planner", Clearance: Internal}, communes, []string{"name", "budget"}, []int{0, 1}, false},
		{Principal{Name: "ops", Clearance: Restricted}, communes, []string{"name", "budget", "poor"}, nil, true},
		{Principal{Name: "planner", Clearance: Internal}, parcels, nil, nil, true},
	}
	for _, tt := range tests {
		v, pos := WriteView(tt.p, tt.l)
		if (v == tt.l) != tt.itself {
			t.Errorf("%s/%s: view is the layer itself = %v", tt.p.Name, tt.l.ID, v == tt.l)
		}
		var names []string
		for i, f := range v.Fields {
			names = append(names, f.Name)
			if v.FieldIndex(f.Name) != i {
				t.Errorf("%s/%s: FieldIndex(%q) = %d, want %d", tt.p.Name, tt.l.ID, f.Name, v.FieldIndex(f.Name), i)
			}
		}
		if strings.Join(names, ",") != strings.Join(tt.names, ",") || fmt.Sprint(pos) != fmt.Sprint(tt.pos) {
			t.Errorf("%s/%s: fields %v pos %v, want %v %v", tt.p.Name, tt.l.ID, names, pos, tt.names, tt.pos)
		}
		for _, hidden := range []string{"budget", "poor"} {
			if !slices.Contains(tt.names, hidden) && v.FieldIndex(hidden) != -1 {
				t.Errorf("%s/%s: the view finds the hidden field %q", tt.p.Name, tt.l.ID, hidden)
			}
		}
	}
	if len(communes.Fields) != 3 || communes.FieldIndex("poor") != 2 {
		t.Error("WriteView changed the layer")
	}
	internalOnly := &Layer{Access: Internal, Fields: []Field{{Name: "a", Sensitivity: Internal}}}
	withRestricted := &Layer{Access: Internal, Fields: []Field{{Name: "a", Sensitivity: Internal}, {Name: "b", Sensitivity: Restricted}}}
	for _, tt := range []struct {
		l    *Layer
		want bool
	}{{communes, true}, {parcels, false}, {internalOnly, false}, {withRestricted, true}} {
		if got := HasHiddenFields(tt.l); got != tt.want {
			t.Errorf("HasHiddenFields(%+v) = %v", tt.l.Fields, got)
		}
	}
}
