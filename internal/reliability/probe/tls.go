package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net"
	"time"
)

// tlsKind completes a TLS handshake and reports the server certificate.
// Connected means a handshake that passed verification (chain, host name
// and dates) unless Insecure: a reachable port with a broken certificate
// is not a working TLS service.
type tlsKind struct {
	resolver *net.Resolver
	// roots are the trusted CAs; nil means the system's.
	roots *x509.CertPool
}

// Validate checks Target (host or host:port; port 443 by default) and fills
// Timeout.
func (k tlsKind) Validate(s *Settings) error {
	if err := rejectUnused(s, "tls", useTarget|useTimeout|useInsecure); err != nil {
		return err
	}
	t, err := hostPort("target", s.Target, "443")
	if err != nil {
		return err
	}
	s.Target = t
	return validateTimeout(s)
}

// DefaultConditions: a verified handshake and two weeks left on the
// certificate, time enough to renew it.
func (k tlsKind) DefaultConditions() []string {
	return []string{"[CONNECTED] == true", "[CERTIFICATE_EXPIRATION] > 336h"}
}

// Check connects and shakes hands; nothing is sent after the handshake.
func (k tlsKind) Check(ctx context.Context, s *Settings, _ Env) (obs Observation) {
	ctx, cancel, limit := bound(ctx, s)
	defer cancel()
	start := time.Now()
	defer func() {
		obs.Phases.Total = time.Since(start)
		obs.Input.ResponseTime = obs.Phases.Total
	}()

	target := s.Target
	if _, _, err := net.SplitHostPort(target); err != nil {
		target = net.JoinHostPort(target, "443")
	}
	host, _, _ := net.SplitHostPort(target)
	conn, err := dialTCP(ctx, k.resolver, target, &obs.Phases)
	if err != nil {
		obs.Err = describe(ctx, err, limit)
		return obs
	}
	defer conn.Close()
	obs.Input.IP = remoteIP(conn)

	tconn := tls.Client(conn, &tls.Config{
		ServerName:         host,
		InsecureSkipVerify: s.Insecure,
		RootCAs:            k.roots,
	})
	tlsStart := time.Now()
	err = tconn.HandshakeContext(ctx)
	obs.Phases.TLS = time.Since(tlsStart)
	var leaf *x509.Certificate
	if err != nil {
		obs.Err = describe(ctx, &stepError{step: "during TLS handshake", err: err}, limit)
		leaf = unverifiedLeaf(err)
	} else {
		obs.Input.Connected = true
		if certs := tconn.ConnectionState().PeerCertificates; len(certs) > 0 {
			leaf = certs[0]
		}
	}
	if leaf != nil {
		obs.Input.HasCertificate = true
		obs.Input.CertificateExpiration = time.Until(leaf.NotAfter)
	}
	return obs
}
