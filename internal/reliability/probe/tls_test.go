package probe

import (
	"context"
	"crypto/tls"
	"net"
	"strings"
	"testing"
	"time"
)

// serveTLS completes handshakes with cert on a loopback port.
func serveTLS(t *testing.T, cert testCert) string {
	t.Helper()
	cfg := &tls.Config{Certificates: []tls.Certificate{cert.tls}}
	return serveTCP(t, func(c net.Conn) {
		tc := tls.Server(c, cfg)
		tc.SetDeadline(time.Now().Add(5 * time.Second))
		tc.Handshake()
		tc.Close()
	})
}

func TestTLS(t *testing.T) {
	valid := mustCert(t, -time.Hour, 30*24*time.Hour, "127.0.0.1", "localhost")
	expired := mustCert(t, -48*time.Hour, -24*time.Hour, "127.0.0.1", "localhost")
	other := mustCert(t, -time.Hour, 30*24*time.Hour, "example.test")
	plain := serveTCP(t, func(c net.Conn) {
		c.Write([]byte("HTTP/1.1 400 Bad Request\r\n\r\n"))
		c.Close()
	})

	tests := []struct {
		name      string
		addr      string
		cert      testCert // trusted through roots when set
		host      string
		insecure  bool
		connected bool
		err       string // substring
		left      time.Duration
	}{
		{"insecure ok", serveTLS(t, valid), testCert{}, "127.0.0.1", true, true, "", 30 * 24 * time.Hour},
		{"trusted ok", serveTLS(t, valid), valid, "localhost", false, true, "", 30 * 24 * time.Hour},
		{"untrusted", serveTLS(t, valid), testCert{}, "127.0.0.1", false, false, "self-signed", 30 * 24 * time.Hour},
		{"expired", serveTLS(t, expired), expired, "127.0.0.1", false, false, "x509: certificate has expired on", -24 * time.Hour},
		{"expired insecure", serveTLS(t, expired), testCert{}, "127.0.0.1", true, true, "", -24 * time.Hour},
		{"wrong host name", serveTLS(t, other), other, "localhost", false, false, "x509: certificate is valid for example.test, not localhost", 30 * 24 * time.Hour},
		{"not TLS", plain, testCert{}, "127.0.0.1", false, false, "not a TLS server", 0},
		{"refused", closedPort(t), testCert{}, "127.0.0.1", false, false, "connection refused", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := tlsKind{resolver: net.DefaultResolver}
			if tt.cert.leaf != nil {
				k.roots = tt.cert.pool()
			}
			_, port, _ := net.SplitHostPort(tt.addr)
			s := Settings{Type: "tls", Target: net.JoinHostPort(tt.host, port), Insecure: tt.insecure}
			if err := k.Validate(&s); err != nil {
				t.Fatal(err)
			}
			obs := k.Check(context.Background(), &s, Env{Now: time.Now()})
			if obs.Input.Connected != tt.connected {
				t.Errorf("connected %v, want %v", obs.Input.Connected, tt.connected)
			}
			if tt.err == "" && obs.Err != "" || !strings.Contains(obs.Err, tt.err) {
				t.Errorf("Err = %q, want %q", obs.Err, tt.err)
			}
			if got := obs.Input.HasCertificate; got != (tt.left != 0) {
				t.Fatalf("HasCertificate %v, want %v", got, tt.left != 0)
			}
			if d := obs.Input.CertificateExpiration - tt.left; d < -time.Minute || d > time.Minute {
				t.Errorf("CertificateExpiration %s, want about %s", obs.Input.CertificateExpiration, tt.left)
			}
			if tt.left != 0 && (obs.Phases.Connect <= 0 || obs.Phases.TLS <= 0) {
				t.Errorf("phases %+v, want connect and TLS > 0", obs.Phases)
			}
		})
	}
}
