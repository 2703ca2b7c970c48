package probe

import (
	"context"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/dur"
)

// Timeout bounds. The floor is low so tests can time out quickly; real
// monitors rarely want less than a second.
const (
	defaultTimeout = 10 * time.Second
	minTimeout     = 100 * time.Millisecond
	maxTimeout     = 5 * time.Minute
)

// setting is one optional field of Settings, as a bit so a kind can say
// which ones it uses.
type setting uint16

const (
	useTarget setting = 1 << iota
	useTimeout
	useMethod
	useHeaders
	useBody
	useIgnoreRedirect
	useInsecure
	useMaxBody
	useDNSRecordType
	useDNSServer
)

// settingFields names each field as its JSON and YAML key, so errors point at
// what the user wrote.
var settingFields = []struct {
	bit  setting
	name string
	set  func(*Settings) bool
}{
	{useTarget, "target", func(s *Settings) bool { return s.Target != "" }},
	{useTimeout, "timeout", func(s *Settings) bool { return s.Timeout != 0 }},
	{useMethod, "method", func(s *Settings) bool { return s.Method != "" }},
	{useHeaders, "headers", func(s *Settings) bool { return len(s.Headers) > 0 }},
	{useBody, "body", func(s *Settings) bool { return s.Body != "" }},
	{useIgnoreRedirect, "ignore_redirect", func(s *Settings) bool { return s.IgnoreRedirect }},
	{useInsecure, "insecure", func(s *Settings) bool { return s.Insecure }},
	{useMaxBody, "max_body", func(s *Settings) bool { return s.MaxBody != 0 }},
	{useDNSRecordType, "dns_record_type", func(s *Settings) bool { return s.DNSRecordType != "" }},
	{useDNSServer, "dns_server", func(s *Settings) bool { return s.DNSServer != "" }},
}

// rejectUnused fails on the first setting the kind does not read: a setting
// that silently does nothing is a monitor that checks less than its author
// thinks.
func rejectUnused(s *Settings, kind string, uses setting) error {
	for _, f := range settingFields {
		if uses&f.bit == 0 && f.set(s) {
			return apperr.Field(f.name, "%s monitors do not use %s; remove it", kind, f.name)
		}
	}
	return nil
}

// validateTimeout fills the default timeout and checks the range.
func validateTimeout(s *Settings) error {
	if s.Timeout == 0 {
		s.Timeout = dur.Duration(defaultTimeout)
		return nil
	}
	if d := s.Timeout.D(); d < minTimeout || d > maxTimeout {
		return apperr.Field("timeout", "%s is out of range; use 1s to 5m (default 10s)", d)
	}
	return nil
}

// bound limits ctx to the check's timeout and returns the limit that
// applies, the shorter of the two, for "timeout after" messages.
func bound(ctx context.Context, s *Settings) (context.Context, context.CancelFunc, time.Duration) {
	limit := s.Timeout.D()
	if limit <= 0 {
		limit = defaultTimeout
	}
	if dl, ok := ctx.Deadline(); ok {
		limit = min(limit, time.Until(dl))
	}
	ctx, cancel := context.WithTimeout(ctx, limit)
	return ctx, cancel, limit
}

// hostPort checks that value is host:port with a numeric port. A value
// without a port gets defaultPort, or is an error when defaultPort is "".
func hostPort(field, value, defaultPort string) (string, error) {
	if value == "" {
		return "", apperr.Field(field, "is required: host:port, such as db.internal:5432")
	}
	host, port, err := net.SplitHostPort(value)
	if err != nil {
		host = strings.TrimSuffix(strings.TrimPrefix(value, "["), "]")
		if defaultPort == "" || !validHost(host) {
			return "", apperr.Field(field, "%q is not host:port, such as db.internal:5432", value)
		}
		return net.JoinHostPort(host, defaultPort), nil
	}
	if !validHost(host) {
		return "", apperr.Field(field, "%q is not a host name or IP address", host)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return "", apperr.Field(field, "port %q must be a number from 1 to 65535", port)
	}
	return value, nil
}

// validHost reports whether h is an IP address or a syntactically valid
// host name. Underscores are allowed: they occur in real names.
func validHost(h string) bool {
	if _, err := netip.ParseAddr(h); err == nil {
		return true
	}
	h = strings.TrimSuffix(h, ".")
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}
