package condition

import "testing"

func TestLooksNumeric(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"200", true}, {"-1", true}, {"+1", true}, {"1.5", true}, {".5", true}, {"5.", true},
		{"1e3", true}, {"1E-3", true},
		{"", false}, {"-", false}, {".", false}, {"1e", false}, {"0x10", false}, {"1_000", false},
		{"Inf", false}, {"NaN", false}, {"10.0.0.1", false}, {"240h", false}, {" 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := looksNumeric(tt.in); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}
