package hooks

import (
	"slices"
	"testing"
)

func TestRegistry(t *testing.T) {
	if got, want := Names(), []string{"github", "gitlab"}; !slices.Equal(got, want) {
		t.Errorf("Names: got %v, want %v", got, want)
	}
	for _, name := range Names() {
		p, ok := Lookup(name)
		if !ok || p.Name() != name {
			t.Errorf("Lookup(%q): got %v %v, want the provider named %q", name, p, ok, name)
		}
	}
	if p, ok := Lookup(" GitLab "); !ok || p.Name() != "gitlab" {
		t.Errorf("Lookup(\" GitLab \"): got %v %v, want gitlab", p, ok)
	}
	if _, ok := Lookup("bitbucket"); ok {
		t.Error("Lookup(bitbucket): got a provider, want none")
	}
}
