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
	// SkipCorrupt starts the server even if stored records do not decode.
	SkipCorrupt bool `yaml:"skip_corrupt"`
	// Spelled-out aliases of addr and data, for configs written from prose.
	Address string `yaml:"address"`
	DataDir string `yaml:"data_dir"`
}

// defaultConfig is the embedded default: ./var, port 8080, demo data on.
func defaultConfig() Config {
	return Config{Addr: ":8080", Data: "./var", Demo: true, MaxBody: 64, LogLevel: "info"}
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
// BANDO_LOG_LEVEL and BANDO_LAYERS_FILE.
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
	if _, err := api.NewTokens(c.Tokens); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}
