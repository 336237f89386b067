package twin

import (
	"runtime"
	"sync"

	"bando/ingest/feeds"
	"bando/spatial"

	"github.com/paulmach/orb"
)

// spot is what the static layers say about a position: distance to the
// nearest port, the geofence zones and permitted zones holding it. These
// lookups read only the index, never the twin's state, so they run before
// the twin's mutex is taken, in parallel for a large batch and alongside
// other feeds' batches: the serial part is left with the rules' memory.
type spot struct {
	port   float64
	fences [][]string // per Rules.Geofences, sorted zone ids
	// coastal lists the province codes of the coastal zones holding the
	// point ("" for a zone without one); inshore and offshore say whether
	// any such zone holds it.
	coastal           []string
	inshore, offshore bool
	// deepLand: the point is on land far from the water (LandRule).
	deepLand bool
}

// parallelFrom is the batch size from which locate uses every core.
const parallelFrom = 512

func (t *Twin) locate(ps []feeds.Position) []spot {
	out := make([]spot, len(ps))
	n := runtime.GOMAXPROCS(0)
	if len(ps) < parallelFrom || n == 1 {
		for i := range ps {
			out[i] = t.spotAt(ps[i].Lon, ps[i].Lat)
		}
		return out
	}
	var wg sync.WaitGroup
	chunk := (len(ps) + n - 1) / n
	for lo := 0; lo < len(ps); lo += chunk {
		hi := min(lo+chunk, len(ps))
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := lo; i < hi; i++ {
				out[i] = t.spotAt(ps[i].Lon, ps[i].Lat)
			}
		}()
	}
	wg.Wait()
	return out
}

func (t *Twin) spotAt(lon, lat float64) spot {
	r := &t.cfg.Rules
	pt := orb.Point{lon, lat}
	s := spot{port: t.portDistance(lon, lat), deepLand: t.land.at(lon, lat)}
	if len(r.Geofences) > 0 {
		s.fences = make([][]string, len(r.Geofences))
		for i, g := range r.Geofences {
			s.fences[i] = t.zonesAt(g.Layer, pt, nil)
		}
	}
	if z := &r.Zones; z.Layer != "" {
		t.cfg.Index.SearchBound(z.Layer, pt.Bound(), func(f *spatial.Feature) bool {
			if !contains(f.Geom, pt) {
				return true
			}
			switch t.classOf(f) {
			case z.Coastal:
				s.coastal = append(s.coastal, t.provinceOf(f))
			case z.Inshore:
				s.inshore = true
			case z.Offshore:
				s.offshore = true
			}
			return true
		})
		return s
	}
	if r.Zones.Coastal != "" {
		t.cfg.Index.SearchBound(r.Zones.Coastal, pt.Bound(), func(f *spatial.Feature) bool {
			if contains(f.Geom, pt) {
				s.coastal = append(s.coastal, t.provinceOf(f))
			}
			return true
		})
	}
	s.inshore = r.Zones.Inshore != "" && t.anyZoneAt(r.Zones.Inshore, pt, nil)
	s.offshore = r.Zones.Offshore != "" && t.anyZoneAt(r.Zones.Offshore, pt, nil)
	return s
}

// classOf is a zone feature's band in the single-layer form.
func (t *Twin) classOf(f *spatial.Feature) string {
	if i := t.classField; i >= 0 && i < len(f.Props) {
		if s, ok := f.Props[i].(string); ok {
			return s
		}
	}
	return ""
}

func (t *Twin) provinceOf(f *spatial.Feature) string {
	i := t.provinceField
	if i < 0 || i >= len(f.Props) {
		return ""
	}
	switch v := f.Props[i].(type) {
	case string:
		return v
	case int64:
		return itoa(v)
	}
	return ""
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
