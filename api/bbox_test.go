package api

import (
	"net/url"
	"testing"
)

func FuzzParsePage(f *testing.F) {
	for _, s := range []string{"bbox=1,2,3,4", "bbox=170,-10,-170,10", "limit=5&offset=2", "bbox=1,2,3,4,5,6", "bbox=nan,1,2,3", "limit=0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		p, err := parsePage(QueryOf(v))
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error is not an API error: %v", err)
			}
			return
		}
		if p.limit < 1 || p.limit > maxLimit || p.offset < 0 {
			t.Fatalf("bad page %+v", p)
		}
		for _, b := range p.boxes {
			if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b.Min[1] < -90 || b.Max[1] > 90 {
				t.Fatalf("bad box %v from %q", b, q)
			}
		}
	})
}
