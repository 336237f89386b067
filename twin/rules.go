package twin

import (
	"fmt"
	"os"
	"time"

	"gopkg.in/yaml.v3"
)

// Rules configure the rule engine. Defaults (DefaultRules) are the issue's:
// signal loss after 6 h at sea, red after 10 days; gathering of 5 vessels
// within 1 km for 2 h; encounter of two vessels within 500 m for 2 h both
// under 2 kn; both ≥ 10 km from every port.
type Rules struct {
	// Ports is the layer of port points that defines "at sea".
	Ports      string          `yaml:"ports_layer"`
	Geofences  []Geofence      `yaml:"geofences"`
	Zones      PermittedZones  `yaml:"permitted_zones"`
	SignalLoss SignalLossRule  `yaml:"signal_loss"`
	Gathering  GatheringRule   `yaml:"gathering"`
	Encounter  EncounterRule   `yaml:"encounter"`
	Thresholds []ThresholdRule `yaml:"thresholds"`
	Stale      StaleRule       `yaml:"stale"`
	// Plausibility bounds what counts as a real fix.
	MaxSpeedKn float64  `yaml:"max_speed_kn"`
	Land       LandRule `yaml:"land"`
	// Presence is how long a vessel's last fix still places it for the
	// proximity rules (a VMS unit may report only hourly).
	Presence time.Duration `yaml:"presence"`
}

// Geofence raises geofence_enter / geofence_exit for a polygon layer.
type Geofence struct {
	Layer string `yaml:"layer"`
	Enter bool   `yaml:"enter"`
	Exit  bool   `yaml:"exit"`
}

// PermittedZones name the zone layers of Decree 26/2019 Art. 43: vessels of
// 15 m and more fish offshore (khơi) only, 12–15 m inshore (lộng) only,
// under 12 m in the coastal band (ven bờ) of their home province only. A
// rule with no layers is off. With Layer set, the bands are the features
// of that one layer and Coastal, Inshore and Offshore are the values of
// its ClassField that name them.
type PermittedZones struct {
	Layer      string `yaml:"layer"`
	ClassField string `yaml:"class_field"`
	Coastal    string `yaml:"coastal"`  // ven bờ
	Inshore    string `yaml:"inshore"`  // lộng
	Offshore   string `yaml:"offshore"` // khơi
	// ProvinceField is the coastal zone feature's province code field.
	ProvinceField string `yaml:"province_field"`
	// Consecutive fixes outside before the alert (default 2).
	Consecutive int `yaml:"consecutive"`
	// TransitKn: a vessel at this speed or more in a zone nearer the shore
	// than its own (a 20 m vessel crossing the coastal and inshore bands
	// from its port to the offshore grounds) is in transit, not fishing
	// there (default 5 kn; trawling and drifting are slower).
	TransitKn float64 `yaml:"transit_kn"`
}

// SignalLossRule fires on silence, by the clock.
type SignalLossRule struct {
	After     time.Duration `yaml:"after"`
	RedAfter  time.Duration `yaml:"red_after"`
	AtSeaFrom float64       `yaml:"port_distance_m"`
}

// GatheringRule is many vessels at one place for long.
type GatheringRule struct {
	MinVessels int           `yaml:"min_vessels"`
	RadiusM    float64       `yaml:"radius_m"`
	Duration   time.Duration `yaml:"duration"`
	PortDistM  float64       `yaml:"port_distance_m"`
}

// EncounterRule is two slow vessels together at sea (Global Fishing
// Watch's definition).
type EncounterRule struct {
	DistanceM float64       `yaml:"distance_m"`
	Duration  time.Duration `yaml:"duration"`
	MaxSOG    float64       `yaml:"max_sog"`
	PortDistM float64       `yaml:"port_distance_m"`
}

// ThresholdRule raises when a quantity reaches Raise and clears only when
// it falls to Clear (hysteresis; Clear < Raise).
type ThresholdRule struct {
	Quantity string  `yaml:"quantity"`
	Raise    float64 `yaml:"raise"`
	Clear    float64 `yaml:"clear"`
	Level    string  `yaml:"level"`
}

// StaleRule raises for a sensor silent longer than its layer's update
// interval (or Default when the layer declares none), plus Grace times it:
// an hourly station whose reading lands a few seconds late is not stale.
type StaleRule struct {
	Off     bool          `yaml:"off"`
	Default time.Duration `yaml:"default_interval"`
	Grace   float64       `yaml:"grace"`
}

// DefaultRules returns the defaults.
func DefaultRules() Rules {
	return Rules{
		Ports:      "ports",
		Zones:      PermittedZones{ProvinceField: "province", Consecutive: 2, TransitKn: 5},
		SignalLoss: SignalLossRule{After: 6 * time.Hour, RedAfter: 240 * time.Hour, AtSeaFrom: 1000},
		Gathering:  GatheringRule{MinVessels: 5, RadiusM: 1000, Duration: 2 * time.Hour, PortDistM: 10000},
		Encounter:  EncounterRule{DistanceM: 500, Duration: 2 * time.Hour, MaxSOG: 2, PortDistM: 10000},
		// PM2.5 at the US EPA's "very unhealthy" breakpoint (125.5 µg/m³,
		// 2024 table), cleared at "unhealthy" (55.5): Hà Nội's ordinary
		// hours often exceed 55, and an alert should mean something.
		Thresholds: []ThresholdRule{{Quantity: "pm25", Raise: 125.5, Clear: 55.5, Level: "red"}},
		Stale:      StaleRule{Default: time.Hour, Grace: 0.5},
		MaxSpeedKn: 50,
		Land:       LandRule{MarginM: 20000},
		Presence:   3 * time.Hour,
	}
}

// LoadRules reads a YAML file with a top-level rules: key over the defaults.
func LoadRules(path string) (Rules, error) {
	r := DefaultRules()
	b, err := os.ReadFile(path)
	if err != nil {
		return r, fmt.Errorf("twin: rules: %w", err)
	}
	return ParseRules(b)
}

// ParseRules parses YAML with a top-level rules: key over the defaults.
func ParseRules(b []byte) (Rules, error) {
	doc := struct {
		Rules Rules `yaml:"rules"`
	}{DefaultRules()}
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return doc.Rules, fmt.Errorf("twin: rules: %w", err)
	}
	return doc.Rules, doc.Rules.Validate()
}

// Validate checks the rules.
func (r Rules) Validate() error {
	for _, t := range r.Thresholds {
		if t.Clear > t.Raise {
			return fmt.Errorf("twin: rules: threshold %q: clear %g above raise %g", t.Quantity, t.Clear, t.Raise)
		}
	}
	if r.Gathering.MinVessels < 2 {
		return fmt.Errorf("twin: rules: gathering.min_vessels must be at least 2")
	}
	if r.Zones.Consecutive < 1 {
		return fmt.Errorf("twin: rules: permitted_zones.consecutive must be at least 1")
	}
	if r.Land.Layer != "" && (r.Land.Coast == "" || r.Land.MarginM <= 0) {
		return fmt.Errorf("twin: rules: land needs a coast_layer and a positive margin_m")
	}
	if r.MaxSpeedKn <= 0 {
		return fmt.Errorf("twin: rules: max_speed_kn must be positive")
	}
	return nil
}
