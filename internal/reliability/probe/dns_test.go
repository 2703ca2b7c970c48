package probe

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/dur"
)

func TestDNS(t *testing.T) {
	server := startDNS(t)
	tests := []struct {
		name, target, rtype string
		rcode, body, ip     string
	}{
		{"A", "known.test", "", "NOERROR", "127.0.0.1", "127.0.0.1"},
		{"AAAA", "v6.test", "aaaa", "NOERROR", "::1", "::1"},
		{"A through CNAME", "alias.test", "A", "NOERROR", "127.0.0.1", "127.0.0.1"},
		{"CNAME", "alias.test", "CNAME", "NOERROR", "known.test.", ""},
		{"MX", "mail.test", "MX", "NOERROR", "10 mx.known.test.", ""},
		{"TXT joined", "txt.test", "TXT", "NOERROR", "v=spf1 -all", ""},
		{"PTR of an IP", "127.0.0.1", "PTR", "NOERROR", "localhost.", ""},
		{"no such name", "nowhere.test", "A", "NXDOMAIN", "", ""},
		{"name without that type", "known.test", "MX", "NOERROR", "", "127.0.0.1"},
		{"truncated, retried over TCP", "big.test", "TXT", "NOERROR",
			strings.Repeat("x", 200) + "\n" + strings.Repeat("y", 200) + "\n" + strings.Repeat("z", 200), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := newDNS("/nonexistent")
			s := Settings{Type: "dns", Target: tt.target, DNSRecordType: tt.rtype, DNSServer: server}
			if err := k.Validate(&s); err != nil {
				t.Fatal(err)
			}
			obs := k.Check(context.Background(), &s, Env{Now: time.Now()})
			if obs.Err != "" || !obs.Input.Connected {
				t.Fatalf("got err %q connected %v, want a reply", obs.Err, obs.Input.Connected)
			}
			if obs.Input.DNSRcode != tt.rcode {
				t.Errorf("rcode %s, want %s", obs.Input.DNSRcode, tt.rcode)
			}
			if string(obs.Input.Body) != tt.body {
				t.Errorf("body %q, want %q", obs.Input.Body, tt.body)
			}
			// A query for MX of a name with only an A record gets no A
			// answers; IP comes from A/AAAA answers only.
			if tt.name == "name without that type" {
				tt.ip = ""
			}
			if obs.Input.IP != tt.ip {
				t.Errorf("ip %q, want %q", obs.Input.IP, tt.ip)
			}
			if obs.Input.ResponseTime <= 0 || obs.Phases.DNS <= 0 {
				t.Errorf("response time %s DNS phase %s, want both > 0", obs.Input.ResponseTime, obs.Phases.DNS)
			}
		})
	}
}

func TestDNSNoReply(t *testing.T) {
	// A UDP socket that never reads: queries to it go unanswered.
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()

	k := newDNS("/nonexistent")
	s := Settings{Type: "dns", Target: "known.test", DNSServer: pc.LocalAddr().String(), Timeout: dur.Duration(300 * time.Millisecond)}
	if err := k.Validate(&s); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	obs := k.Check(context.Background(), &s, Env{})
	if took := time.Since(start); took > time.Second {
		t.Errorf("check took %s, want about 300ms", took)
	}
	if want := "timeout after 300ms waiting for reply"; obs.Err != want || obs.Input.Connected {
		t.Errorf("got err %q connected %v, want %q false", obs.Err, obs.Input.Connected, want)
	}
}

func TestDNSSystemServer(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, conf, want, wantErr string
	}{
		{"first nameserver", "search example.test\nnameserver 192.0.2.1\nnameserver 192.0.2.2\n", "192.0.2.1:53", ""},
		{"IPv6", "nameserver ::1\n", "[::1]:53", ""},
		{"none listed", "search example.test\n", "", "lists no nameserver"},
		{"no file", "", "", "no system resolver"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			if tt.conf != "" {
				if err := os.WriteFile(path, []byte(tt.conf), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			got, err := newDNS(path).systemServer()
			if got != tt.want || (err == nil) != (tt.wantErr == "") || err != nil && !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("got %q, %v; want %q, %q", got, err, tt.want, tt.wantErr)
			}
		})
	}
}
