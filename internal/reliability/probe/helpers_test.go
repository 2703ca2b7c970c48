package probe

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/miekg/dns"
)

// testCert is a self-signed certificate, its own CA, so a test can trust
// it through a pool.
type testCert struct {
	tls  tls.Certificate
	leaf *x509.Certificate
}

func (c testCert) pool() *x509.CertPool {
	p := x509.NewCertPool()
	p.AddCert(c.leaf)
	return p
}

// mustCert makes a certificate for names (host names or IPs) valid from
// notBefore to notAfter, relative to now.
func mustCert(tb testing.TB, notBefore, notAfter time.Duration, names ...string) testCert {
	tb.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		tb.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: "chief probe test"},
		NotBefore:             time.Now().Add(notBefore),
		NotAfter:              time.Now().Add(notAfter),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		tb.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		tb.Fatal(err)
	}
	return testCert{tls: tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf: leaf}
}

// startHTTPS serves h over TLS with cert; handshake failures are expected
// in these tests and not logged.
func startHTTPS(tb testing.TB, cert testCert, h http.Handler) *httptest.Server {
	tb.Helper()
	srv := httptest.NewUnstartedServer(h)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{cert.tls}}
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	tb.Cleanup(srv.Close)
	return srv
}

// closedPort returns a loopback address nothing listens on.
func closedPort(tb testing.TB) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// serveTCP accepts connections on loopback and hands each to handle in its
// own goroutine; connections are closed at cleanup.
func serveTCP(tb testing.TB, handle func(net.Conn)) string {
	tb.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	var (
		mu    sync.Mutex
		conns []net.Conn
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				handle(c)
			}()
		}
	}()
	tb.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

// testRecords is the zone the test DNS server answers from; any other name
// is NXDOMAIN. big.test is truncated over UDP, to force a retry over TCP.
var testRecords = []string{
	"known.test. 60 IN A 127.0.0.1",
	"v6.test. 60 IN AAAA ::1",
	"alias.test. 60 IN CNAME known.test.",
	"mail.test. 60 IN MX 10 mx.known.test.",
	"txt.test. 60 IN TXT \"v=spf1 \" \"-all\"",
	"1.0.0.127.in-addr.arpa. 60 IN PTR localhost.",
	"big.test. 60 IN TXT \"" + strings.Repeat("x", 200) + "\"",
	"big.test. 60 IN TXT \"" + strings.Repeat("y", 200) + "\"",
	"big.test. 60 IN TXT \"" + strings.Repeat("z", 200) + "\"",
}

func answerTest(w dns.ResponseWriter, req *dns.Msg) {
	m := new(dns.Msg)
	m.SetReply(req)
	q := req.Question[0]
	_, overTCP := w.RemoteAddr().(*net.TCPAddr)
	found := false
	name := q.Name
	for range 2 { // follow one CNAME
		next := ""
		for _, s := range testRecords {
			rr, err := dns.NewRR(s)
			if err != nil {
				panic(err)
			}
			h := rr.Header()
			if !strings.EqualFold(h.Name, name) {
				continue
			}
			found = true
			if h.Rrtype == q.Qtype || h.Rrtype == dns.TypeCNAME {
				m.Answer = append(m.Answer, rr)
			}
			if c, ok := rr.(*dns.CNAME); ok && q.Qtype != dns.TypeCNAME {
				next = c.Target
			}
		}
		if next == "" {
			break
		}
		name = next
	}
	if !found {
		m.Rcode = dns.RcodeNameError
	}
	if strings.EqualFold(q.Name, "big.test.") && !overTCP {
		m.Answer = nil
		m.Truncated = true
	}
	w.WriteMsg(m)
}

// startDNS serves testRecords on a loopback UDP and TCP port and returns
// its address.
func startDNS(tb testing.TB) string {
	tb.Helper()
	var (
		pc  net.PacketConn
		l   net.Listener
		err error
	)
	// The UDP port chosen may be taken for TCP; try a few.
	for range 20 {
		if pc, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
			tb.Fatal(err)
		}
		if l, err = net.Listen("tcp", pc.LocalAddr().String()); err == nil {
			break
		}
		pc.Close()
	}
	if err != nil {
		tb.Fatal(err)
	}
	addr := pc.LocalAddr().String()
	for _, srv := range []*dns.Server{
		{PacketConn: pc, Handler: dns.HandlerFunc(answerTest)},
		{Listener: l, Handler: dns.HandlerFunc(answerTest)},
	} {
		started := make(chan struct{})
		srv.NotifyStartedFunc = func() { close(started) }
		done := make(chan struct{})
		go func() {
			defer close(done)
			srv.ActivateAndServe()
		}()
		<-started
		tb.Cleanup(func() {
			srv.Shutdown()
			<-done
		})
	}
	return addr
}

// testResolver sends every lookup to the test DNS server, so no test
// depends on the machine's resolver or network.
func testResolver(dnsAddr string) *net.Resolver {
	return &net.Resolver{
		PreferGo: true,
		Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, dnsAddr)
		},
	}
}
