package probe

import (
	"context"
	"net"
	"net/netip"
	"time"
)

// tcpKind checks that a port accepts connections; nothing is sent.
type tcpKind struct {
	resolver *net.Resolver
}

// Validate checks that Target is host:port and fills Timeout.
func (k tcpKind) Validate(s *Settings) error {
	if err := rejectUnused(s, "tcp", useTarget|useTimeout); err != nil {
		return err
	}
	t, err := hostPort("target", s.Target, "")
	if err != nil {
		return err
	}
	s.Target = t
	return validateTimeout(s)
}

// DefaultConditions: the port accepted the connection.
func (k tcpKind) DefaultConditions() []string { return []string{"[CONNECTED] == true"} }

// Check connects and closes at once.
func (k tcpKind) Check(ctx context.Context, s *Settings, _ Env) Observation {
	ctx, cancel, limit := bound(ctx, s)
	defer cancel()
	start := time.Now()
	var obs Observation
	conn, err := dialTCP(ctx, k.resolver, s.Target, &obs.Phases)
	obs.Phases.Total = time.Since(start)
	obs.Input.ResponseTime = obs.Phases.Total
	if err != nil {
		obs.Err = describe(ctx, err, limit)
		return obs
	}
	obs.Input.Connected = true
	obs.Input.IP = remoteIP(conn)
	conn.Close()
	return obs
}

// dialTCP connects to host:port, trying each address the name resolves to
// in turn, and times the DNS lookup (skipped for an IP) and the connect.
// Errors are wrapped in a stepError.
func dialTCP(ctx context.Context, r *net.Resolver, target string, ph *Phases) (net.Conn, error) {
	host, port, err := net.SplitHostPort(target)
	if err != nil {
		return nil, err
	}
	addrs, err := lookup(ctx, r, host, ph)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	d := net.Dialer{KeepAlive: -1}
	var first error
	for _, a := range addrs {
		conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(a.String(), port))
		if err == nil {
			ph.Connect = time.Since(start)
			return conn, nil
		}
		if first == nil {
			first = err
		}
		if ctx.Err() != nil {
			break
		}
	}
	ph.Connect = time.Since(start)
	return nil, &stepError{step: "while connecting", err: first}
}

// lookup resolves host, timing the DNS phase; an IP address is returned as is.
func lookup(ctx context.Context, r *net.Resolver, host string, ph *Phases) ([]netip.Addr, error) {
	if a, err := netip.ParseAddr(host); err == nil {
		return []netip.Addr{a}, nil
	}
	if r == nil {
		r = net.DefaultResolver
	}
	start := time.Now()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	ph.DNS = time.Since(start)
	if err == nil && len(addrs) == 0 {
		err = &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	if err != nil {
		return nil, &stepError{step: "during DNS lookup", err: err}
	}
	for i, a := range addrs {
		addrs[i] = a.Unmap()
	}
	return addrs, nil
}

// remoteIP is the address a connection reached, without the port.
func remoteIP(c net.Conn) string {
	if ap, err := netip.ParseAddrPort(c.RemoteAddr().String()); err == nil {
		return ap.Addr().String()
	}
	return ""
}
