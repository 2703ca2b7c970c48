package catalog

import (
	"regexp"
	"strings"
)

// Backstage's naming rules, which follow Kubernetes object names.
var (
	nameRe      = regexp.MustCompile(`^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$`)
	namespaceRe = regexp.MustCompile(`^[a-z0-9]+(-+[a-z0-9]+)*$`)
	kindRe      = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9]*$`)
	tagRe       = regexp.MustCompile(`^[a-z0-9:+#]+(-[a-z0-9:+#]+)*$`)
	dnsLabelRe  = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`)
)

func validName(s string) bool      { return len(s) >= 1 && len(s) <= 63 && nameRe.MatchString(s) }
func validNamespace(s string) bool { return len(s) >= 1 && len(s) <= 63 && namespaceRe.MatchString(s) }
func validKind(s string) bool      { return len(s) >= 1 && len(s) <= 63 && kindRe.MatchString(s) }
func validTag(s string) bool       { return len(s) >= 1 && len(s) <= 63 && tagRe.MatchString(s) }

// validLabelValue: labels may be empty, otherwise they follow the name rule.
func validLabelValue(s string) bool { return s == "" || validName(s) }

// validKey checks label and annotation keys: an optional DNS subdomain
// prefix and a slash, then a name.
func validKey(s string) bool {
	prefix, name, found := strings.Cut(s, "/")
	if !found {
		return validName(s)
	}
	if len(prefix) == 0 || len(prefix) > 253 {
		return false
	}
	for _, label := range strings.Split(prefix, ".") {
		if len(label) > 63 || !dnsLabelRe.MatchString(label) {
			return false
		}
	}
	return validName(name)
}
