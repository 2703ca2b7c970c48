// Package dur has the one duration type Chief's settings use, written in
// JSON and YAML as Go writes durations ("30s", "1h30m") rather than as
// nanoseconds.
package dur

import (
	"fmt"
	"time"
)

// Duration is a time.Duration that reads and writes "30s".
type Duration time.Duration

// D is the time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String is the Go form, "1m30s".
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalText writes the Go form.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads a Go duration such as "30s" or "1h".
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 30s, 5m or 1h", b)
	}
	*d = Duration(v)
	return nil
}
