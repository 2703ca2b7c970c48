package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/cli"
)

// runCLI runs a chief command with the database arguments given.
func runCLI(t testing.TB, dbArgs []string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append(append([]string{}, args...), dbArgs...)
	err := cli.Run(context.Background(), full, noEnv, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

func writeFile(t testing.TB, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReliabilityCLI(t *testing.T) {
	target := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/down" {
			w.WriteHeader(503)
			w.Write([]byte(`{"status":"DOWN"}`))
			return
		}
		w.Write([]byte(`{"status":"UP","items":[{"ok":true}]}`))
	}))
	defer target.Close()

	t.Run("check", func(t *testing.T) {
		out, _, err := runCLI(t, nil, "check", target.URL+"/health", "--condition", "[STATUS] == 200", "--condition", "[BODY].items[0].ok == true")
		if err != nil {
			t.Fatalf("got %v, want a passing check:\n%s", err, out)
		}
		for _, want := range []string{"connect", "first byte", "total", "pass  [STATUS] == 200", "[STATUS] (200) == 200", "check passed"} {
			if !strings.Contains(out, want) {
				t.Fatalf("got output without %q:\n%s", want, out)
			}
		}
		out, _, err = runCLI(t, nil, "check", target.URL+"/down", "--condition", "[BODY].status == UP")
		if err == nil || !strings.Contains(out, "FAIL  [BODY].status == UP") || !strings.Contains(out, "[BODY].status (DOWN) == UP") {
			t.Fatalf("got %v with output:\n%s\nwant a failed check naming the condition and the value seen", err, out)
		}
		_, _, err = runCLI(t, nil, "check", target.URL, "--condition", "[STATUS] === 200")
		if err == nil || !strings.Contains(err.Error(), "column 10") {
			t.Fatalf("got %v, want a syntax error at column 10", err)
		}
	})

	engines(t, func(t *testing.T, dbArgs []string) {
		comp := writeFile(t, "catalog-info.yaml", "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: checkout\nspec:\n  type: service\n  lifecycle: production\n  owner: group:default/payments\n")
		if _, _, err := runCLI(t, dbArgs, "import", "backstage", comp); err != nil {
			t.Fatal(err)
		}
		file := writeFile(t, "monitors.yaml", "monitors:\n  - name: checkout-api\n    entity: checkout\n    type: http\n    target: "+target.URL+"/health\n    interval: 30s\n    conditions: [\"[STATUS] == 200\"]\n")
		out, _, err := runCLI(t, dbArgs, "import", "monitors", file)
		if err != nil || !strings.Contains(out, "1 created") {
			t.Fatalf("got %v: %s, want 1 created", err, out)
		}
		out, _, err = runCLI(t, dbArgs, "import", "monitors", file)
		if err != nil || !strings.Contains(out, "0 created, 0 updated, 1 unchanged, 0 deleted") {
			t.Fatalf("got %v: %s, want nothing changed on a second import", err, out)
		}
		bad := writeFile(t, "bad.yaml", "monitors:\n  - name: x\n    entity: checkout\n    type: http\n    target: "+target.URL+"\n    conditions: [\"[STATUS] ==\"]\n")
		_, _, err = runCLI(t, dbArgs, "import", "monitors", bad)
		if err == nil || !strings.Contains(err.Error(), "bad.yaml:2") || !strings.Contains(err.Error(), "conditions[0]") {
			t.Fatalf("got %v, want an error naming bad.yaml:2 and conditions[0]", err)
		}
		out, _, err = runCLI(t, dbArgs, "monitors", "list", "--json")
		if err != nil {
			t.Fatal(err)
		}
		var mons []map[string]any
		if err := json.Unmarshal([]byte(out), &mons); err != nil {
			t.Fatalf("got %v parsing:\n%s", err, out)
		}
		if len(mons) != 1 {
			t.Fatalf("got %d monitors, want 1 (the bad file changed nothing)", len(mons))
		}
		m := mons[0]
		for _, key := range []string{"name", "entity", "state", "last_check_at", "windows"} {
			if _, ok := m[key]; !ok {
				t.Fatalf("got %v, want key %q", m, key)
			}
		}
		if m["name"] != "checkout-api" || m["entity"] != "component:default/checkout" || m["state"] != "unknown" || m["last_check_at"] != nil {
			t.Fatalf("got %v, want checkout-api on component:default/checkout, unknown, never checked", m)
		}
		windows := m["windows"].(map[string]any)
		for _, w := range []string{"1h", "24h", "7d", "30d"} {
			win, ok := windows[w].(map[string]any)
			if !ok || win["good"] != 0.0 || win["bad"] != 0.0 || win["uptime"] != nil {
				t.Fatalf("got window %s = %v, want 0 good, 0 bad, uptime null", w, windows[w])
			}
		}
		out, _, err = runCLI(t, dbArgs, "incidents", "list", "--json")
		if err != nil || strings.TrimSpace(out) != "[]" {
			t.Fatalf("got %v %q, want an empty JSON array", err, out)
		}
		out, _, err = runCLI(t, dbArgs, "monitors", "list")
		if err != nil || !strings.Contains(out, "checkout-api") || !strings.Contains(out, "never") {
			t.Fatalf("got %v:\n%s\nwant a table with checkout-api never checked", err, out)
		}
		gatusFile, _ := filepath.Abs("../reliability/gatus/testdata/acme.yaml")
		out, _, err = runCLI(t, dbArgs, "import", "gatus", gatusFile, "--owner", "group:default/sre")
		if err != nil || !strings.Contains(out, "9 created") || !strings.Contains(out, "acme.yaml:41: alerting.pagerduty") {
			t.Fatalf("got %v:\n%s\nwant 9 monitors created and the pagerduty provider reported by line", err, out)
		}
		out, _, err = runCLI(t, dbArgs, "import", "gatus", gatusFile, "--owner", "group:default/sre")
		if err != nil || !strings.Contains(out, "0 created, 0 updated, 9 unchanged") {
			t.Fatalf("got %v:\n%s\nwant nothing changed the second time", err, out)
		}
	})
}
