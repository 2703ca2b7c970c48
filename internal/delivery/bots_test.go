package delivery

import "testing"

func TestIsBot(t *testing.T) {
	for _, tc := range []struct {
		names []string
		want  bool
	}{
		{[]string{"dependabot[bot]"}, true},
		{[]string{"", "Renovate"}, true},
		{[]string{"github-actions"}, true},
		{[]string{"Ada Park", "49699333+dependabot[bot]@users.noreply.github.com"}, true},
		{[]string{"github-actions[bot]", "41898282+github-actions[bot]@users.noreply.github.com"}, true},
		{[]string{"Renovate Bot", "bot@renovateapp.com"}, true},
		{[]string{"Release", "release-bot@users.noreply.example.com"}, true},
		{[]string{"octocat", "Mona Lisa", "21031067+Codertocat@users.noreply.github.com"}, false},
		{[]string{"Jane Abbott", "1234+abbott@users.noreply.github.com"}, false},
		{[]string{"Robert", "robot@example.com"}, false},
		{[]string{"robot"}, false},
		{nil, false},
	} {
		if got := IsBot(tc.names...); got != tc.want {
			t.Errorf("IsBot(%q): got %v, want %v", tc.names, got, tc.want)
		}
	}
}
