package catalog

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
)

// Repository annotations: where a component's source lives, as Backstage's
// GitHub and GitLab plugins spell it ("owner/name", "group/sub/name").
const (
	AnnotationGitHubSlug = "github.com/project-slug"
	AnnotationGitLabSlug = "gitlab.com/project-slug"
)

// Component is what other areas need to know of a component to count
// things per component, system and team.
type Component struct {
	// Key is the component's catalog key ("component:default/payments").
	Key       string
	Name      string
	Title     string
	Lifecycle string
	// Owner and System are catalog keys ("group:default/payments-team",
	// "system:default/checkout"), "" when not set.
	Owner  string
	System string
	// Repositories are the annotated source repositories, lower case.
	Repositories []string
}

// Components lists every component, ordered by key. The answer is cached
// until the catalog changes, so callers on hot paths (webhooks) may ask often.
func (s *Store) Components(ctx context.Context) ([]Component, error) {
	return cached(ctx, s, "components", func() ([]Component, error) {
		rows, err := s.db.Read().QueryContext(ctx, `SELECT ref, body FROM entities WHERE kind = 'Component' ORDER BY ref`)
		if err != nil {
			return nil, fmt.Errorf("list components: %w", err)
		}
		defer rows.Close()
		var out []Component
		for rows.Next() {
			var key, body string
			if err := rows.Scan(&key, &body); err != nil {
				return nil, err
			}
			var e Entity
			if err := json.Unmarshal([]byte(body), &e); err != nil {
				return nil, fmt.Errorf("entity %s: %w", key, err)
			}
			c := Component{Key: key, Name: e.Metadata.Name, Title: e.DisplayName(), Lifecycle: e.Text("lifecycle")}
			if o, err := ParseRef(e.Text("owner"), "group", e.Ref().Namespace); err == nil && e.Text("owner") != "" {
				c.Owner = o.Key()
			}
			if sys, err := ParseRef(e.Text("system"), "system", e.Ref().Namespace); err == nil && e.Text("system") != "" {
				c.System = sys.Key()
			}
			for _, a := range []string{AnnotationGitHubSlug, AnnotationGitLabSlug} {
				if v := strings.TrimSpace(e.Metadata.Annotations[a]); v != "" {
					c.Repositories = append(c.Repositories, strings.ToLower(v))
				}
			}
			out = append(out, c)
		}
		return out, rows.Err()
	})
}
