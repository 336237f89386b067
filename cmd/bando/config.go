package main

import (
	"bando/ingest/feeds"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"

	"bando/api"
	"bando/ingest"
	"bando/layers"

	"gopkg.in/yaml.v3"
)

// Config is everything `bando serve` needs. Defaults are set in code, then a
// YAML file, then BANDO_* environment variables, then flags override them.
type Config struct {
	Addr string `yaml:"addr"`
	Data string `yaml:"data"`
	Demo bool   `yaml:"demo"`
	// DB, a postgres:// URL, makes PostGIS the system of record for the
	// features (see store/postgis); Data then holds only the twin's
	// per-replica state.
	DB       string          `yaml:"db"`
	MaxBody  int             `yaml:"max_body_mb"`
	LogLevel string          `yaml:"log_level"`
	Layers   []*layers.Layer `yaml:"layers"`
	// LayersFile names an extra catalog YAML, merged over the built-in one.
	LayersFile string      `yaml:"layers_file"`
	Tokens     []api.Token `yaml:"tokens"`
	// Limits bound what one ingested input may cost (the API and
	// `bando ingest`); see LimitsConfig.
	Limits LimitsConfig `yaml:"limits"`
	// PublicURL is the base of absolute links (TileJSON, items pages) when
	// bando sits behind a proxy; else links come from the request.
	PublicURL string `yaml:"public_url"`
	// TrustedProxies are the peers (CIDR or address) whose Forwarded and
	// X-Forwarded-* headers are believed; nobody's by default.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// CORSOrigins may read public endpoints from a browser ("*" for any).
	CORSOrigins []string `yaml:"cors_origins"`
	// SkipCorrupt starts the server even if stored records do not decode.
	SkipCorrupt bool `yaml:"skip_corrupt"`
	// Spelled-out aliases of addr and data, for configs written from prose.
	Address string `yaml:"address"`
	DataDir string `yaml:"data_dir"`
	// TileCacheMB bounds the tile cache in MiB: 0 means the default
	// (tiles.DefaultCacheBytes), a negative value disables it (benchmarks of
	// uncached rendering use -1).
	TileCacheMB int `yaml:"tile_cache_mb"`
	// AggMinCount is k of the aggregate (H3 and heat) tiles: cells with
	// fewer features are left out for anonymous clients; 0 means
	// tiles.DefaultMinCount (5), 1 leaves out nothing but empty cells.
	AggMinCount int `yaml:"aggregate_min_count"`
	// TileMaxKB is the tile-wide byte budget in KB: a tile over it loses
	// its least visible features first; 0 means tiles.DefaultTileBytes
	// (500 KB), -1 none. TileMaxFeatures bounds the features of a tile
	// the same way; 0 means none.
	TileMaxKB       int `yaml:"tile_max_kb"`
	TileMaxFeatures int `yaml:"tile_max_features"`
	// Twin configures the live twin (rules, sinks); see TwinConfig.
	Twin TwinConfig `yaml:"twin"`
	// Feeds are the live sources (AIS, VMS, MQTT) the twin takes positions
	// and observations from, besides its HTTP feed.
	Feeds []feeds.Config `yaml:"feeds"`
	// Wall declares the video wall's scenes; none means the demo's (wall.go).
	Wall api.WallConfig `yaml:"wall"`
	// NATS, when set, shares the live twin with the other replicas on the
	// same broker (nats.go).
	NATS NATSConfig `yaml:"nats"`
	// Quality tunes the data-quality figures (/api/quality).
	Quality QualityConfig `yaml:"quality"`
}

// QualityConfig is the `quality:` section.
type QualityConfig struct {
	// OverlapToleranceM2 is the area two polygons of a layer may share
	// without counting as overlapping; 0 counts every overlap (ST_Overlaps).
	OverlapToleranceM2 float64 `yaml:"overlap_tolerance_m2"`
}

// LimitsConfig is the `limits:` section: each key sets one ingest.Limits
// field; 0 (or absent) keeps the default given in ingest.DefaultLimits, -1
// lifts the limit. For the server max_input_mb defaults to max_body_mb, so
// a gzip body may not decompress to more than the body limit. For a local
// `bando ingest` of the operator's own file, max_input_mb and max_features
// default to no limit (bulk loads are large); the others still apply.
type LimitsConfig struct {
	MaxInputMB    int `yaml:"max_input_mb"`    // input after decompression
	MaxRatio      int `yaml:"max_ratio"`       // gzip expansion (default 100)
	MaxLineBytes  int `yaml:"max_line_bytes"`  // NDJSON line, CSV record (32 MiB)
	MaxFieldBytes int `yaml:"max_field_bytes"` // one property value (1 MiB)
	MaxIDBytes    int `yaml:"max_id_bytes"`    // one feature id (256)
	MaxVertices   int `yaml:"max_vertices"`    // positions of one geometry (1,000,000)
	MaxFeatures   int `yaml:"max_features"`    // features of one input (100,000)
	MaxDepth      int `yaml:"max_depth"`       // JSON nesting (64)
	MaxProperties int `yaml:"max_properties"`  // properties of one feature (10,000)
}

// ingest returns the limits for ingest.Options; inputMB is the default of
// max_input_mb (0: the ingest default, -1: none) and features that of
// max_features.
func (l LimitsConfig) ingest(inputMB, features int) ingest.Limits {
	or := func(v, def int) int {
		if v == 0 {
			return def
		}
		return v
	}
	in := int64(or(l.MaxInputMB, inputMB))
	if in > 0 {
		in <<= 20
	}
	return ingest.Limits{MaxInputBytes: in, MaxRatio: l.MaxRatio, MaxLineBytes: l.MaxLineBytes,
		MaxFieldBytes: l.MaxFieldBytes, MaxIDBytes: l.MaxIDBytes, MaxVertices: l.MaxVertices,
		MaxFeatures: or(l.MaxFeatures, features), MaxDepth: l.MaxDepth, MaxProperties: l.MaxProperties}
}

// serverLimits are the limits of API writes.
func (c *Config) serverLimits() ingest.Limits { return c.Limits.ingest(c.MaxBody, 0) }

// localLimits are the limits of `bando ingest` reading a file itself.
func (c *Config) localLimits() ingest.Limits { return c.Limits.ingest(-1, -1) }

func (l LimitsConfig) validate() error {
	for _, kv := range []struct {
		name string
		v    int
	}{{"max_input_mb", l.MaxInputMB}, {"max_ratio", l.MaxRatio}, {"max_line_bytes", l.MaxLineBytes},
		{"max_field_bytes", l.MaxFieldBytes}, {"max_id_bytes", l.MaxIDBytes}, {"max_vertices", l.MaxVertices},
		{"max_features", l.MaxFeatures}, {"max_depth", l.MaxDepth}, {"max_properties", l.MaxProperties}} {
		if kv.v < -1 {
			return fmt.Errorf("config: limits.%s %d: want a positive number, 0 for the default or -1 for none", kv.name, kv.v)
		}
	}
	return nil
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
// BANDO_TILE_CACHE_MB, BANDO_LOG_LEVEL, BANDO_LAYERS_FILE, BANDO_PUBLIC_URL, and the
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
	if v := getenv("BANDO_DB"); v != "" {
		c.DB = v
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
	if v := getenv("BANDO_NATS"); v != "" {
		c.NATS.URL = v
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
	if v := getenv("BANDO_TILE_CACHE_MB"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("config: BANDO_TILE_CACHE_MB=%q: want an integer (-1 disables the cache)", v)
		}
		c.TileCacheMB = n
	}
	return nil
}

// tileCacheBytes is TileCacheMB as tiles.Config.CacheBytes: 0 keeps the
// default, negative disables.
func (c *Config) tileCacheBytes() int64 {
	if c.TileCacheMB < 0 {
		return -1
	}
	return int64(c.TileCacheMB) << 20
}

// tileBytes is TileMaxKB as tiles.Config.TileBytes.
func (c *Config) tileBytes() int {
	if c.TileMaxKB < 0 {
		return -1
	}
	return c.TileMaxKB * 1000
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
	if t := c.Quality.OverlapToleranceM2; t < 0 || t != t {
		errs = append(errs, fmt.Errorf("config: quality.overlap_tolerance_m2 %v must be 0 or more", t))
	}
	if c.MaxBody < 1 || c.MaxBody > 1024 {
		errs = append(errs, fmt.Errorf("config: max_body_mb %d out of range 1..1024", c.MaxBody))
	}
	if c.AggMinCount < 0 {
		errs = append(errs, fmt.Errorf("config: aggregate_min_count %d is negative (1 leaves out only empty cells)", c.AggMinCount))
	}
	if c.TileMaxKB > 1<<20 || c.TileMaxFeatures < 0 {
		errs = append(errs, fmt.Errorf("config: tile_max_kb %d (-1..1048576) or tile_max_features %d (≥ 0) out of range", c.TileMaxKB, c.TileMaxFeatures))
	}
	if c.TileCacheMB > 1<<20 {
		errs = append(errs, fmt.Errorf("config: tile_cache_mb %d is over 1048576 (1 TiB)", c.TileCacheMB))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("config: log_level %q: want debug, info, warn or error", c.LogLevel))
	}
	if err := c.Limits.validate(); err != nil {
		errs = append(errs, err)
	}
	if err := c.Wall.Check(); err != nil {
		errs = append(errs, fmt.Errorf("config: %w", err))
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
