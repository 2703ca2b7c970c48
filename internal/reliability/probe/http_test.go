package probe

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/dur"
)

// checkHTTP validates s with k and runs one check.
func checkHTTP(t *testing.T, k *httpKind, s Settings) Observation {
	t.Helper()
	s.Type = "http"
	if err := k.Validate(&s); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	return k.Check(context.Background(), &s, Env{Now: time.Now()})
}

func TestHTTPOK(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	}))
	defer srv.Close()

	obs := checkHTTP(t, newHTTP(nil, nil), Settings{Target: srv.URL})
	if obs.Err != "" {
		t.Fatalf("Err = %q, want none", obs.Err)
	}
	if obs.Input.Status != 200 || string(obs.Input.Body) != "ok" {
		t.Errorf("got status %d body %q, want 200 %q", obs.Input.Status, obs.Input.Body, "ok")
	}
	if !obs.Input.Connected || obs.Input.IP != "127.0.0.1" {
		t.Errorf("got connected %v ip %q, want true 127.0.0.1", obs.Input.Connected, obs.Input.IP)
	}
	if obs.Phases.Connect <= 0 || obs.Phases.FirstByte <= 0 || obs.Phases.Total < obs.Phases.FirstByte {
		t.Errorf("phases %+v: want connect and first byte > 0, total >= first byte", obs.Phases)
	}
	if obs.Phases.DNS != 0 || obs.Phases.TLS != 0 {
		t.Errorf("phases %+v: want no DNS or TLS for a plain http IP target", obs.Phases)
	}
	if obs.Input.ResponseTime != obs.Phases.Total {
		t.Errorf("ResponseTime %s, want total %s", obs.Input.ResponseTime, obs.Phases.Total)
	}
	if obs.Input.HasCertificate {
		t.Error("HasCertificate true for plain http")
	}
}

// TestHTTPFreshConnection checks that keep-alive is off: every check is a
// new connection, so its phases are measured, not reused.
func TestHTTPFreshConnection(t *testing.T) {
	conns := make(chan string, 10)
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	srv.Config.ConnState = func(c net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns <- c.RemoteAddr().String()
		}
	}
	srv.Start()
	defer srv.Close()

	k := newHTTP(nil, nil)
	for range 3 {
		if obs := checkHTTP(t, k, Settings{Target: srv.URL}); obs.Err != "" || obs.Phases.Connect <= 0 {
			t.Fatalf("Err %q, connect %s: want no error and a connect phase", obs.Err, obs.Phases.Connect)
		}
	}
	if got := len(conns); got != 3 {
		t.Errorf("got %d connections for 3 checks, want 3", got)
	}
}

func TestHTTPRefused(t *testing.T) {
	obs := checkHTTP(t, newHTTP(nil, nil), Settings{Target: "http://" + closedPort(t) + "/"})
	if obs.Err != "connection refused" {
		t.Errorf("Err = %q, want %q", obs.Err, "connection refused")
	}
	if obs.Input.Connected || obs.Input.Status != 0 {
		t.Errorf("got connected %v status %d, want false 0", obs.Input.Connected, obs.Input.Status)
	}
}

func TestHTTPNoSuchHost(t *testing.T) {
	k := newHTTP(testResolver(startDNS(t)), nil)
	obs := checkHTTP(t, k, Settings{Target: "http://does-not-exist.invalid/"})
	if want := "no such host does-not-exist.invalid"; obs.Err != want {
		t.Errorf("Err = %q, want %q", obs.Err, want)
	}
	if obs.Input.Connected {
		t.Error("Connected true for a name that does not resolve")
	}
}

func TestHTTPResolvesName(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	k := newHTTP(testResolver(startDNS(t)), nil)
	obs := checkHTTP(t, k, Settings{Target: "http://known.test:" + port + "/"})
	if obs.Err != "" || obs.Input.Status != 200 {
		t.Fatalf("got err %q status %d, want none 200", obs.Err, obs.Input.Status)
	}
	if obs.Phases.DNS <= 0 || obs.Input.IP != "127.0.0.1" {
		t.Errorf("got DNS phase %s ip %q, want > 0 and 127.0.0.1", obs.Phases.DNS, obs.Input.IP)
	}
}

func TestHTTPHangs(t *testing.T) {
	addr := serveTCP(t, func(c net.Conn) { io.Copy(io.Discard, c) })
	tests := []struct {
		name    string
		timeout time.Duration // Settings.Timeout
		ctx     time.Duration // deadline of the caller's context; 0 for none
		want    string
	}{
		{"settings timeout", 500 * time.Millisecond, 0, "timeout after 500ms waiting for response"},
		{"context deadline", 10 * time.Second, 300 * time.Millisecond, "timeout after 300ms waiting for response"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newHTTP(nil, nil)
			s := Settings{Target: "http://" + addr + "/", Timeout: dur.Duration(tt.timeout)}
			if err := k.Validate(&s); err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			limit := tt.timeout
			if tt.ctx > 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithTimeout(ctx, tt.ctx)
				defer cancel()
				limit = tt.ctx
			}
			start := time.Now()
			obs := k.Check(ctx, &s, Env{})
			took := time.Since(start)
			if took < limit-50*time.Millisecond || took > limit+500*time.Millisecond {
				t.Errorf("check took %s, want about %s", took, limit)
			}
			if obs.Err != tt.want {
				t.Errorf("Err = %q, want %q", obs.Err, tt.want)
			}
			if !obs.Input.Connected || obs.Input.Status != 0 {
				t.Errorf("got connected %v status %d, want true 0", obs.Input.Connected, obs.Input.Status)
			}
		})
	}
}

func TestHTTPSlow(t *testing.T) {
	const delay = 300 * time.Millisecond
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(delay)
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		time.Sleep(delay)
		fmt.Fprint(w, "late")
	}))
	defer srv.Close()

	obs := checkHTTP(t, newHTTP(nil, nil), Settings{Target: srv.URL})
	if obs.Err != "" || string(obs.Input.Body) != "late" {
		t.Fatalf("got err %q body %q, want none and %q", obs.Err, obs.Input.Body, "late")
	}
	// The body's second delay comes after the first byte.
	if obs.Phases.FirstByte < delay || obs.Phases.FirstByte >= 2*delay {
		t.Errorf("first byte after %s, want between %s and %s", obs.Phases.FirstByte, delay, 2*delay)
	}
	if obs.Phases.Total < 2*delay || obs.Input.ResponseTime != obs.Phases.Total {
		t.Errorf("total %s response time %s, want both at least %s", obs.Phases.Total, obs.Input.ResponseTime, 2*delay)
	}
	if obs.Phases.Connect >= delay {
		t.Errorf("connect took %s, want well under %s", obs.Phases.Connect, delay)
	}
}

func TestHTTPGarbage(t *testing.T) {
	tests := []struct {
		name  string
		serve func(net.Conn)
		want  []string // Err contains one of these
	}{
		{"answers garbage", func(c net.Conn) {
			c.Read(make([]byte, 1024))
			c.Write([]byte("\x00\x01garbage\r\n\r\n"))
			c.Close()
		}, []string{"malformed HTTP response"}},
		// Whether the banner arrives before or after the request is written
		// is a race; either way the reason must say it is not HTTP.
		{"speaks first", func(c net.Conn) {
			c.Write([]byte("SSH-2.0-OpenSSH_9.6\r\n"))
			c.Close()
		}, []string{"malformed HTTP response", "not an HTTP server"}},
		{"closes at once", func(c net.Conn) { c.Close() }, []string{"connection closed by server", "connection reset by peer"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serveTCP(t, tt.serve)
			obs := checkHTTP(t, newHTTP(nil, nil), Settings{Target: "http://" + addr + "/"})
			if !slices.ContainsFunc(tt.want, func(w string) bool { return strings.Contains(obs.Err, w) }) {
				t.Errorf("Err = %q, want it to contain one of %q", obs.Err, tt.want)
			}
			if !obs.Input.Connected || obs.Input.Status != 0 {
				t.Errorf("got connected %v status %d, want true 0", obs.Input.Connected, obs.Input.Status)
			}
		})
	}
}

func TestHTTPHugeBody(t *testing.T) {
	const size = 50 << 20
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", fmt.Sprint(size))
		chunk := []byte(strings.Repeat("x", 64<<10))
		for sent := 0; sent < size; sent += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	}))
	defer srv.Close()

	tests := []struct {
		name    string
		maxBody int64
		want    int
	}{
		{"default limit", 0, 1 << 20},
		{"small limit", 1000, 1000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			obs := checkHTTP(t, newHTTP(nil, nil), Settings{Target: srv.URL, MaxBody: tt.maxBody})
			if took := time.Since(start); took > 2*time.Second {
				t.Errorf("check took %s, want it to stop reading at the limit", took)
			}
			if obs.Err != "" || obs.Input.Status != 200 {
				t.Fatalf("got err %q status %d, want none 200", obs.Err, obs.Input.Status)
			}
			if len(obs.Input.Body) != tt.want {
				t.Errorf("read %d bytes, want %d", len(obs.Input.Body), tt.want)
			}
		})
	}
}

func TestHTTPRedirects(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("GET /start", http.RedirectHandler("/final", http.StatusFound))
	mux.Handle("GET /loop", http.RedirectHandler("/loop", http.StatusFound))
	mux.HandleFunc("GET /final", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "final") })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	tests := []struct {
		name    string
		path    string
		ignore  bool
		status  int
		body    string
		wantErr string
	}{
		{"followed", "/start", false, 200, "final", ""},
		{"ignored", "/start", true, 302, "", ""},
		{"loop", "/loop", false, 302, "", "stopped after 10 redirects"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obs := checkHTTP(t, newHTTP(nil, nil), Settings{Target: srv.URL + tt.path, IgnoreRedirect: tt.ignore})
			if obs.Err != tt.wantErr {
				t.Errorf("Err = %q, want %q", obs.Err, tt.wantErr)
			}
			if obs.Input.Status != tt.status {
				t.Errorf("status %d, want %d", obs.Input.Status, tt.status)
			}
			if tt.body != "" && string(obs.Input.Body) != tt.body {
				t.Errorf("body %q, want %q", obs.Input.Body, tt.body)
			}
		})
	}
}

func TestHTTPSendsRequest(t *testing.T) {
	type seen struct{ method, host, token, agent, body string }
	got := make(chan seen, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- seen{r.Method, r.Host, r.Header.Get("X-Token"), r.Header.Get("User-Agent"), string(b)}
		w.WriteHeader(http.StatusCreated)
	}))
	defer srv.Close()

	obs := checkHTTP(t, newHTTP(nil, nil), Settings{
		Target:  srv.URL + "/items",
		Method:  "put",
		Headers: map[string]string{"X-Token": "abc", "Host": "api.example.test"},
		Body:    `{"name":"probe"}`,
	})
	if obs.Err != "" || obs.Input.Status != 201 {
		t.Fatalf("got err %q status %d, want none 201", obs.Err, obs.Input.Status)
	}
	want := seen{"PUT", "api.example.test", "abc", userAgent, `{"name":"probe"}`}
	if s := <-got; s != want {
		t.Errorf("server saw %+v, want %+v", s, want)
	}
}

func TestHTTPSCertificates(t *testing.T) {
	ok := func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "secure") }
	valid := mustCert(t, -time.Hour, 30*24*time.Hour, "127.0.0.1", "localhost")
	expired := mustCert(t, -48*time.Hour, -24*time.Hour, "127.0.0.1", "localhost")
	other := mustCert(t, -time.Hour, 30*24*time.Hour, "example.test")

	tests := []struct {
		name      string
		cert      testCert
		trust     bool // trust cert through the kind's roots
		insecure  bool
		host      string
		wantErr   string // substring; "" for none
		wantLeft  time.Duration
		wantTrust bool
	}{
		{"trusted", valid, true, false, "127.0.0.1", "", 30 * 24 * time.Hour, true},
		{"self-signed", valid, false, false, "127.0.0.1", "x509: self-signed certificate, not trusted", 30 * 24 * time.Hour, false},
		{"self-signed insecure", valid, false, true, "127.0.0.1", "", 30 * 24 * time.Hour, true},
		{"expired", expired, true, false, "127.0.0.1", "x509: certificate has expired on", -24 * time.Hour, false},
		{"expired insecure", expired, false, true, "127.0.0.1", "", -24 * time.Hour, true},
		{"wrong host name", other, true, false, "localhost", "x509: certificate is valid for example.test, not localhost", 30 * 24 * time.Hour, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := startHTTPS(t, tt.cert, http.HandlerFunc(ok))
			_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
			k := newHTTP(nil, nil)
			if tt.trust {
				k = newHTTP(nil, tt.cert.pool())
			}
			obs := checkHTTP(t, k, Settings{Target: "https://" + net.JoinHostPort(tt.host, port) + "/", Insecure: tt.insecure})

			if tt.wantErr == "" && obs.Err != "" || !strings.Contains(obs.Err, tt.wantErr) {
				t.Errorf("Err = %q, want %q", obs.Err, tt.wantErr)
			}
			if !obs.Input.Connected || obs.Phases.TLS <= 0 {
				t.Errorf("got connected %v TLS phase %s, want true and > 0", obs.Input.Connected, obs.Phases.TLS)
			}
			if got := obs.Input.Status == 200; got != tt.wantTrust {
				t.Errorf("got status %d, want a response %v", obs.Input.Status, tt.wantTrust)
			}
			if !obs.Input.HasCertificate {
				t.Fatal("HasCertificate false, want the leaf's expiry reported")
			}
			if d := obs.Input.CertificateExpiration - tt.wantLeft; d < -time.Minute || d > time.Minute {
				t.Errorf("CertificateExpiration %s, want about %s", obs.Input.CertificateExpiration, tt.wantLeft)
			}
		})
	}
}

func TestHTTPSAgainstPlainServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer srv.Close()
	obs := checkHTTP(t, newHTTP(nil, nil), Settings{Target: strings.Replace(srv.URL, "http:", "https:", 1)})
	if want := "http: server gave HTTP response to HTTPS client"; obs.Err != want {
		t.Errorf("Err = %q, want %q", obs.Err, want)
	}
}

func BenchmarkHTTPCheck(b *testing.B) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `{"status":"UP"}`)
	}))
	defer srv.Close()
	k := newHTTP(nil, nil)
	s := Settings{Type: "http", Target: srv.URL + "/health"}
	if err := k.Validate(&s); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if obs := k.Check(ctx, &s, Env{}); obs.Err != "" {
			b.Fatal(obs.Err)
		}
	}
}
