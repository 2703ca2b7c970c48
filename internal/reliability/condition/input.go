// Package condition parses and evaluates the conditions a check's result
// must meet, in a language that reads like Gatus's: `[STATUS] == 200`,
// `[BODY].status == UP`, `len([BODY].items) > 0`, `[CERTIFICATE_EXPIRATION] > 240h`.
package condition

import "time"

// Input is what one check observed, as conditions see it. A probe fills the
// fields its kind measures and leaves the others at their zero value.
type Input struct {
	// Status is the HTTP status code ([STATUS]); 0 when there was no response.
	Status int
	// ResponseTime is how long the check took ([RESPONSE_TIME], compared in
	// milliseconds).
	ResponseTime time.Duration
	// Body is the response body as read, up to the probe's limit ([BODY]).
	Body []byte
	// Connected reports whether the target was reached at all ([CONNECTED]).
	Connected bool
	// CertificateExpiration is the time left on the leaf certificate
	// ([CERTIFICATE_EXPIRATION]); HasCertificate says whether one was seen.
	CertificateExpiration time.Duration
	HasCertificate        bool
	// DNSRcode is the DNS response code name, such as NOERROR or NXDOMAIN
	// ([DNS_RCODE]).
	DNSRcode string
	// IP is the address the target resolved to ([IP]).
	IP string
}
