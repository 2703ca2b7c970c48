package condition

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSkipValueAgreesWithEncodingJSON(t *testing.T) {
	tests := []string{
		`{}`, `[]`, `""`, `0`, `-0`, `1.5e-3`, `true`, `false`, `null`,
		`{"a":[1,{"b":"c"}],"d":null}`,
		` { "a" : [ 1 , 2 ] } `,
		`"\"\\\/\b\f\n\r\t\u00e9"`,
		`01`, `1.`, `.5`, `-`, `1e`, `+1`, `tru`, `nul`, `"abc`, `"\x"`, `"\u12"`, "\"a\tb\"",
		`{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[1 2]`, `{1:2}`, `{"a":1]`, `[1}`,
	}
	for _, body := range tests {
		t.Run(body, func(t *testing.T) {
			s := scanner{b: []byte(body)}
			ok := s.skipValue(0)
			s.skipSpace()
			got := ok && s.pos == len(body)
			if want := json.Valid([]byte(body)); got != want {
				t.Errorf("got valid %v, want %v", got, want)
			}
		})
	}
}

func TestSkipValueDepthLimit(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	s := scanner{b: []byte(deep)}
	if s.skipValue(0) {
		t.Errorf("got valid, want a refusal past %d levels", maxDepth)
	}
	ok := strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth)
	s = scanner{b: []byte(ok)}
	if !s.skipValue(0) {
		t.Errorf("got invalid, want %d levels accepted", maxDepth)
	}
}

func TestUnescape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", `abc`, "abc"},
		{"short escapes", `\"\\\/\b\f\n\r\t`, "\"\\/\b\f\n\r\t"},
		{"unicode", `caf\u00E9`, "café"},
		{"surrogate pair", `\ud83d\ude00!`, "😀!"},
		{"lone high surrogate", `\ud83dx`, "\uFFFDx"},
		{"lone low surrogate", `\ude00`, "\uFFFD"},
		{"high surrogate then non-surrogate", `\ud83d\u0041`, "\uFFFDA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unescape([]byte(tt.in)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			var decoded string
			if err := json.Unmarshal([]byte(`"`+tt.in+`"`), &decoded); err != nil || decoded != tt.want {
				t.Errorf("encoding/json got %q, %v, want %q: the test disagrees with it", decoded, err, tt.want)
			}
		})
	}
}
