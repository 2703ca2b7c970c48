package markdown

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []string
		notWant []string
	}{
		{"heading and emphasis", "# Title\n\nSome *text*.", []string{"<h1", "Title</h1>", "<em>text</em>"}, nil},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |\n", []string{"<table>", "<th>a</th>", "<td>2</td>"}, nil},
		{"autolink", "see https://example.com/x now", []string{`<a href="https://example.com/x"`}, nil},
		{"script tag removed", "hi <script>alert(1)</script> there", []string{"hi"}, []string{"<script", "alert(1)"}},
		{"javascript link in markdown", "[x](javascript:alert(1))", nil, []string{"javascript:"}},
		{"javascript link in html", `<a href="javascript:alert(1)">x</a>`, nil, []string{"javascript:"}},
		{"event handler removed", `<img src="https://example.com/a.png" onerror="alert(1)">`, []string{`src="https://example.com/a.png"`}, []string{"onerror"}},
		{"raw html kept when safe", "<b>bold</b> and <i>it</i>", []string{"<b>bold</b>", "<i>it</i>"}, nil},
		{"links get nofollow", "[a](https://example.com)", []string{`rel="nofollow"`}, nil},
		{"strikethrough", "~~old~~", []string{"<del>old</del>"}, nil},
		{"task list keeps its checkboxes", "- [x] done\n- [ ] to do", []string{`<input checked="" disabled="" type="checkbox"`, `<input disabled="" type="checkbox"`}, nil},
		{"password input removed", `<input type="password" name="p">`, nil, []string{"<input", "password"}},
		{"text input removed", `<p>Name: <input type="text"></p>`, []string{"Name:"}, []string{"<input"}},
		{"input without a type removed", `<input value="x">`, nil, []string{"<input"}},
		{"disabled password input loses its type", `<input type="password" disabled>`, nil, []string{"password", "type="}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(Render(tt.src))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("got %q, want it to contain %q", got, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("got %q, want no %q", got, w)
				}
			}
		})
	}
}
