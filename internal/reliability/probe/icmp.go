package probe

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	"golang.org/x/net/icmp"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"

	"github.com/chief-hq/chief/internal/apperr"
)

// icmpKind sends one echo request and waits for its reply.
type icmpKind struct {
	resolver *net.Resolver
}

// icmpFamily says how to ping over one IP version.
type icmpFamily struct {
	ping, raw string // networks for icmp.ListenPacket
	any       string // wildcard listen address
	proto     int    // IANA protocol number, for parsing
	request   icmp.Type
	reply     icmp.Type
}

var (
	icmp4 = icmpFamily{"udp4", "ip4:icmp", "0.0.0.0", 1, ipv4.ICMPTypeEcho, ipv4.ICMPTypeEchoReply}
	icmp6 = icmpFamily{"udp6", "ip6:ipv6-icmp", "::", 58, ipv6.ICMPTypeEchoRequest, ipv6.ICMPTypeEchoReply}
)

// open returns an unprivileged ping socket, or a raw one when this user may
// not ping unprivileged. raw says which: a raw socket sees every ICMP
// packet, so replies must be matched on the echo ID as well.
func (f icmpFamily) open() (c *icmp.PacketConn, raw bool, err error) {
	c, pingErr := icmp.ListenPacket(f.ping, f.any)
	if pingErr == nil {
		return c, false, nil
	}
	c, rawErr := icmp.ListenPacket(f.raw, f.any)
	if rawErr == nil {
		return c, true, nil
	}
	return nil, false, fmt.Errorf("ping socket: %w; raw socket: %w", pingErr, rawErr)
}

func familyOf(a netip.Addr) icmpFamily {
	if a.Is4() {
		return icmp4
	}
	return icmp6
}

// Validate checks Target and that this process may send ICMP at all, so a
// monitor that could never work is refused when it is saved.
func (k icmpKind) Validate(s *Settings) error {
	if err := rejectUnused(s, "icmp", useTarget|useTimeout); err != nil {
		return err
	}
	if s.Target == "" {
		return apperr.Field("target", "is required: a host name or IP address")
	}
	if !validHost(s.Target) {
		return apperr.Field("target", "%q is not a host name or IP address", s.Target)
	}
	f := icmp4
	if a, err := netip.ParseAddr(s.Target); err == nil {
		f = familyOf(a.Unmap())
	}
	c, _, err := f.open()
	if err != nil {
		return apperr.Field("type", "ICMP needs raw sockets or net.ipv4.ping_group_range allowing this user: %v", err)
	}
	c.Close()
	return validateTimeout(s)
}

// DefaultConditions: the echo came back.
func (k icmpKind) DefaultConditions() []string { return []string{"[CONNECTED] == true"} }

// Check pings once. ResponseTime is the round trip; Total adds the DNS
// lookup. An IPv4 address is preferred when a name has both.
func (k icmpKind) Check(ctx context.Context, s *Settings, _ Env) (obs Observation) {
	ctx, cancel, limit := bound(ctx, s)
	defer cancel()
	start := time.Now()
	defer func() { obs.Phases.Total = time.Since(start) }()

	addrs, err := lookup(ctx, k.resolver, s.Target, &obs.Phases)
	if err != nil {
		obs.Err = describe(ctx, err, limit)
		return obs
	}
	dst := addrs[0].Unmap()
	for _, a := range addrs {
		if a.Unmap().Is4() {
			dst = a.Unmap()
			break
		}
	}
	obs.Input.IP = dst.String()

	f := familyOf(dst)
	c, raw, err := f.open()
	if err != nil {
		obs.Err = shorten("cannot open an ICMP socket: " + err.Error())
		return obs
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		c.SetDeadline(dl)
	}
	stop := context.AfterFunc(ctx, func() { c.SetDeadline(time.Now()) })
	defer stop()

	id, seq := rand.IntN(1<<16), rand.IntN(1<<16)
	payload := fmt.Appendf(nil, "chief %016x", rand.Uint64())
	req, err := (&icmp.Message{Type: f.request, Body: &icmp.Echo{ID: id, Seq: seq, Data: payload}}).Marshal(nil)
	if err != nil {
		obs.Err = shorten(err.Error())
		return obs
	}
	var to net.Addr = &net.UDPAddr{IP: dst.AsSlice(), Zone: dst.Zone()}
	if raw {
		to = &net.IPAddr{IP: dst.AsSlice(), Zone: dst.Zone()}
	}
	sent := time.Now()
	if _, err := c.WriteTo(req, to); err != nil {
		obs.Err = describe(ctx, &stepError{step: "sending echo request", err: err}, limit)
		return obs
	}
	buf := make([]byte, 1500)
	for {
		n, peer, err := c.ReadFrom(buf)
		if err != nil {
			obs.Err = describe(ctx, &stepError{step: "waiting for reply", err: err}, limit)
			return obs
		}
		rtt := time.Since(sent)
		m, err := icmp.ParseMessage(f.proto, buf[:n])
		if err != nil || m.Type != f.reply {
			continue
		}
		echo, ok := m.Body.(*icmp.Echo)
		// A ping socket's kernel rewrites the ID, so only a raw socket can
		// match on it; the random payload tells our reply from others.
		if !ok || echo.Seq != seq || raw && echo.ID != id || !bytes.Equal(echo.Data, payload) || peerIP(peer) != dst.WithZone("") {
			continue
		}
		obs.Input.Connected = true
		obs.Input.ResponseTime = rtt
		return obs
	}
}

func peerIP(a net.Addr) netip.Addr {
	var ip net.IP
	switch a := a.(type) {
	case *net.UDPAddr:
		ip = a.IP
	case *net.IPAddr:
		ip = a.IP
	default:
		return netip.Addr{}
	}
	addr, _ := netip.AddrFromSlice(ip)
	return addr.Unmap()
}
