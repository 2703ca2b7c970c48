package hooks

import (
	"testing"
	"time"
)

func TestParseTime(t *testing.T) {
	tests := []struct {
		in   string
		want string // RFC 3339 in UTC; "" for no parse
	}{
		{"2019-05-15T15:19:25Z", "2019-05-15T15:19:25Z"},
		{"2019-05-15T08:19:25-07:00", "2019-05-15T15:19:25Z"},
		{"2020-10-02T12:42:30.000Z", "2020-10-02T12:42:30Z"},
		{"2013-12-03 17:23:34 UTC", "2013-12-03T17:23:34Z"},
		{"2021-04-28 21:50:00 +0200", "2021-04-28T19:50:00Z"},
		{"2021-04-28T21:50:00+0200", "2021-04-28T19:50:00Z"},
		{"2013-12-03 17:23:34 CET", ""},
		{"2013-12-03", ""},
		{"1557933565", ""},
		{"", ""},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := parseTime(tc.in)
			if tc.want == "" {
				if ok {
					t.Fatalf("got %v, want no parse", got)
				}
				return
			}
			if !ok || got.Location() != time.UTC || got.Format(time.RFC3339) != tc.want {
				t.Fatalf("got %v (%v), want %s in UTC", got, ok, tc.want)
			}
		})
	}
	if _, err := timeAt("x.at", "0001-01-01T00:00:00Z", true); err == nil {
		t.Error("timeAt(zero instant): got nil error, want one")
	}
}
