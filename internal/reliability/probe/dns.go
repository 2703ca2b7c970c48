package probe

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/miekg/dns"

	"github.com/chief-hq/chief/internal/apperr"
)

// recordTypes are the record types a dns monitor can ask for.
var recordTypes = map[string]uint16{
	"A":     dns.TypeA,
	"AAAA":  dns.TypeAAAA,
	"CNAME": dns.TypeCNAME,
	"MX":    dns.TypeMX,
	"NS":    dns.TypeNS,
	"TXT":   dns.TypeTXT,
	"SRV":   dns.TypeSRV,
	"SOA":   dns.TypeSOA,
	"PTR":   dns.TypePTR,
}

// resolvConfTTL is how long the system's name server is remembered; the
// standard library re-reads resolv.conf as often.
const resolvConfTTL = 5 * time.Second

// dnsKind asks one name server one question and reports its answer.
type dnsKind struct {
	// resolvConf names the file whose first name server is asked when a
	// monitor names none.
	resolvConf string

	mu        sync.Mutex
	readAt    time.Time
	server    string
	serverErr error
}

func newDNS(resolvConf string) *dnsKind { return &dnsKind{resolvConf: resolvConf} }

// Validate checks the name, record type and server, and fills
// DNSRecordType (A), the server's port (53) and Timeout.
func (k *dnsKind) Validate(s *Settings) error {
	if err := rejectUnused(s, "dns", useTarget|useTimeout|useDNSRecordType|useDNSServer); err != nil {
		return err
	}
	s.DNSRecordType = strings.ToUpper(s.DNSRecordType)
	if s.DNSRecordType == "" {
		s.DNSRecordType = "A"
	}
	if _, ok := recordTypes[s.DNSRecordType]; !ok {
		return apperr.Field("dns_record_type", "%q is not one of A, AAAA, CNAME, MX, NS, TXT, SRV, SOA, PTR", s.DNSRecordType)
	}
	if s.Target == "" {
		return apperr.Field("target", "is required: the name to look up, such as example.com")
	}
	if !validHost(s.Target) {
		return apperr.Field("target", "%q is not a domain name", s.Target)
	}
	if s.DNSServer != "" {
		server, err := hostPort("dns_server", s.DNSServer, "53")
		if err != nil {
			return err
		}
		s.DNSServer = server
	}
	return validateTimeout(s)
}

// DefaultConditions: the server answered without error.
func (k *dnsKind) DefaultConditions() []string { return []string{"[DNS_RCODE] == NOERROR"} }

// Check sends one query over UDP, and again over TCP if the answer was
// truncated. Body holds the answers of the type asked for, one per line, as
// their record data ("127.0.0.1", "10 mail.example.com."); TXT strings are
// joined unquoted.
func (k *dnsKind) Check(ctx context.Context, s *Settings, _ Env) Observation {
	ctx, cancel, limit := bound(ctx, s)
	defer cancel()
	start := time.Now()
	var obs Observation

	server := s.DNSServer
	if server == "" {
		var err error
		if server, err = k.systemServer(); err != nil {
			obs.Err = shorten(err.Error())
			return obs
		}
	}
	qtype, ok := recordTypes[strings.ToUpper(s.DNSRecordType)]
	if !ok {
		qtype = dns.TypeA
	}
	name := s.Target
	if qtype == dns.TypePTR {
		if rev, err := dns.ReverseAddr(name); err == nil {
			name = rev
		}
	}
	m := new(dns.Msg)
	m.SetQuestion(dns.Fqdn(name), qtype)
	m.SetEdns0(1232, false)

	c := dns.Client{Net: "udp", Timeout: limit}
	r, _, err := c.ExchangeContext(ctx, m, server)
	if err == nil && r.Truncated {
		c.Net = "tcp"
		r, _, err = c.ExchangeContext(ctx, m, server)
	}
	obs.Phases.DNS = time.Since(start)
	obs.Phases.Total = obs.Phases.DNS
	obs.Input.ResponseTime = obs.Phases.Total
	if err != nil || r == nil {
		if err == nil {
			err = errors.New("no reply")
		}
		obs.Err = describe(ctx, &stepError{step: "waiting for reply", err: err}, limit)
		return obs
	}

	obs.Input.Connected = true
	obs.Input.DNSRcode = dns.RcodeToString[r.Rcode]
	if obs.Input.DNSRcode == "" {
		obs.Input.DNSRcode = "RCODE" + strconv.Itoa(r.Rcode)
	}
	var body strings.Builder
	for _, rr := range r.Answer {
		switch a := rr.(type) {
		case *dns.A:
			if obs.Input.IP == "" {
				obs.Input.IP = a.A.String()
			}
		case *dns.AAAA:
			if obs.Input.IP == "" {
				obs.Input.IP = a.AAAA.String()
			}
		}
		if rr.Header().Rrtype != qtype {
			continue
		}
		if body.Len() > 0 {
			body.WriteByte('\n')
		}
		body.WriteString(rdata(rr))
	}
	obs.Input.Body = []byte(body.String())
	return obs
}

// rdata is a record without its name, TTL, class and type.
func rdata(rr dns.RR) string {
	if t, ok := rr.(*dns.TXT); ok {
		return strings.Join(t.Txt, "")
	}
	return strings.TrimPrefix(rr.String(), rr.Header().String())
}

// systemServer returns host:port of the first name server in resolvConf,
// re-reading the file at most every resolvConfTTL.
func (k *dnsKind) systemServer() (string, error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if !k.readAt.IsZero() && time.Since(k.readAt) < resolvConfTTL {
		return k.server, k.serverErr
	}
	k.readAt = time.Now()
	cfg, err := dns.ClientConfigFromFile(k.resolvConf)
	switch {
	case err != nil:
		k.server, k.serverErr = "", fmt.Errorf("no dns_server set and no system resolver: %w", err)
	case len(cfg.Servers) == 0:
		k.server, k.serverErr = "", fmt.Errorf("no dns_server set and %s lists no nameserver", k.resolvConf)
	default:
		k.server, k.serverErr = net.JoinHostPort(cfg.Servers[0], cfg.Port), nil
	}
	return k.server, k.serverErr
}
