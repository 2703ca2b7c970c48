package hooks

import "strings"

// knownBots are automation accounts that commit or open pull requests under
// a plain name, without GitHub's "[bot]" suffix.
var knownBots = map[string]bool{
	"dependabot":         true,
	"dependabot-preview": true,
	"renovate":           true,
	"renovate-bot":       true,
	"renovatebot":        true,
	"github-actions":     true,
}

// isBot reports whether any of the names (login, display name, e-mail)
// belongs to automation, so its commits stay out of lead time.
func isBot(names ...string) bool {
	for _, n := range names {
		n = strings.ToLower(strings.TrimSpace(n))
		if local, _, ok := strings.Cut(n, "@"); ok {
			// 49699333+dependabot[bot]@users.noreply.github.com
			n = local
			if _, after, ok := strings.Cut(n, "+"); ok {
				n = after
			}
		}
		if n == "" {
			continue
		}
		if strings.HasSuffix(n, "[bot]") || knownBots[n] {
			return true
		}
	}
	return false
}
