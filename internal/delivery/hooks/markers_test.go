package hooks

import (
	"testing"

	"github.com/chief-hq/chief/internal/delivery"
)

func TestRemedyOf(t *testing.T) {
	tests := []struct {
		texts []string
		want  string
	}{
		{[]string{"deploy", "", "{}"}, ""},
		{[]string{"deploy:rollback"}, delivery.RemedyRollback},
		{[]string{"deploy", "Roll back to v1.2"}, delivery.RemedyRollback},
		{[]string{"deploy", "", `{"revert": true}`}, delivery.RemedyRollback},
		{[]string{"deploy", "hotfix-1234"}, delivery.RemedyFix},
		{[]string{"deploy", "Fix checkout"}, delivery.RemedyFix},
		{[]string{"hotfix", "rollback"}, delivery.RemedyRollback},
		{[]string{"deploy", "prefix and suffix fixtures", `{"rolling": "backend"}`}, ""},
	}
	for _, tc := range tests {
		if got := remedyOf(tc.texts...); got != tc.want {
			t.Errorf("remedyOf(%q): got %q, want %q", tc.texts, got, tc.want)
		}
	}
}

func TestIsIncidentLabel(t *testing.T) {
	for label, want := range map[string]bool{
		"incident": true, "Incident": true, "type: incident": true, "kind/incident": true,
		"type::incident": true, "bug": false, "incidents": false, "post-incident": false, "": false,
	} {
		if got := isIncidentLabel(label); got != want {
			t.Errorf("isIncidentLabel(%q): got %v, want %v", label, got, want)
		}
	}
}

func TestDeploymentLine(t *testing.T) {
	tests := []struct {
		body, want string
	}{
		{"Checkout down.\r\n\r\nDeployment: f95f852 (the 15:20 one)\r\n", "f95f852"},
		{"deployment:   `145988746`", "145988746"},
		{"  DEPLOYMENT: abc123\nDeployment: later", "abc123"},
		{"Deployment:\nNo deployment named", ""},
		{"The deployment: it broke", ""},
		{"", ""},
	}
	for _, tc := range tests {
		if got := deploymentLine(tc.body); got != tc.want {
			t.Errorf("deploymentLine(%q): got %q, want %q", tc.body, got, tc.want)
		}
	}
}
