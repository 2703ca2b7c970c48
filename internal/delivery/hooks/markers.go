package hooks

import (
	"strings"
	"unicode"

	"github.com/chief-hq/chief/internal/delivery"
)

// remedyOf reads free text a deployment carries (task, description,
// payload) for a sign that it undoes or mends an earlier one. Whole words
// only, so "prefix" is no fix; a rollback wins over a fix.
func remedyOf(texts ...string) string {
	remedy := ""
	for _, text := range texts {
		words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
		for i, w := range words {
			switch {
			case strings.HasPrefix(w, "rollback"), strings.HasPrefix(w, "revert"),
				w == "roll" && i+1 < len(words) && words[i+1] == "back":
				return delivery.RemedyRollback
			case w == "fix", w == "fixes", w == "fixed", w == "bugfix", strings.HasPrefix(w, "hotfix"):
				remedy = delivery.RemedyFix
			}
		}
	}
	return remedy
}

// isIncidentLabel accepts "incident" alone or after a scope: "type:
// incident", "kind/incident", GitLab's scoped "type::incident".
func isIncidentLabel(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	if i := strings.LastIndexAny(n, "/:"); i >= 0 {
		n = strings.TrimSpace(n[i+1:])
	}
	return n == "incident"
}

// deploymentLine finds a "Deployment: <sha or id>" line in an issue's body,
// the way a responder names the deployment that caused an incident.
func deploymentLine(body string) string {
	const key = "deployment:"
	for line := range strings.Lines(body) {
		line = strings.TrimSpace(line)
		if len(line) < len(key) || !strings.EqualFold(line[:len(key)], key) {
			continue
		}
		if f := strings.Fields(line[len(key):]); len(f) > 0 {
			if ref := strings.Trim(f[0], "`*_"); ref != "" {
				return ref
			}
		}
	}
	return ""
}
