package sim

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// positionLine is the HTTP feed's NDJSON position (POST /api/twin/positions).
type positionLine struct {
	ID     string    `json:"id"`
	T      time.Time `json:"t"`
	Lon    float64   `json:"lon"`
	Lat    float64   `json:"lat"`
	SOG    float64   `json:"sog"`
	COG    float64   `json:"cog"`
	Source string    `json:"source"`
}

// registryLine is the registry NDJSON that bando twin replay reads.
type registryLine struct {
	ID           string  `json:"id"`
	MMSI         uint32  `json:"mmsi"`
	Registration string  `json:"registration"`
	Name         string  `json:"name"`
	LengthM      float64 `json:"length_m"`
	HomeProvince string  `json:"home_province"`
	Kind         string  `json:"kind"`
	Synthetic    bool    `json:"synthetic"`
}

// WritePositions writes the fixes as the HTTP feed's NDJSON, by time.
func (f *Fleet) WritePositions(w io.Writer) error {
	return writeLines(w, len(f.Positions), func(i int) any {
		p := f.Positions[i]
		return positionLine{p.ID, p.T, p.Lon, p.Lat, p.SOG, p.COG, p.Source}
	})
}

// WriteRegistry writes the vessels, one registry line each.
func (f *Fleet) WriteRegistry(w io.Writer) error {
	return writeLines(w, len(f.Registry), func(i int) any {
		v := f.Registry[i]
		return registryLine{v.ID, v.MMSI, v.Registration, v.Name, v.LengthM, v.HomeProvince, v.Kind, true}
	})
}

// WriteTruth writes the scripted events, one line each, by due time.
func (f *Fleet) WriteTruth(w io.Writer) error {
	return writeLines(w, len(f.Truth), func(i int) any { return f.Truth[i] })
}

func writeLines(w io.Writer, n int, line func(int) any) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i := range n {
		if err := enc.Encode(line(i)); err != nil {
			return fmt.Errorf("sim: %w", err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("sim: %w", err)
	}
	return nil
}
