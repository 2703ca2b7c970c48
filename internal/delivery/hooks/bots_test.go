package hooks

import "testing"

func TestIsBot(t *testing.T) {
	tests := []struct {
		names []string
		want  bool
	}{
		{[]string{"dependabot[bot]"}, true},
		{[]string{"", "Renovate"}, true},
		{[]string{"github-actions"}, true},
		{[]string{"Ada Park", "49699333+dependabot[bot]@users.noreply.github.com"}, true},
		{[]string{"octocat", "Mona Lisa", "21031067+Codertocat@users.noreply.github.com"}, false},
		{[]string{"robot"}, false},
		{nil, false},
	}
	for _, tc := range tests {
		if got := isBot(tc.names...); got != tc.want {
			t.Errorf("isBot(%q): got %v, want %v", tc.names, got, tc.want)
		}
	}
}
