package cli

import (
	"fmt"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"gopkg.in/yaml.v3"
)

// Config is Chief's configuration. Each value comes from its flag, else the
// CHIEF_* environment variable, else the config file, else the default.
type Config struct {
	Addr        string `yaml:"addr"`
	Data        string `yaml:"data"`
	DatabaseURL string `yaml:"database_url"`
	LogLevel    string `yaml:"log_level"`
	LogFormat   string `yaml:"log_format"`
	// BaseURL is the address people use to reach Chief, for printed links;
	// by default the listening address.
	BaseURL string `yaml:"base_url"`
	// Checks caps monitor checks in flight; RawRetention is how long raw
	// check results are kept before only rollups remain.
	Checks       string `yaml:"checks"`
	RawRetention string `yaml:"raw_retention"`

	// Parsed from the strings above by Validate.
	CheckConcurrency int           `yaml:"-"`
	RawRetentionD    time.Duration `yaml:"-"`
}

// settings maps flag names to config fields and environment variables.
var settings = []struct {
	flag, env, def string
	field          func(*Config) *string
}{
	{"addr", "CHIEF_ADDR", "127.0.0.1:8080", func(c *Config) *string { return &c.Addr }},
	{"data", "CHIEF_DATA", "./chief-data", func(c *Config) *string { return &c.Data }},
	{"database-url", "CHIEF_DATABASE_URL", "", func(c *Config) *string { return &c.DatabaseURL }},
	{"log-level", "CHIEF_LOG_LEVEL", "info", func(c *Config) *string { return &c.LogLevel }},
	{"log-format", "CHIEF_LOG_FORMAT", "text", func(c *Config) *string { return &c.LogFormat }},
	{"base-url", "CHIEF_BASE_URL", "", func(c *Config) *string { return &c.BaseURL }},
	{"checks", "CHIEF_CHECKS", "256", func(c *Config) *string { return &c.Checks }},
	{"raw-retention", "CHIEF_RAW_RETENTION", "48h", func(c *Config) *string { return &c.RawRetention }},
}

// loadConfig resolves the configuration for cmd.
func (a *app) loadConfig(cmd *cobra.Command) (Config, error) {
	var file Config
	path := flagOrEnv(cmd, "config", "CHIEF_CONFIG", a.getenv)
	if path != "" {
		body, err := os.ReadFile(path)
		if err != nil {
			return Config{}, fmt.Errorf("config file: %w", err)
		}
		dec := yaml.NewDecoder(strings.NewReader(string(body)))
		dec.KnownFields(true)
		if err := dec.Decode(&file); err != nil {
			return Config{}, fmt.Errorf("config file %s: %w", path, err)
		}
	}
	var c Config
	for _, s := range settings {
		v := s.def
		if fv := *s.field(&file); fv != "" {
			v = fv
		}
		if ev := a.getenv(s.env); ev != "" {
			v = ev
		}
		if f := cmd.Flags().Lookup(s.flag); f != nil && f.Changed {
			v = f.Value.String()
		}
		*s.field(&c) = v
	}
	return c, c.Validate()
}

func flagOrEnv(cmd *cobra.Command, flag, env string, getenv func(string) string) string {
	if f := cmd.Flags().Lookup(flag); f != nil && f.Changed {
		return f.Value.String()
	}
	return getenv(env)
}

// Validate checks every setting and names the one at fault.
func (c *Config) Validate() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr %q: want host:port, e.g. 127.0.0.1:8080 (%v)", c.Addr, err)
	}
	if c.DatabaseURL == "" && c.Data == "" {
		return fmt.Errorf("data: give a data folder for the SQLite database, or a database URL")
	}
	if c.DatabaseURL != "" && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") {
		return fmt.Errorf("database-url: want a postgres:// URL; leave it empty to use SQLite in the data folder")
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("log-format %q: use text or json", c.LogFormat)
	}
	if c.BaseURL != "" && !strings.HasPrefix(c.BaseURL, "http://") && !strings.HasPrefix(c.BaseURL, "https://") {
		return fmt.Errorf("base-url %q: want an http:// or https:// URL", c.BaseURL)
	}
	n, err := strconv.Atoi(c.Checks)
	if err != nil || n < 1 || n > 10000 {
		return fmt.Errorf("checks %q: want a number of checks in flight from 1 to 10000", c.Checks)
	}
	c.CheckConcurrency = n
	d, err := time.ParseDuration(c.RawRetention)
	if err != nil || d < 2*time.Hour {
		return fmt.Errorf("raw-retention %q: want a duration of at least 2h, such as 48h", c.RawRetention)
	}
	c.RawRetentionD = d
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("log-level %q: use debug, info, warn or error", s)
	}
	return l, nil
}

// addDatabaseFlags gives a command the flags every database command shares.
func addDatabaseFlags(fs *pflag.FlagSet) {
	fs.String("data", "./chief-data", "data folder holding the SQLite database (env CHIEF_DATA)")
	fs.String("database-url", "", "PostgreSQL URL, postgres://...; SQLite is used when empty (env CHIEF_DATABASE_URL)")
}
