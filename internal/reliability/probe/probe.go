// Package probe runs one check of a target: an HTTP request, a TCP connect,
// a DNS query, a TLS handshake, an ICMP echo, or a look at when a heartbeat
// last arrived. Each kind is one file plus one line in the registry below.
package probe

import (
	"context"
	"net"
	"sort"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/reliability/condition"
)

// kinds is the registry of monitor types: one line per kind, each kind in its
// own file. They use the system resolver and the system's trusted roots.
var kinds = map[string]Kind{
	"http":      newHTTP(net.DefaultResolver, nil),
	"tcp":       tcpKind{resolver: net.DefaultResolver},
	"dns":       newDNS("/etc/resolv.conf"),
	"tls":       tlsKind{resolver: net.DefaultResolver},
	"heartbeat": heartbeatKind{},
	"icmp":      icmpKind{resolver: net.DefaultResolver},
}

// Kind is one type of monitor.
type Kind interface {
	// Validate checks the settings this kind uses and fills their defaults.
	// Errors are apperr field errors naming the setting (for example
	// "target" or "dns_record_type").
	Validate(s *Settings) error
	// Check runs one check. It never returns an error: a failure to reach
	// the target is an observation, recorded in Observation.Err with
	// Input.Connected false. It returns by ctx's deadline.
	Check(ctx context.Context, s *Settings, env Env) Observation
	// DefaultConditions are used when a monitor of this kind names none.
	DefaultConditions() []string
}

// Settings say what to check and how. One flat struct serves every kind;
// each kind reads the fields it needs and Validate rejects the ones it cannot use.
type Settings struct {
	Type   string `json:"type" yaml:"type"`
	Target string `json:"target,omitempty" yaml:"target,omitempty"`
	// Timeout bounds one check; the default is 10 s.
	Timeout dur.Duration `json:"timeout,omitempty" yaml:"timeout,omitempty"`

	// HTTP.
	Method         string            `json:"method,omitempty" yaml:"method,omitempty"`
	Headers        map[string]string `json:"headers,omitempty" yaml:"headers,omitempty"`
	Body           string            `json:"body,omitempty" yaml:"body,omitempty"`
	IgnoreRedirect bool              `json:"ignore_redirect,omitempty" yaml:"ignore_redirect,omitempty"`
	// Insecure skips TLS certificate verification (HTTP and TLS kinds).
	Insecure bool `json:"insecure,omitempty" yaml:"insecure,omitempty"`
	// MaxBody bounds how much of a response body is read; default 1 MiB.
	MaxBody int64 `json:"max_body,omitempty" yaml:"max_body,omitempty"`

	// DNS.
	DNSRecordType string `json:"dns_record_type,omitempty" yaml:"dns_record_type,omitempty"`
	// DNSServer is host:port of the resolver to ask; default the system's.
	DNSServer string `json:"dns_server,omitempty" yaml:"dns_server,omitempty"`
}

// Env is what a check needs from outside its settings.
type Env struct {
	Now time.Time
	// Interval is the monitor's check interval.
	Interval time.Duration
	// LastBeat is when a heartbeat last arrived (zero: never).
	LastBeat time.Time
}

// Phases are the durations of a check's steps; a step that did not happen is 0.
type Phases struct {
	DNS       time.Duration `json:"dns"`
	Connect   time.Duration `json:"connect"`
	TLS       time.Duration `json:"tls"`
	FirstByte time.Duration `json:"first_byte"`
	Total     time.Duration `json:"total"`
}

// Observation is the outcome of one check, before conditions are applied.
type Observation struct {
	Phases Phases
	Input  condition.Input
	// Err says why the target could not be checked ("" when it could).
	Err string
}

// Lookup returns the kind registered under name.
func Lookup(name string) (Kind, error) {
	k, ok := kinds[name]
	if !ok {
		return nil, apperr.Field("type", "unknown monitor type %q; one of %v", name, Names())
	}
	return k, nil
}

// Names lists the registered kinds in order.
func Names() []string {
	names := make([]string, 0, len(kinds))
	for n := range kinds {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
