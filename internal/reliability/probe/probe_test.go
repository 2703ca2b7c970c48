package probe

import (
	"slices"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/dur"
)

func TestNamesAndLookup(t *testing.T) {
	want := []string{"dns", "heartbeat", "http", "icmp", "tcp", "tls"}
	if got := Names(); !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	for _, name := range want {
		k, err := Lookup(name)
		if err != nil {
			t.Fatalf("Lookup(%q): %v", name, err)
		}
		if len(k.DefaultConditions()) == 0 {
			t.Errorf("%s has no default conditions", name)
		}
	}
	_, err := Lookup("smtp")
	if e := apperr.As(err); e == nil || e.Field != "type" {
		t.Errorf("Lookup(smtp) = %v, want a field error on type", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name  string
		in    Settings
		field string   // field named by the error; "" for none
		check Settings // fields expected after defaults; compared when field is ""
	}{
		{"http defaults", Settings{Type: "http", Target: "https://example.com/health"}, "",
			Settings{Type: "http", Target: "https://example.com/health", Method: "GET", MaxBody: 1 << 20, Timeout: dur.Duration(10 * time.Second)}},
		{"http method upper-cased", Settings{Type: "http", Target: "http://10.0.0.1:8080/", Method: "post", Timeout: dur.Duration(time.Second)}, "",
			Settings{Type: "http", Target: "http://10.0.0.1:8080/", Method: "POST", MaxBody: 1 << 20, Timeout: dur.Duration(time.Second)}},
		{"http dns setting", Settings{Type: "http", Target: "https://example.com", DNSRecordType: "A"}, "dns_record_type", Settings{}},
		{"http ftp url", Settings{Type: "http", Target: "ftp://example.com"}, "target", Settings{}},
		{"http no target", Settings{Type: "http"}, "target", Settings{}},
		{"http bad host", Settings{Type: "http", Target: "http://exa mple.com/"}, "target", Settings{}},
		{"http bad method", Settings{Type: "http", Target: "http://example.com", Method: "GE T"}, "method", Settings{}},
		{"http bad header", Settings{Type: "http", Target: "http://example.com", Headers: map[string]string{"X Bad": "1"}}, "headers", Settings{}},
		{"http header value", Settings{Type: "http", Target: "http://example.com", Headers: map[string]string{"X-A": "a\r\nX-B: b"}}, "headers", Settings{}},
		{"http max body too big", Settings{Type: "http", Target: "http://example.com", MaxBody: 1 << 30}, "max_body", Settings{}},
		{"timeout too long", Settings{Type: "http", Target: "http://example.com", Timeout: dur.Duration(10 * time.Minute)}, "timeout", Settings{}},
		{"timeout too short", Settings{Type: "tcp", Target: "db:5432", Timeout: dur.Duration(time.Millisecond)}, "timeout", Settings{}},
		{"tcp ok", Settings{Type: "tcp", Target: "db.internal:5432"}, "",
			Settings{Type: "tcp", Target: "db.internal:5432", Timeout: dur.Duration(10 * time.Second)}},
		{"tcp IPv6", Settings{Type: "tcp", Target: "[::1]:22"}, "",
			Settings{Type: "tcp", Target: "[::1]:22", Timeout: dur.Duration(10 * time.Second)}},
		{"tcp no port", Settings{Type: "tcp", Target: "db.internal"}, "target", Settings{}},
		{"tcp bad port", Settings{Type: "tcp", Target: "db.internal:99999"}, "target", Settings{}},
		{"tcp method", Settings{Type: "tcp", Target: "db:5432", Method: "GET"}, "method", Settings{}},
		{"tcp insecure", Settings{Type: "tcp", Target: "db:5432", Insecure: true}, "insecure", Settings{}},
		{"dns defaults", Settings{Type: "dns", Target: "example.com", DNSServer: "192.0.2.53"}, "",
			Settings{Type: "dns", Target: "example.com", DNSRecordType: "A", DNSServer: "192.0.2.53:53", Timeout: dur.Duration(10 * time.Second)}},
		{"dns bad type", Settings{Type: "dns", Target: "example.com", DNSRecordType: "ANY"}, "dns_record_type", Settings{}},
		{"dns bad server", Settings{Type: "dns", Target: "example.com", DNSServer: "1.2.3.4:dns"}, "dns_server", Settings{}},
		{"dns body", Settings{Type: "dns", Target: "example.com", Body: "x"}, "body", Settings{}},
		{"dns no target", Settings{Type: "dns"}, "target", Settings{}},
		{"tls default port", Settings{Type: "tls", Target: "example.com"}, "",
			Settings{Type: "tls", Target: "example.com:443", Timeout: dur.Duration(10 * time.Second)}},
		{"tls headers", Settings{Type: "tls", Target: "example.com", Headers: map[string]string{"A": "b"}}, "headers", Settings{}},
		{"heartbeat ok", Settings{Type: "heartbeat"}, "", Settings{Type: "heartbeat"}},
		{"heartbeat target", Settings{Type: "heartbeat", Target: "http://example.com"}, "target", Settings{}},
		{"heartbeat timeout", Settings{Type: "heartbeat", Timeout: dur.Duration(time.Second)}, "timeout", Settings{}},
		{"icmp max body", Settings{Type: "icmp", Target: "127.0.0.1", MaxBody: 10}, "max_body", Settings{}},
		{"icmp no target", Settings{Type: "icmp"}, "target", Settings{}},
		{"icmp bad target", Settings{Type: "icmp", Target: "127.0.0.1:80"}, "target", Settings{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Lookup(tt.in.Type)
			if err != nil {
				t.Fatal(err)
			}
			s := tt.in
			err = k.Validate(&s)
			if tt.field != "" {
				if e := apperr.As(err); e == nil || e.Field != tt.field || e.Code != apperr.Invalid {
					t.Fatalf("got %v, want an invalid-field error on %s", err, tt.field)
				}
				return
			}
			if err != nil {
				t.Fatalf("got %v, want no error", err)
			}
			if s.Target != tt.check.Target || s.Method != tt.check.Method || s.MaxBody != tt.check.MaxBody ||
				s.Timeout != tt.check.Timeout || s.DNSRecordType != tt.check.DNSRecordType || s.DNSServer != tt.check.DNSServer {
				t.Errorf("got %+v, want %+v", s, tt.check)
			}
			// Validate is run at every edge; a second run must accept its
			// own output.
			if err := k.Validate(&s); err != nil {
				t.Errorf("second Validate: %v", err)
			}
		})
	}
}
