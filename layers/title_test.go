package layers

import (
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestTitleRefusesStrayKeys(t *testing.T) {
	tests := []struct {
		in, err string
		want    Title
	}{
		{`{vi: Nhà, en: Houses}`, "", Title{"Nhà", "Houses"}},
		{`{vi: "Công trình, nhà", en: Buildings}`, "", Title{"Công trình, nhà", "Buildings"}},
		{`{vi: Công trình, nhà, en: Buildings}`, `title key "nhà"`, Title{}},
		{`{en: Clinics per 10,000 people}`, `title key "000 people"`, Title{}},
	}
	for _, tt := range tests {
		var got Title
		err := yaml.Unmarshal([]byte(tt.in), &got)
		if tt.err == "" && (err != nil || got != tt.want) || tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)) {
			t.Errorf("%s: %+v, %v; want %+v, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}
