package feeds

import (
	"math"
	"time"

	ais "github.com/BertoldVdb/go-ais"
)

// packet turns one decoded AIS message into a Position or a Vessel.
func (d *aisDecoder) packet(pkt ais.Packet, t, now time.Time) {
	st := &d.feed.stats
	switch m := pkt.(type) {
	case ais.PositionReport: // 1, 2, 3
		d.position(m.UserID, float64(m.Longitude), float64(m.Latitude),
			knots10(m.Sog), course10(m.Cog), navStatus(m.NavigationalStatus), t, now)
	case ais.StandardClassBPositionReport: // 18
		d.position(m.UserID, float64(m.Longitude), float64(m.Latitude),
			knots10(m.Sog), course10(m.Cog), "", t, now)
	case ais.ExtendedClassBPositionReport: // 19
		d.position(m.UserID, float64(m.Longitude), float64(m.Latitude),
			knots10(m.Sog), course10(m.Cog), "", t, now)
		d.vessel(m.UserID, m.Name, m.Type, m.Dimension)
	case ais.LongRangeAisBroadcastMessage: // 27: whole knots and degrees
		sog, cog := float64(m.Sog), float64(m.Cog)
		if m.Sog == 63 {
			sog = math.NaN()
		}
		if m.Cog >= 360 {
			cog = math.NaN()
		}
		d.position(m.UserID, float64(m.Longitude), float64(m.Latitude),
			sog, cog, navStatus(m.NavigationalStatus), t, now)
	case ais.ShipStaticData: // 5
		d.vessel(m.UserID, m.Name, m.Type, m.Dimension)
	case ais.StaticDataReport: // 24
		switch {
		case m.ReportA.Valid:
			d.vessel(m.UserID, m.ReportA.Name, 0, ais.FieldDimension{})
		case m.ReportB.Valid:
			d.vessel(m.UserID, "", m.ReportB.ShipType, m.ReportB.Dimension)
		default:
			st.other.Add(1)
		}
	default:
		st.other.Add(1)
	}
}

// position adds a Position unless the report says "no position" (lon 181,
// lat 91) or gives one off the globe.
func (d *aisDecoder) position(mmsi uint32, lon, lat, sog, cog float64, status string, t, now time.Time) {
	if !(lon >= -180 && lon <= 180 && lat >= -90 && lat <= 90) {
		d.feed.stats.noPosition.Add(1)
		return
	}
	d.ps = append(d.ps, Position{
		ID: d.id(mmsi), T: t, Arrived: now, Lon: lon, Lat: lat,
		SOG: sog, COG: cog, Status: status, Source: "ais",
	})
}

// vessel adds a Vessel. A static message carries part of the record (type
// 24 A only the name, 24 B only type and dimensions): fields it does not
// carry are zero, and the registry merges them.
func (d *aisDecoder) vessel(mmsi uint32, name string, shipType uint8, dim ais.FieldDimension) {
	v := Vessel{ID: d.id(mmsi), MMSI: mmsi, Name: trimAIS(name)}
	// Length is bow (A) + stern (B) from the reference point; 0 is "not
	// available" for either.
	if dim.A > 0 && dim.B > 0 {
		v.LengthM = float64(dim.A) + float64(dim.B)
	}
	if shipType != 0 {
		v.Kind = shipKind(shipType)
	}
	d.vs = append(d.vs, v)
}

// shipKind names the broad class of an AIS ship type (ITU-R M.1371 table 53).
func shipKind(t uint8) string {
	switch {
	case t == 30:
		return "fishing"
	case t == 31 || t == 32 || t == 52:
		return "towing"
	case t == 33:
		return "dredging"
	case t == 35:
		return "military"
	case t == 36:
		return "sailing"
	case t == 37:
		return "pleasure"
	case t >= 40 && t < 50:
		return "high_speed"
	case t == 50:
		return "pilot"
	case t == 51:
		return "search_and_rescue"
	case t == 55:
		return "law_enforcement"
	case t >= 60 && t < 70:
		return "passenger"
	case t >= 70 && t < 80:
		return "cargo"
	case t >= 80 && t < 90:
		return "tanker"
	default:
		return "other"
	}
}

// navStatus names the navigational status of types 1–3 and 27; "" for
// 15 (not defined) and the reserved values.
func navStatus(s uint8) string {
	names := [...]string{
		"under_way_engine", "at_anchor", "not_under_command", "restricted_manoeuvrability",
		"constrained_by_draught", "moored", "aground", "fishing", "under_way_sailing",
	}
	if int(s) < len(names) {
		return names[s]
	}
	if s == 14 {
		return "ais_sart"
	}
	return ""
}
