package notify

import (
	"context"
	"encoding/base64"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/textproto"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// smtpServer speaks just enough SMTP for net/smtp: EHLO, AUTH PLAIN, MAIL,
// RCPT, DATA, QUIT, and a STARTTLS it offers but always refuses.
type smtpServer struct {
	ln       net.Listener
	startTLS bool

	mu       sync.Mutex
	commands []string
	auth     []string // decoded AUTH PLAIN responses
	mails    []smtpMail
}

type smtpMail struct {
	from string
	to   []string
	data string
}

func startSMTP(t *testing.T, offerStartTLS bool) *smtpServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, startTLS: offerStartTLS}
	var wg sync.WaitGroup
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				s.serve(c)
			}()
		}
	}()
	return s
}

func (s *smtpServer) settings() *Settings {
	host, port, _ := net.SplitHostPort(s.ln.Addr().String())
	p, _ := strconv.Atoi(port)
	return &Settings{SMTPHost: host, SMTPPort: p, From: "Chief <chief@example.com>", To: []string{"oncall@example.com", "Ana <ana@example.com>"}}
}

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(10 * time.Second))
	tc := textproto.NewConn(c)
	_ = tc.PrintfLine("220 test.local ESMTP")
	var m smtpMail
	for {
		line, err := tc.ReadLine()
		if err != nil {
			return
		}
		verb, arg, _ := strings.Cut(line, " ")
		verb = strings.ToUpper(verb)
		s.mu.Lock()
		s.commands = append(s.commands, verb)
		s.mu.Unlock()
		switch verb {
		case "EHLO", "HELO":
			_ = tc.PrintfLine("250-test.local")
			if s.startTLS {
				_ = tc.PrintfLine("250-STARTTLS")
			}
			_ = tc.PrintfLine("250 AUTH PLAIN")
		case "STARTTLS":
			_ = tc.PrintfLine("454 TLS not available")
		case "AUTH":
			mech, resp, _ := strings.Cut(arg, " ")
			dec, err := base64.StdEncoding.DecodeString(resp)
			if mech != "PLAIN" || err != nil {
				_ = tc.PrintfLine("504 unsupported")
				continue
			}
			s.mu.Lock()
			s.auth = append(s.auth, string(dec))
			s.mu.Unlock()
			_ = tc.PrintfLine("235 ok")
		case "MAIL":
			m = smtpMail{from: strings.TrimSuffix(strings.TrimPrefix(arg, "FROM:<"), ">")}
			_ = tc.PrintfLine("250 ok")
		case "RCPT":
			m.to = append(m.to, strings.TrimSuffix(strings.TrimPrefix(arg, "TO:<"), ">"))
			_ = tc.PrintfLine("250 ok")
		case "DATA":
			_ = tc.PrintfLine("354 go ahead")
			data, err := io.ReadAll(tc.DotReader())
			if err != nil {
				return
			}
			m.data = string(data)
			s.mu.Lock()
			s.mails = append(s.mails, m)
			s.mu.Unlock()
			_ = tc.PrintfLine("250 queued")
		case "QUIT":
			_ = tc.PrintfLine("221 bye")
			return
		default:
			_ = tc.PrintfLine("502 not implemented")
		}
	}
}

func (s *smtpServer) received() ([]smtpMail, []string, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]smtpMail(nil), s.mails...), append([]string(nil), s.commands...), append([]string(nil), s.auth...)
}

func TestEmail(t *testing.T) {
	srv := startSMTP(t, false)
	set := srv.settings()
	if err := (email{}).Validate(set); err != nil {
		t.Fatal(err)
	}
	m := testMessage(KindDown)
	m.Title = "checkout is down — 5xx\r\nBcc: evil@example.com"
	m.Text = "Checks failed.\n.a line that starts with a dot\nlast line"
	if err := (email{}).Send(context.Background(), set, m); err != nil {
		t.Fatalf("Send: %v", err)
	}
	mails, commands, auth := srv.received()
	if len(mails) != 1 {
		t.Fatalf("mails: got %d, want 1", len(mails))
	}
	got := mails[0]
	if got.from != "chief@example.com" || strings.Join(got.to, ",") != "oncall@example.com,ana@example.com" {
		t.Errorf("envelope: got from %q to %q, want chief@example.com to oncall and ana", got.from, got.to)
	}
	if strings.Join(commands, " ") != "EHLO MAIL RCPT RCPT DATA QUIT" {
		t.Errorf("commands: got %v, want EHLO MAIL RCPT RCPT DATA QUIT (no AUTH without a username)", commands)
	}
	if len(auth) != 0 {
		t.Errorf("auth: got %q, want none", auth)
	}

	msg, err := mail.ReadMessage(strings.NewReader(got.data))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, got.data)
	}
	h := msg.Header
	var dec mime.WordDecoder
	subject, err := dec.DecodeHeader(h.Get("Subject"))
	if err != nil {
		t.Fatal(err)
	}
	if want := "[critical] checkout is down — 5xx Bcc: evil@example.com"; subject != want {
		t.Errorf("Subject: got %q, want %q", subject, want)
	}
	if h.Get("Bcc") != "" {
		t.Errorf("Bcc: got %q, want no header injected from the title", h.Get("Bcc"))
	}
	from, err := h.AddressList("From")
	if err != nil || len(from) != 1 || from[0].Address != "chief@example.com" || from[0].Name != "Chief" {
		t.Errorf("From: got %v (%v), want Chief <chief@example.com>", from, err)
	}
	to, err := h.AddressList("To")
	if err != nil || len(to) != 2 || to[1].Address != "ana@example.com" || to[1].Name != "Ana" {
		t.Errorf("To: got %v (%v), want both recipients", to, err)
	}
	if date, err := h.Date(); err != nil || time.Since(date) > time.Minute || time.Since(date) < -time.Minute {
		t.Errorf("Date: got %q (%v), want about now", h.Get("Date"), err)
	}
	if id := h.Get("Message-ID"); !regexp.MustCompile(`^<[0-9a-f]{32}@example\.com>$`).MatchString(id) {
		t.Errorf("Message-ID: got %q, want <hex@example.com>", id)
	}
	for k, want := range map[string]string{
		"MIME-Version":              "1.0",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"X-Chief-Delivery":          m.EventKey,
	} {
		if got := h.Get(k); got != want {
			t.Errorf("%s: got %q, want %q", k, got, want)
		}
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"checkout is down — 5xx",
		"\n.a line that starts with a dot\n",
		"Entity: component:default/checkout",
		"Team: group:default/payments",
		"Severity: critical",
		"At: 2026-11-28 02:00:00 UTC",
		"latency: 830 ms",
		"http://127.0.0.1:8080/monitors/12",
		m.EventKey,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("body: got\n%s\nwant it to contain %q", body, want)
		}
	}

	// The same event sent again has the same Message-ID.
	if err := (email{}).Send(context.Background(), set, m); err != nil {
		t.Fatal(err)
	}
	mails, _, _ = srv.received()
	again, _ := mail.ReadMessage(strings.NewReader(mails[1].data))
	if a, b := again.Header.Get("Message-ID"), h.Get("Message-ID"); a != b {
		t.Errorf("Message-ID of a resend: got %q, want %q", a, b)
	}
}

func TestEmailAuthAndTLS(t *testing.T) {
	cases := []struct {
		name     string
		offerTLS bool
		noTLS    bool
		username string
		wantErr  string
		wantCmds string
		wantAuth string
	}{
		{"plain auth", false, false, "chief", "", "EHLO AUTH MAIL RCPT RCPT DATA QUIT", "\x00chief\x00pw"},
		{"starttls offered is used", true, false, "", "STARTTLS", "EHLO STARTTLS", ""},
		{"starttls skipped with no_tls", true, true, "chief", "", "EHLO AUTH MAIL RCPT RCPT DATA QUIT", "\x00chief\x00pw"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSMTP(t, tc.offerTLS)
			set := srv.settings()
			set.NoTLS = tc.noTLS
			if tc.username != "" {
				set.Username, set.Password = tc.username, "pw"
			}
			err := (email{}).Send(context.Background(), set, testMessage(KindUp))
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatalf("Send: got %v, want nil", err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("Send: got %v, want an error with %q", err, tc.wantErr)
			}
			// The server records each command before it answers, so all
			// are in by now.
			_, cmds, auth := srv.received()
			if got := strings.Join(cmds, " "); got != tc.wantCmds {
				t.Errorf("commands: got %q, want %q", got, tc.wantCmds)
			}
			if got := strings.Join(auth, ","); got != tc.wantAuth {
				t.Errorf("auth: got %q, want %q", got, tc.wantAuth)
			}
		})
	}
}
