package probe

import (
	"context"
	"testing"
	"time"
)

func TestICMP(t *testing.T) {
	var k icmpKind
	s := Settings{Type: "icmp", Target: "127.0.0.1"}
	if err := k.Validate(&s); err != nil {
		t.Skipf("ICMP not allowed here: %v", err)
	}
	obs := k.Check(context.Background(), &s, Env{Now: time.Now()})
	if !obs.Input.Connected || obs.Err != "" {
		t.Fatalf("got connected %v err %q, want an echo reply", obs.Input.Connected, obs.Err)
	}
	if obs.Input.ResponseTime <= 0 || obs.Input.ResponseTime > time.Second {
		t.Errorf("round trip %s, want a loopback round trip", obs.Input.ResponseTime)
	}
	if obs.Input.IP != "127.0.0.1" {
		t.Errorf("ip %q, want 127.0.0.1", obs.Input.IP)
	}
}
