package main

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"bando/api"
	"bando/layers"

	"gopkg.in/yaml.v3"
)

// Config is everything `bando serve` needs. Defaults are set in code, then a
// YAML file, then BANDO_* environment variables, then flags override them.
type Config struct {
	Addr     string          `yaml:"addr"`
	Data     string          `yaml:"data"`
	Demo     bool            `yaml:"demo"`
	MaxBody  int             `yaml:"max_body_mb"`
	LogLevel string          `yaml:"log_level"`
	Layers   []*layers.Layer `yaml:"layers"`
	// LayersFile names an extra catalog YAML, merged over the built-in one.
	LayersFile string      `yaml:"layers_file"`
	Tokens     []api.Token `yaml:"tokens"`
	// PublicURL is the base of absolute links (TileJSON, items pages) when
	// bando sits behind a proxy; else links come from the request.
	PublicURL string `yaml:"public_url"`
	// TrustedProxies are the peers (CIDR or address) whose Forwarded and
	// X-Forwarded-* headers are believed; nobody's by default.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// CORSOrigins may read public endpoints from a browser ("*" for any).
	CORSOrigins []string `yaml:"cors_origins"`
	// Spelled-out aliases of addr and data, for configs written from prose.
	Address string `yaml:"address"`
	DataDir string `yaml:"data_dir"`
}

// defaultConfig is the embedded default: ./var, port 8080, demo data on.
func defaultConfig() Config {
	return Config{Addr: ":8080", Data: "./var", Demo: true, MaxBody: 64, LogLevel: "info",
		CORSOrigins: []string{"*"}}
}

// loadFile reads a YAML config over c.
func (c *Config) loadFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("config %s: %w", path, err)
	}
	if c.Address != "" {
		c.Addr = c.Address
	}
	if c.DataDir != "" {
		c.Data = c.DataDir
	}
	return nil
}

// applyEnv reads BANDO_ADDR, BANDO_DATA, BANDO_DEMO, BANDO_MAX_BODY_MB,
// BANDO_LOG_LEVEL, BANDO_LAYERS_FILE, BANDO_PUBLIC_URL, and the
// comma-separated BANDO_TRUSTED_PROXIES and BANDO_CORS_ORIGINS.
func (c *Config) applyEnv(getenv func(string) string) error {
	for _, k := range []string{"BANDO_ADDRESS", "BANDO_ADDR"} {
		if v := getenv(k); v != "" {
			c.Addr = v
		}
	}
	for _, k := range []string{"BANDO_DATA_DIR", "BANDO_DATA"} {
		if v := getenv(k); v != "" {
			c.Data = v
		}
	}
	if v := getenv("BANDO_LAYERS_FILE"); v != "" {
		c.LayersFile = v
	}
	if v := getenv("BANDO_PUBLIC_URL"); v != "" {
		c.PublicURL = v
	}
	if v := getenv("BANDO_TRUSTED_PROXIES"); v != "" {
		c.TrustedProxies = strings.Split(v, ",")
	}
	if v := getenv("BANDO_CORS_ORIGINS"); v != "" {
		c.CORSOrigins = strings.Split(v, ",")
	}
	if v := getenv("BANDO_LOG_LEVEL"); v != "" {
		c.LogLevel = v
	}
	if v := getenv("BANDO_DEMO"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("config: BANDO_DEMO=%q: want true or false", v)
		}
		c.Demo = b
	}
	if v := getenv("BANDO_MAX_BODY_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: BANDO_MAX_BODY_MB=%q: want an integer", v)
		}
		c.MaxBody = n
	}
	return nil
}

// Validate checks the config before anything starts.
func (c *Config) Validate() error {
	var errs []error
	if c.Addr == "" {
		errs = append(errs, errors.New("config: addr is empty"))
	}
	if c.Data == "" {
		errs = append(errs, errors.New("config: data directory is empty"))
	}
	if c.MaxBody < 1 || c.MaxBody > 1024 {
		errs = append(errs, fmt.Errorf("config: max_body_mb %d out of range 1..1024", c.MaxBody))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("config: log_level %q: want debug, info, warn or error", c.LogLevel))
	}
	if c.PublicURL != "" {
		if _, err := api.ParsePublicURL(c.PublicURL); err != nil {
			errs = append(errs, fmt.Errorf("config: %w", err))
		}
	}
	if _, err := api.ParseTrustedProxies(c.TrustedProxies); err != nil {
		errs = append(errs, fmt.Errorf("config: %w", err))
	}
	if _, err := api.NewTokens(c.Tokens); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// edgeConfig turns the HTTP-edge settings into their api.Config form.
func edgeConfig(c Config) (api.Config, error) {
	var out api.Config
	var err error
	if c.PublicURL != "" {
		if out.PublicURL, err = api.ParsePublicURL(c.PublicURL); err != nil {
			return out, fmt.Errorf("config: %w", err)
		}
	}
	if out.TrustedProxies, err = api.ParseTrustedProxies(c.TrustedProxies); err != nil {
		return out, fmt.Errorf("config: %w", err)
	}
	for _, o := range c.CORSOrigins {
		if o = strings.TrimSpace(o); o != "" {
			out.CORSOrigins = append(out.CORSOrigins, o)
		}
	}
	return out, nil
}
