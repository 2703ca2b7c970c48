package condition

import (
	"bytes"
	"strings"
)

// placeholder is a [NAME] that stands for something a check observed.
type placeholder uint8

const (
	phStatus placeholder = iota + 1
	phResponseTime
	phBody
	phConnected
	phCertificateExpiration
	phDNSRcode
	phIP
)

func lookupPlaceholder(name string) (placeholder, bool) {
	switch name {
	case "STATUS":
		return phStatus, true
	case "RESPONSE_TIME":
		return phResponseTime, true
	case "BODY":
		return phBody, true
	case "CONNECTED":
		return phConnected, true
	case "CERTIFICATE_EXPIRATION":
		return phCertificateExpiration, true
	case "DNS_RCODE":
		return phDNSRcode, true
	case "IP":
		return phIP, true
	}
	return 0, false
}

// literalRule says which literals a placeholder can sensibly be compared
// with, so a typo such as `[CERTIFICATE_EXPIRATION] > 10d` (Go durations have
// no days) is refused when the monitor is saved rather than silently never
// holding.
type literalRule uint8

const (
	anyLiteral literalRule = iota
	numberLiteral
	durationLiteral // a number of milliseconds or a Go duration
	boolLiteral
)

func (p placeholder) rule() literalRule {
	switch p {
	case phStatus:
		return numberLiteral
	case phResponseTime, phCertificateExpiration:
		return durationLiteral
	case phConnected:
		return boolLiteral
	}
	return anyLiteral
}

// resolve reads the placeholder from in, following path into the body.
// A non-empty reason means there is nothing to compare, and why.
func (p placeholder) resolve(in *Input, path []step) (v value, reason string) {
	switch p {
	case phStatus:
		return intValue(int64(in.Status)), ""
	case phResponseTime:
		return intValue(in.ResponseTime.Milliseconds()), ""
	case phConnected:
		return boolValue(in.Connected), ""
	case phCertificateExpiration:
		if !in.HasCertificate {
			return v, "[CERTIFICATE_EXPIRATION]: no certificate was seen"
		}
		return durationValue(in.CertificateExpiration), ""
	case phDNSRcode:
		return textValue(in.DNSRcode), ""
	case phIP:
		return textValue(in.IP), ""
	}
	if len(path) == 0 {
		return textValue(string(bytes.TrimSpace(in.Body))), ""
	}
	raw, fault := walk(in.Body, path)
	if fault.code != faultNone {
		return v, fault.reason(in.Body, path)
	}
	return jsonValue(raw), ""
}

func boolValue(b bool) value {
	if b {
		return value{text: "true"}
	}
	return value{text: "false"}
}

// suggestPlaceholder offers the supported name a mistyped one probably meant.
func suggestPlaceholder(name string) string {
	if _, ok := lookupPlaceholder(strings.ToUpper(name)); ok {
		return "[" + strings.ToUpper(name) + "]"
	}
	return ""
}

// bodyLen is len([BODY]): the body's length once surrounding white space is
// trimmed, the same text [BODY] compares.
func bodyLen(body []byte) int {
	return len(bytes.TrimSpace(body))
}
