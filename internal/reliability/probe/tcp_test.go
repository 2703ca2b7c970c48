package probe

import (
	"context"
	"net"
	"testing"
	"time"
)

func TestTCP(t *testing.T) {
	open := serveTCP(t, func(c net.Conn) { c.Close() })
	_, port, _ := net.SplitHostPort(open)
	k := tcpKind{resolver: testResolver(startDNS(t))}

	tests := []struct {
		name      string
		target    string
		connected bool
		err       string
		dns       bool // expect a DNS phase
	}{
		{"open", open, true, "", false},
		{"open by name", "known.test:" + port, true, "", true},
		{"refused", closedPort(t), false, "connection refused", false},
		{"no such host", "nowhere.test:" + port, false, "no such host nowhere.test", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Settings{Type: "tcp", Target: tt.target}
			if err := k.Validate(&s); err != nil {
				t.Fatal(err)
			}
			obs := k.Check(context.Background(), &s, Env{Now: time.Now()})
			if obs.Input.Connected != tt.connected || obs.Err != tt.err {
				t.Errorf("got connected %v err %q, want %v %q", obs.Input.Connected, obs.Err, tt.connected, tt.err)
			}
			if got := obs.Phases.DNS > 0; got != tt.dns {
				t.Errorf("DNS phase %s, want one: %v", obs.Phases.DNS, tt.dns)
			}
			if tt.connected && (obs.Input.IP != "127.0.0.1" || obs.Phases.Connect <= 0) {
				t.Errorf("got ip %q connect %s, want 127.0.0.1 and > 0", obs.Input.IP, obs.Phases.Connect)
			}
			if obs.Input.ResponseTime != obs.Phases.Total || obs.Phases.Total <= 0 {
				t.Errorf("ResponseTime %s total %s, want equal and > 0", obs.Input.ResponseTime, obs.Phases.Total)
			}
		})
	}
}
