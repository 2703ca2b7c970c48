package web

import (
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/catalog"
)

func TestCatalogRowsEscapeEveryValue(t *testing.T) {
	rec := catalog.Record{Orphaned: true, Entity: catalog.Entity{
		Kind: "Component",
		Metadata: catalog.Metadata{Name: "web", Namespace: "ops", Title: `<script>alert(1)</script>`,
			Description: `"quoted" & <b>bold</b>`, Tags: []string{"c++"}},
		Spec: map[string]any{"type": "service", "lifecycle": "production", "owner": `group:ops/a&b`},
	}}
	got := string(catalogRows([]catalog.Record{rec}))
	for _, want := range []string{
		`<a href="/catalog/component/ops/web">&lt;script&gt;alert(1)&lt;/script&gt;</a>`,
		` <span class="muted">ops</span>`,
		`<span class="badge badge-warn">orphaned</span>`,
		`<a href="/catalog?owner=group%3Aops%2Fa%26b">group:ops/a&amp;b</a>`,
		`<span class="badge badge-production">● production</span>`,
		`<a class="tag" href="/catalog?tag=c%2B%2B">c++</a>`,
		`&#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;`,
	} {
		if !strings.Contains(got, want) {
			t.Errorf("rows lack %q\ngot %s", want, got)
		}
	}
	if strings.Contains(got, "<script>") || strings.Contains(got, "<b>") {
		t.Errorf("rows hold unescaped markup: %s", got)
	}
}
