package probe

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"net/url"
	"os"
	"strings"
	"syscall"
	"time"
)

// stepError records which step of a check failed, so a timeout can say
// where the time went ("timeout after 10s during TLS handshake").
type stepError struct {
	step string // "during DNS lookup", "while connecting", "waiting for response", ...
	err  error
}

func (e *stepError) Error() string { return e.err.Error() }
func (e *stepError) Unwrap() error { return e.err }

// maxReason bounds Observation.Err: it is shown in tables and stored with
// every failed result.
const maxReason = 200

const closedEarly = "connection closed by server before a full response"

// describe turns err into the short reason a person reads on a status page.
// ctx is the check's bounded context and limit its timeout.
func describe(ctx context.Context, err error, limit time.Duration) string {
	if r := describeCertificate(err); r != "" {
		return r
	}
	var (
		dnsErr  *net.DNSError
		step    *stepError
		netErr  net.Error
		alert   tls.AlertError
		record  tls.RecordHeaderError
		urlErr  *url.Error
		timeout bool
	)
	switch {
	case errors.As(err, &alert):
		return "TLS handshake rejected by server: " + alert.Error()
	case errors.As(err, &record):
		return "not a TLS server: " + record.Error()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer"
	case errors.Is(err, syscall.EHOSTUNREACH):
		return "host unreachable"
	case errors.Is(err, syscall.ENETUNREACH):
		return "network unreachable"
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "no such host " + dnsErr.Name
	}
	timeout = errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		errors.Is(err, context.DeadlineExceeded) ||
		errors.Is(err, os.ErrDeadlineExceeded) ||
		errors.As(err, &netErr) && netErr.Timeout()
	switch {
	case timeout:
		r := "timeout after " + roundLimit(limit).String()
		if errors.As(err, &step) && step.step != "" {
			r += " " + step.step
		}
		return r
	case errors.Is(err, context.Canceled):
		return "check canceled"
	case errors.As(err, &dnsErr):
		return shorten("DNS lookup failed: " + dnsErr.Err)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return closedEarly
	case errors.As(err, &urlErr):
		err = urlErr.Err
	}
	msg := strings.TrimPrefix(err.Error(), "net/http: HTTP/1.x transport connection broken: ")
	// net/http's own errors, unexported, so known by their text.
	switch {
	case strings.HasPrefix(msg, "readLoopPeekFailLocked"):
		// The server wrote before it was asked: a banner such as SSH's.
		return "not an HTTP server: it sent data before the request"
	case strings.Contains(msg, "server closed idle connection"):
		return closedEarly
	}
	return shorten(msg)
}

// describeCertificate explains a failed certificate check, or returns "".
func describeCertificate(err error) string {
	var (
		invalid  x509.CertificateInvalidError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
	)
	switch {
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired && invalid.Cert != nil:
		if time.Now().Before(invalid.Cert.NotBefore) {
			return "x509: certificate is not valid until " + invalid.Cert.NotBefore.UTC().Format(time.RFC3339)
		}
		return "x509: certificate has expired on " + invalid.Cert.NotAfter.UTC().Format(time.RFC3339)
	case errors.As(err, &invalid):
		return shorten(invalid.Error())
	case errors.As(err, &unknown):
		if c := unknown.Cert; c != nil && bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil {
			return "x509: self-signed certificate, not trusted"
		}
		return "x509: certificate signed by unknown authority"
	case errors.As(err, &hostname):
		return shorten(hostname.Error())
	}
	return ""
}

// unverifiedLeaf returns the server's certificate from a failed
// verification, so its expiry can be reported even when it is not trusted.
func unverifiedLeaf(err error) *x509.Certificate {
	var v *tls.CertificateVerificationError
	if errors.As(err, &v) && len(v.UnverifiedCertificates) > 0 {
		return v.UnverifiedCertificates[0]
	}
	return nil
}

// roundLimit keeps "timeout after 10s" from reading "9.999871s" when the
// limit came from a context deadline.
func roundLimit(d time.Duration) time.Duration {
	if d >= time.Second {
		return d.Round(100 * time.Millisecond)
	}
	return d.Round(time.Millisecond)
}

func shorten(s string) string {
	if len(s) <= maxReason {
		return s
	}
	return strings.ToValidUTF8(s[:maxReason], "") + "…"
}
