package delivery

import "strings"

// botWords name automation that commits or opens pull requests under a
// plain name, without GitHub's "[bot]" suffix.
var botWords = []string{"dependabot", "renovate", "github-actions"}

// IsBot reports whether any of the names (a login, a display name, an
// e-mail address) belongs to automation, whose commits stay out of lead
// time: GitHub apps ("dependabot[bot]", "…+name[bot]@users.noreply…"), a
// no-reply address whose name ends in "bot", and the usual dependency and
// CI bots by name.
func IsBot(names ...string) bool {
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if n == "" {
			continue
		}
		if local, domain, ok := strings.Cut(n, "@"); ok {
			if _, after, ok := strings.Cut(local, "+"); ok {
				local = after // 49699333+dependabot[bot]@users.noreply.github.com
			}
			if strings.Contains(local, "[bot]") || strings.Contains(domain, "noreply") && strings.HasSuffix(local, "bot") {
				return true
			}
		}
		if strings.HasSuffix(n, "[bot]") {
			return true
		}
		for _, w := range botWords {
			if strings.Contains(n, w) {
				return true
			}
		}
	}
	return false
}
