package reliability

import (
	"strings"
	"testing"
)

// FuzzParseMonitorsFile feeds arbitrary files to the monitors file parser:
// it must never panic, and what it accepts must validate or be refused
// with a field error, never crash Validate.
func FuzzParseMonitorsFile(f *testing.F) {
	f.Add(monitorsFile)
	f.Add("monitors:\n  - name: a\n    interval: 1s\n")
	f.Add("monitors: [{name: x, type: dns, target: example.internal, dns_record_type: MX}]\n")
	f.Add("monitors:\n  - &a {name: x}\n  - *a\n")
	f.Fuzz(func(t *testing.T, file string) {
		list, err := ParseMonitorsFile(strings.NewReader(file), "fuzz.yaml")
		if err != nil {
			return
		}
		for _, m := range list {
			in := m.Input
			_, _, _ = in.Validate()
		}
	})
}
