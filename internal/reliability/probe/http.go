package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/chief-hq/chief/internal/apperr"
)

const (
	defaultMaxBody = 1 << 20
	// maxMaxBody keeps ten thousand monitors from holding gigabytes of
	// bodies at once.
	maxMaxBody   = 16 << 20
	maxRedirects = 10
	userAgent    = "Chief-Probe/1"
)

var errTooManyRedirects = errors.New("stopped after 10 redirects")

// httpKind requests a URL. Its clients are built once and shared by every
// check: a transport per check would cost more CPU than the check itself.
// Keep-alives are off so each check opens a fresh connection and its DNS,
// connect and TLS phases are real.
type httpKind struct {
	// clients[insecure][ignoreRedirect]
	clients [2][2]*http.Client
}

// newHTTP builds the kind. resolver looks up host names and roots holds the
// trusted CAs (nil: the system's); tests pass their own.
func newHTTP(resolver *net.Resolver, roots *x509.CertPool) *httpKind {
	k := &httpKind{}
	for i, insecure := range []bool{false, true} {
		dialer := &net.Dialer{Resolver: resolver, KeepAlive: -1}
		t := &http.Transport{
			// No proxy: a monitor measures the path to the target itself.
			Proxy:                  nil,
			DialContext:            dialer.DialContext,
			TLSClientConfig:        &tls.Config{InsecureSkipVerify: insecure, RootCAs: roots},
			DisableKeepAlives:      true,
			MaxResponseHeaderBytes: 64 << 10,
		}
		k.clients[i][0] = &http.Client{Transport: t, CheckRedirect: followRedirects}
		k.clients[i][1] = &http.Client{Transport: t, CheckRedirect: ignoreRedirects}
	}
	return k
}

func followRedirects(_ *http.Request, via []*http.Request) error {
	if len(via) >= maxRedirects {
		return errTooManyRedirects
	}
	return nil
}

func ignoreRedirects(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// Validate checks the URL, method and headers and fills Method, MaxBody and
// Timeout.
func (k *httpKind) Validate(s *Settings) error {
	if err := rejectUnused(s, "http", useTarget|useTimeout|useMethod|useHeaders|useBody|useIgnoreRedirect|useInsecure|useMaxBody); err != nil {
		return err
	}
	u, err := url.Parse(s.Target)
	if s.Target == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return apperr.Field("target", "%q is not an http:// or https:// URL", s.Target)
	}
	if !validHost(u.Hostname()) {
		return apperr.Field("target", "%q is not a host name or IP address", u.Hostname())
	}
	if s.Method == "" {
		s.Method = http.MethodGet
	}
	s.Method = strings.ToUpper(s.Method)
	if !httpguts.ValidHeaderFieldName(s.Method) {
		return apperr.Field("method", "%q is not an HTTP method such as GET or POST", s.Method)
	}
	for name, value := range s.Headers {
		if !httpguts.ValidHeaderFieldName(name) {
			return apperr.Field("headers", "%q is not a valid header name", name)
		}
		if !httpguts.ValidHeaderFieldValue(value) {
			return apperr.Field("headers", "the value of %s contains characters a header cannot hold", name)
		}
	}
	switch {
	case s.MaxBody == 0:
		s.MaxBody = defaultMaxBody
	case s.MaxBody < 0 || s.MaxBody > maxMaxBody:
		return apperr.Field("max_body", "%d is out of range; use 1 to %d bytes (default %d)", s.MaxBody, maxMaxBody, defaultMaxBody)
	}
	return validateTimeout(s)
}

// DefaultConditions: any status below 400.
func (k *httpKind) DefaultConditions() []string { return []string{"[STATUS] < 400"} }

// Check sends one request and reads at most MaxBody of the response.
func (k *httpKind) Check(ctx context.Context, s *Settings, _ Env) Observation {
	ctx, cancel, limit := bound(ctx, s)
	defer cancel()
	t := &httpTrace{start: time.Now()}
	var obs Observation

	var body io.Reader
	if s.Body != "" {
		body = strings.NewReader(s.Body)
	}
	method := s.Method
	if method == "" {
		method = http.MethodGet
	}
	req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, t.clientTrace()), method, s.Target, body)
	if err != nil {
		obs.Err = shorten(err.Error())
		return obs
	}
	req.Header.Set("User-Agent", userAgent)
	for name, value := range s.Headers {
		if strings.EqualFold(name, "Host") {
			req.Host = value
			continue
		}
		req.Header.Set(name, value)
	}

	var leaf *x509.Certificate
	resp, err := k.client(s).Do(req)
	if resp != nil {
		// On a redirect error resp is the last response, its body closed.
		obs.Input.Status = resp.StatusCode
	}
	if err == nil {
		t.setStep("reading body")
		maxBody := s.MaxBody
		if maxBody <= 0 {
			maxBody = defaultMaxBody
		}
		obs.Input.Body, err = io.ReadAll(io.LimitReader(resp.Body, maxBody))
		resp.Body.Close()
		if resp.TLS != nil && len(resp.TLS.PeerCertificates) > 0 {
			leaf = resp.TLS.PeerCertificates[0]
		}
	}
	total := time.Since(t.start)

	t.mu.Lock()
	obs.Phases = t.phases
	obs.Input.Connected = t.connected
	obs.Input.IP = t.ip
	step := t.step
	t.mu.Unlock()
	obs.Phases.Total = total
	obs.Input.ResponseTime = total

	if err != nil {
		obs.Err = describe(ctx, &stepError{step: step, err: err}, limit)
		if leaf == nil {
			leaf = unverifiedLeaf(err)
		}
	}
	if leaf != nil {
		obs.Input.HasCertificate = true
		obs.Input.CertificateExpiration = time.Until(leaf.NotAfter)
	}
	return obs
}

func (k *httpKind) client(s *Settings) *http.Client {
	i, j := 0, 0
	if s.Insecure {
		i = 1
	}
	if s.IgnoreRedirect {
		j = 1
	}
	return k.clients[i][j]
}

// httpTrace times one check's steps. Its callbacks run on the transport's
// goroutines, some (a losing dual-stack dial) possibly after the check
// ends, hence the mutex. DNS, connect and TLS add up over redirects; first
// byte is counted from the start of the check to the final response.
type httpTrace struct {
	start time.Time

	mu        sync.Mutex
	dnsStart  time.Time
	connStart time.Time
	tlsStart  time.Time
	phases    Phases
	connected bool
	ip        string
	step      string
}

func (t *httpTrace) setStep(step string) {
	t.mu.Lock()
	t.step = step
	t.mu.Unlock()
}

func (t *httpTrace) clientTrace() *httptrace.ClientTrace {
	return &httptrace.ClientTrace{
		DNSStart: func(httptrace.DNSStartInfo) {
			t.mu.Lock()
			t.dnsStart = time.Now()
			t.step = "during DNS lookup"
			t.mu.Unlock()
		},
		DNSDone: func(httptrace.DNSDoneInfo) {
			t.mu.Lock()
			t.phases.DNS += time.Since(t.dnsStart)
			t.mu.Unlock()
		},
		ConnectStart: func(string, string) {
			t.mu.Lock()
			if t.connStart.IsZero() {
				t.connStart = time.Now()
			}
			t.step = "while connecting"
			t.mu.Unlock()
		},
		ConnectDone: func(_, addr string, err error) {
			t.mu.Lock()
			defer t.mu.Unlock()
			if err != nil || t.connStart.IsZero() {
				return
			}
			t.phases.Connect += time.Since(t.connStart)
			t.connStart = time.Time{}
			t.connected = true
			if host, _, err := net.SplitHostPort(addr); err == nil {
				t.ip = host
			}
		},
		TLSHandshakeStart: func() {
			t.mu.Lock()
			t.tlsStart = time.Now()
			t.step = "during TLS handshake"
			t.mu.Unlock()
		},
		TLSHandshakeDone: func(tls.ConnectionState, error) {
			t.mu.Lock()
			t.phases.TLS += time.Since(t.tlsStart)
			t.mu.Unlock()
		},
		WroteRequest: func(httptrace.WroteRequestInfo) {
			t.setStep("waiting for response")
		},
		GotFirstResponseByte: func() {
			t.mu.Lock()
			t.phases.FirstByte = time.Since(t.start)
			t.mu.Unlock()
		},
	}
}
