package feeds

import (
	"os"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"
)

func TestNewFromYAML(t *testing.T) {
	src := `
- {type: ais, name: ais-tcp, address: 127.0.0.1:4001}
- {type: vms, path: /srv/vms/today.csv}
- type: mqtt
  name: sensors
  address: mqtt://127.0.0.1:1883
  position_topics: [fleet/+/position]
  sensorthings_topics: ["v1.1/Datastreams(42)/Observations"]
  datastreams:
    "42": {sensor: wl-1, quantity: water_level, unit: m}
  session_expiry: 2h
`
	var cfgs []Config
	if err := yaml.Unmarshal([]byte(src), &cfgs); err != nil {
		t.Fatal(err)
	}
	if cfgs[2].SessionExpiry != 2*time.Hour || cfgs[2].Datastreams["42"].Quantity != "water_level" {
		t.Fatalf("decoded %+v", cfgs[2])
	}
	names := []string{"ais-tcp", "vms", "sensors"}
	for i, c := range cfgs {
		f, err := New(c)
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if f.Name() != names[i] {
			t.Errorf("name %q, want %q", f.Name(), names[i])
		}
	}
	if f, _ := New(cfgs[2]); f.(*MQTT).cfg.Broker != "127.0.0.1:1883" {
		t.Errorf("broker %q, want the scheme dropped", f.(*MQTT).cfg.Broker)
	}
	for _, bad := range []Config{{Type: "ais"}, {Type: "ais", Path: "a", Address: "b"}, {Type: "vms"},
		{Type: "mqtt", Address: "x:1"}, {Type: "http"}, {Type: "nmea"}, {Type: "vms", Path: "a", Format: "xml"}} {
		if _, err := New(bad); err == nil || !strings.HasPrefix(err.Error(), "feeds: ") {
			t.Errorf("%+v: err %v", bad, err)
		}
	}
}

// TestREADMEFeeds keeps the README's feeds example honest: it decodes into
// Config and every entry builds.
func TestREADMEFeeds(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(b), "```yaml\nfeeds:\n")
	if !ok {
		t.Fatal("README has no ```yaml block starting with feeds:")
	}
	block, _, _ := strings.Cut(rest, "```")
	var doc struct{ Feeds []Config }
	dec := yaml.NewDecoder(strings.NewReader("feeds:\n" + block))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("README feeds: %v", err)
	}
	if len(doc.Feeds) != 4 {
		t.Fatalf("%d feeds", len(doc.Feeds))
	}
	for _, c := range doc.Feeds {
		if _, err := New(c); err != nil {
			t.Errorf("README feed %q: %v", c.Name, err)
		}
	}
}
