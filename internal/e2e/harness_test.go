package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"

	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/cli"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine to write while
// the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// server is a running Chief started through cli.Run.
type server struct {
	URL string
	// Setup is the one-time first-admin link printed at start, if any.
	Setup string
	// DemoEmail and DemoPassword are printed with --demo.
	DemoEmail, DemoPassword string
	dbArgs                  []string
	stdout, stderr          *syncBuffer
}

var (
	listenRe = regexp.MustCompile(`Chief is listening on (http://\S+)`)
	setupRe  = regexp.MustCompile(`(http://\S+/setup\?token=\S+)`)
	demoRe   = regexp.MustCompile(`Sign in as (\S+) with password (\S+)`)
)

// engines runs fn against a server on SQLite and, when configured, one on
// PostgreSQL.
func engines(t *testing.T, fn func(t *testing.T, dbArgs []string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, []string{"--data", t.TempDir()}) })
	t.Run("postgres", func(t *testing.T) { fn(t, []string{"--database-url", dbtest.PostgresURL(t)}) })
}

// startServer runs "chief serve" on a free loopback port with the database
// arguments given (a fresh SQLite folder when none) and stops it when the
// test ends.
func startServer(t testing.TB, dbArgs []string, extra ...string) *server {
	t.Helper()
	if len(dbArgs) == 0 {
		dbArgs = []string{"--data", t.TempDir()}
	}
	s := &server{dbArgs: dbArgs, stdout: &syncBuffer{}, stderr: &syncBuffer{}}
	ctx, cancel := context.WithCancel(context.Background())
	args := append([]string{"serve", "--addr", "127.0.0.1:0", "--log-level", "warn"}, dbArgs...)
	args = append(args, extra...)
	done := make(chan error, 1)
	go func() { done <- cli.Run(ctx, args, noEnv, strings.NewReader(""), s.stdout, s.stderr) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server stopped with %v", err)
			}
		case <-time.After(20 * time.Second):
			t.Error("server did not stop within 20 s of cancellation")
		}
	})
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			done <- err // for the cleanup, which waits for the exit
			t.Fatalf("server exited early: %v\nstdout: %s\nstderr: %s", err, s.stdout, s.stderr)
		default:
		}
		out := s.stdout.String()
		if m := listenRe.FindStringSubmatch(out); m != nil {
			s.URL = m[1]
			if m := setupRe.FindStringSubmatch(out); m != nil {
				s.Setup = m[1]
			}
			if m := demoRe.FindStringSubmatch(out); m != nil {
				s.DemoEmail, s.DemoPassword = m[1], m[2]
			}
			return s
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("server did not start within 20 s\nstdout: %s\nstderr: %s", s.stdout, s.stderr)
	return nil
}

// noEnv keeps the tests from reading the machine's CHIEF_* variables.
func noEnv(string) string { return "" }

// cli runs a chief command against the server's database.
func (s *server) cli(t testing.TB, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append(args, s.dbArgs...)
	err := cli.Run(context.Background(), args, noEnv, strings.NewReader(stdin), &out, &errOut)
	return out.String() + errOut.String(), err
}

// client is a browser-like HTTP client with its own cookie jar. It does not
// follow redirects, so tests can check where they lead.
type client struct {
	t    testing.TB
	base string
	http *http.Client
	// bearer, when set, is sent as the Authorization header.
	bearer string
}

func (s *server) client(t testing.TB) *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: t, base: s.URL, http: &http.Client{
		Jar:     jar,
		Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}}
}

// response is a read response.
type response struct {
	Status   int
	Body     string
	Location string
	Header   http.Header
}

func (c *client) do(req *http.Request) response {
	c.t.Helper()
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Body: string(body), Location: resp.Header.Get("Location"), Header: resp.Header}
}

func (c *client) get(path string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, c.base+path, nil)
	return c.do(req)
}

func (c *client) postForm(path string, form url.Values, headers ...string) response {
	c.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return c.do(req)
}

// json sends body (marshalled unless it is a string) and decodes the answer
// into out when out is not nil.
func (c *client) json(method, path string, body any, out any) response {
	c.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	r := c.do(req)
	if out != nil && r.Status < 300 {
		if err := json.Unmarshal([]byte(r.Body), out); err != nil {
			c.t.Fatalf("%s %s: decode %q: %v", method, path, r.Body, err)
		}
	}
	return r
}

// login signs the client in and fails the test if that does not work.
func (c *client) login(email, password string) {
	c.t.Helper()
	r := c.postForm("/login", url.Values{"email": {email}, "password": {password}})
	if r.Status != http.StatusSeeOther {
		c.t.Fatalf("login %s: got status %d, want 303\n%s", email, r.Status, r.Body)
	}
}

// adminPassword is what the tests give every user they create.
const adminPassword = "correct horse battery"

// setupAdmin creates the first admin through the setup link and returns a
// client signed in as that admin.
func (s *server) setupAdmin(t testing.TB) *client {
	t.Helper()
	if s.Setup == "" {
		t.Fatalf("no setup link printed; stdout: %s", s.stdout)
	}
	u, err := url.Parse(s.Setup)
	if err != nil {
		t.Fatal(err)
	}
	c := s.client(t)
	r := c.postForm("/setup", url.Values{"token": {u.Query().Get("token")}, "email": {"admin@example.com"},
		"password": {adminPassword}, "password2": {adminPassword}})
	if r.Status != http.StatusSeeOther {
		t.Fatalf("setup: got status %d, want 303\n%s", r.Status, r.Body)
	}
	return c
}

// skipShort skips slow tests under -short.
func skipShort(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped under -short")
	}
}
