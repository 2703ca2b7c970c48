package condition

import "testing"

func TestGlobMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"", "", true},
		{"", "x", false},
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"a*", "abc", true},
		{"*c", "abc", true},
		{"*b*", "abc", true},
		{"*x*", "abc", false},
		{"a*b*c", "aXbYc", true},
		{"a*b*c", "aXbY", false},
		{"*aab", "aaaab", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"?", "é", true},
		{"caf?", "café", true},
		{"*é", "café", true},
		{"2*", "200", true},
		{"2*", "500", false},
		{"*/health", "https://x/health", true},
		{"**", "", true},
		{"a**b", "ab", true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"~"+tt.s, func(t *testing.T) {
			if got := globMatch(tt.pattern, tt.s); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
