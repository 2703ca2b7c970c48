package notify

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/smtp"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
)

// email sends a plain-text mail over SMTP: STARTTLS when the server offers
// it, PLAIN authentication when a username is set.
type email struct{}

// defaultSMTPPort is the submission port, where STARTTLS is the rule.
const defaultSMTPPort = 587

func (email) Validate(s *Settings) error {
	s.SMTPHost = strings.TrimSpace(s.SMTPHost)
	if s.SMTPHost == "" {
		return apperr.Field("settings.smtp_host", "is required: the SMTP server, such as smtp.example.com")
	}
	if strings.ContainsAny(s.SMTPHost, ":/ ") {
		return apperr.Field("settings.smtp_host", "%q: give the host name only, and the port in smtp_port", s.SMTPHost)
	}
	if s.SMTPPort < 0 || s.SMTPPort > 65535 {
		return apperr.Field("settings.smtp_port", "%d is not a port (1-65535; 0 means %d)", s.SMTPPort, defaultSMTPPort)
	}
	s.From = strings.TrimSpace(s.From)
	if s.From == "" {
		return apperr.Field("settings.from", "is required: the sender address, such as chief@example.com")
	}
	if _, err := mail.ParseAddress(s.From); err != nil {
		return apperr.Field("settings.from", "%q is not an email address", s.From)
	}
	var to []string
	for i, a := range s.To {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		if _, err := mail.ParseAddress(a); err != nil {
			return apperr.Field(fmt.Sprintf("settings.to[%d]", i), "%q is not an email address", a)
		}
		to = append(to, a)
	}
	if len(to) == 0 {
		return apperr.Field("settings.to", "is required: at least one recipient address")
	}
	s.To = to
	if s.Password != "" && s.Username == "" {
		return apperr.Field("settings.username", "is required with a password")
	}
	if s.NoTLS && s.Username != "" && !localSMTP(s.SMTPHost) {
		return apperr.Field("settings.no_tls", "would send the password unencrypted to %s: sign-in without TLS works only with a server on localhost", s.SMTPHost)
	}
	return nil
}

func (email) Send(ctx context.Context, s *Settings, m *Message) error {
	port := s.SMTPPort
	if port == 0 {
		port = defaultSMTPPort
	}
	from, to, err := addresses(s)
	if err != nil {
		return err
	}
	msg := mailMessage(from, to, m, time.Now())

	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(s.SMTPHost, strconv.Itoa(port)))
	if err != nil {
		return fmt.Errorf("connect to SMTP server: %w", err)
	}
	// net/smtp knows no context: a deadline on the connection bounds the
	// whole conversation instead.
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	} else {
		_ = conn.SetDeadline(time.Now().Add(time.Minute))
	}
	c, err := smtp.NewClient(conn, s.SMTPHost)
	if err != nil {
		conn.Close()
		return fmt.Errorf("SMTP greeting: %w", err)
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok && !s.NoTLS {
		if err := c.StartTLS(&tls.Config{ServerName: s.SMTPHost}); err != nil {
			return fmt.Errorf("SMTP STARTTLS: %w", err)
		}
	}
	if s.Username != "" {
		// PlainAuth refuses to send the password unencrypted except to
		// localhost.
		if err := c.Auth(smtp.PlainAuth("", s.Username, s.Password, s.SMTPHost)); err != nil {
			return fmt.Errorf("SMTP authentication: %w", err)
		}
	}
	if err := c.Mail(from.Address); err != nil {
		return fmt.Errorf("SMTP MAIL FROM: %w", err)
	}
	for _, a := range to {
		if err := c.Rcpt(a.Address); err != nil {
			return fmt.Errorf("SMTP RCPT TO %s: %w", a.Address, err)
		}
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if _, err := w.Write(msg); err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("SMTP DATA: %w", err)
	}
	return c.Quit()
}

func addresses(s *Settings) (*mail.Address, []*mail.Address, error) {
	from, err := mail.ParseAddress(s.From)
	if err != nil {
		return nil, nil, fmt.Errorf("settings.from: %w", err)
	}
	var to []*mail.Address
	for _, a := range s.To {
		addr, err := mail.ParseAddress(a)
		if err != nil {
			return nil, nil, fmt.Errorf("settings.to: %w", err)
		}
		to = append(to, addr)
	}
	return from, to, nil
}

// mailMessage writes m as an RFC 5322 message. The Message-ID comes from
// the event key, the sender and the recipients, so a message the outbox
// sends twice carries the same id and mail programs can fold the copies.
func mailMessage(from *mail.Address, to []*mail.Address, m *Message, now time.Time) []byte {
	subject := m.Title
	if m.Severity != "" {
		subject = "[" + m.Severity + "] " + subject
	}
	domain := "chief.invalid"
	if _, d, ok := strings.Cut(from.Address, "@"); ok {
		domain = d
	}
	rcpt := make([]string, len(to))
	for i, a := range to {
		rcpt[i] = a.String()
	}
	sum := sha256.Sum256([]byte(m.EventKey + "\x00" + from.Address + "\x00" + strings.Join(rcpt, ",")))

	var b bytes.Buffer
	header := func(k, v string) {
		b.WriteString(k + ": " + v + "\r\n")
	}
	header("From", from.String())
	header("To", strings.Join(rcpt, ", "))
	header("Subject", mime.QEncoding.Encode("utf-8", oneLine(subject)))
	header("Date", now.Format(time.RFC1123Z))
	header("Message-ID", "<"+hex.EncodeToString(sum[:16])+"@"+domain+">")
	header("MIME-Version", "1.0")
	header("Content-Type", "text/plain; charset=utf-8")
	header("Content-Transfer-Encoding", "quoted-printable")
	header("Auto-Submitted", "auto-generated")
	header("X-Chief-Event", string(m.Kind))
	header("X-Chief-Delivery", oneLine(m.EventKey))
	b.WriteString("\r\n")
	qp := quotedprintable.NewWriter(&b)
	body := m.plainText() + "\n-- \nSent by Chief. Event " + m.EventKey + "\n"
	_, _ = qp.Write([]byte(body))
	_ = qp.Close()
	return b.Bytes()
}

// localSMTP matches the hosts net/smtp sends a password to without TLS.
func localSMTP(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// oneLine keeps a header value on one line, so that no text from an alert
// can add headers.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
